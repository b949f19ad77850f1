/**
 * Evaluates a user task's FEEL-able properties at activation. Any property that does not evaluate
 * to the expected type is an incident naming the property, the expected type and what was found.
 */
import { describeValue, type Expression } from "../feel.js";
import { isIsoDateTime } from "./dates.js";
import type { Execution } from "../runtime/execution.js";
import type { InstanceContext, RuntimeElement } from "../runtime/instance.js";

export interface UserTaskProps {
  assignee: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  dueDate: string | null;
  followUpDate: string | null;
  priority: number;
  formKey: number | null;
  externalFormReference: string | null;
}

class PropertyError extends Error {}

export function evaluateUserTask(rt: Execution, context: InstanceContext, element: RuntimeElement): UserTaskProps | null {
  const def = element.node.userTask!;
  const value = (expr: Expression | undefined, what: string): unknown => {
    if (!expr) return null;
    const r = rt.evaluate(context, element, expr);
    if (!r.ok) throw new PropertyError(`Expected the ${what} of '${element.elementId}' to evaluate, but it failed: ${r.message}`);
    return r.value;
  };
  const text = (expr: Expression | undefined, what: string): string | null => {
    const v = value(expr, what);
    if (v === null || v === "") return null;
    if (typeof v !== "string") throw new PropertyError(`Expected the ${what} of '${element.elementId}' to be a string, but found ${describeValue(v)}`);
    return v;
  };
  const list = (expr: Expression | undefined, what: string): string[] => {
    const v = value(expr, what);
    if (v === null) return [];
    if (typeof v === "string") return v.split(",").map((s) => s.trim()).filter(Boolean);
    if (Array.isArray(v) && v.every((s) => typeof s === "string")) return v as string[];
    throw new PropertyError(`Expected the ${what} of '${element.elementId}' to be a list of strings, but found ${describeValue(v)}`);
  };
  const date = (expr: Expression | undefined, what: string): string | null => {
    const v = text(expr, what);
    if (v !== null && !isIsoDateTime(v)) throw new PropertyError(`Expected the ${what} of '${element.elementId}' to be an ISO 8601 date-time, but found '${v}'`);
    return v;
  };
  try {
    const rawPriority = value(def.priority, "priority");
    const priority = rawPriority === null ? 50 : Number(rawPriority);
    if (!Number.isInteger(priority) || priority < 0 || priority > 100) {
      throw new PropertyError(`Expected the priority of '${element.elementId}' to be a whole number from 0 to 100, but found ${describeValue(rawPriority)}`);
    }
    let formKey: number | null = null;
    if (def.formId) {
      const form = rt.store.latestForm(def.formId);
      if (!form) {
        rt.raiseIncident(context, element, "FORM_NOT_FOUND", `Expected to find a deployed form with id '${def.formId}' for '${element.elementId}', but none is deployed`);
        return null;
      }
      formKey = form.key;
    }
    return {
      assignee: text(def.assignee, "assignee"),
      candidateGroups: list(def.candidateGroups, "candidate groups"),
      candidateUsers: list(def.candidateUsers, "candidate users"),
      dueDate: date(def.dueDate, "due date"),
      followUpDate: date(def.followUpDate, "follow-up date"),
      priority,
      formKey,
      externalFormReference: text(def.externalReference, "external form reference"),
    };
  } catch (error) {
    if (!(error instanceof PropertyError)) throw error;
    rt.raiseIncident(context, element, "EXTRACT_VALUE_ERROR", error.message);
    return null;
  }
}
