/**
 * Compiles what activities carry: job definitions, scripts, user task properties, IO mappings,
 * called elements, multi-instance characteristics and ad-hoc settings.
 */
import { isIsoDateTime } from "../shared/dates.js";
import { setOwn } from "../shared/own.js";
import { CompileContext, VARIABLE_PATH, extension } from "./compile-context.js";
import type { FlowNode, Mapping, UserTaskDefinition } from "./types.js";

export function compileMappings(ctx: CompileContext, node: FlowNode, element: any): void {
  const io = extension(element, "zeebe:IoMapping");
  if (!io) return;
  const build = (params: any[], kind: string): Mapping[] =>
    params.flatMap((p) => {
      const target = (p.target ?? "").trim();
      if (!VARIABLE_PATH.test(target)) {
        ctx.problem(node.id, `Expected ${kind} mapping target of '${node.id}' to be a variable name (like 'amount' or 'customer.name'), but found '${p.target ?? ""}'`);
        return [];
      }
      const source = ctx.expr(node.id, `the ${kind} mapping '${target}'`, p.source ?? "=null");
      return source ? [{ source, target: target.split(".") }] : [];
    });
  node.inputs = build(io.inputParameters ?? [], "input");
  node.outputs = build(io.outputParameters ?? [], "output");
}

/** Custom headers (keys chosen by designers: a `__proto__` header stays a header). */
export function headers(element: any): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of (extension(element, "zeebe:TaskHeaders")?.values ?? []) as any[]) {
    if (h.key) setOwn(out, h.key, h.value ?? "");
  }
  return out;
}

export function compileJob(ctx: CompileContext, node: FlowNode, element: any): void {
  const def = extension(element, "zeebe:TaskDefinition");
  if (!def || !def.type) {
    ctx.problem(node.id, `Expected '${node.id}' to have a zeebe:taskDefinition with a job type, but found ${def ? "an empty type" : "none"}`);
    return;
  }
  const type = ctx.expr(node.id, "the job type", def.type);
  const retriesSource: string = def.retries ?? "3";
  if (retriesSource.trim() === "" || (!retriesSource.startsWith("=") && !/^\d+$/.test(retriesSource))) {
    ctx.problem(node.id, `Expected the job retries of '${node.id}' to be a whole number or a FEEL expression, but found '${retriesSource}'`);
    return;
  }
  const retries = ctx.expr(node.id, "the job retries", retriesSource);
  if (type && retries) node.job = { type, retries, headers: headers(element) };
}

export function compileScript(ctx: CompileContext, node: FlowNode, element: any): void {
  const script = extension(element, "zeebe:Script");
  if (script) {
    if (!script.resultVariable || !VARIABLE_PATH.test(script.resultVariable)) {
      ctx.problem(node.id, `Expected script task '${node.id}' to have a resultVariable, but found '${script.resultVariable ?? ""}'`);
    }
    const expression = ctx.expr(node.id, "the script", script.expression, true);
    if (!script.expression) ctx.problem(node.id, `Expected script task '${node.id}' to have a FEEL expression, but found none`);
    if (expression && script.resultVariable) node.script = { expression, resultVariable: script.resultVariable };
    return;
  }
  if (!extension(element, "zeebe:TaskDefinition")) {
    ctx.problem(node.id, `Expected script task '${node.id}' to have either a zeebe:script or a zeebe:taskDefinition, but found neither`);
    return;
  }
  compileJob(ctx, node, element);
}

export function compileUserTask(ctx: CompileContext, node: FlowNode, element: any, formIds: Set<string>): void {
  const id = node.id;
  const assignment = extension(element, "zeebe:AssignmentDefinition");
  const schedule = extension(element, "zeebe:TaskSchedule");
  const priority = extension(element, "zeebe:PriorityDefinition");
  const form = extension(element, "zeebe:FormDefinition");
  const def: UserTaskDefinition = { native: !!extension(element, "zeebe:UserTask"), headers: headers(element) };
  const set = (key: "assignee" | "candidateGroups" | "candidateUsers" | "dueDate" | "followUpDate" | "priority" | "externalReference", what: string, source: string | undefined) => {
    const e = ctx.expr(id, what, source);
    if (e) def[key] = e;
  };
  set("assignee", "the assignee", assignment?.assignee);
  set("candidateGroups", "the candidate groups", assignment?.candidateGroups);
  set("candidateUsers", "the candidate users", assignment?.candidateUsers);
  set("dueDate", "the due date", schedule?.dueDate);
  set("followUpDate", "the follow-up date", schedule?.followUpDate);
  set("priority", "the priority", priority?.priority);
  for (const [label, source] of [["due date", schedule?.dueDate], ["follow-up date", schedule?.followUpDate]] as const) {
    if (source && !source.startsWith("=") && !isIsoDateTime(source)) {
      ctx.problem(id, `Expected the ${label} of '${id}' to be an ISO 8601 date-time, but found '${source}'`);
    }
  }
  if (priority?.priority && !priority.priority.startsWith("=")) {
    const p = Number(priority.priority);
    if (!Number.isInteger(p) || p < 0 || p > 100) ctx.problem(id, `Expected the priority of '${id}' to be a whole number from 0 to 100, but found '${priority.priority}'`);
  }
  if (form?.formId) {
    def.formId = form.formId;
    formIds.add(form.formId);
  }
  if (form?.formKey) def.formKey = form.formKey;
  if (form?.externalReference) set("externalReference", "the external form reference", form.externalReference);
  node.userTask = def;
}

export function compileCallActivity(ctx: CompileContext, node: FlowNode, element: any): void {
  const called = extension(element, "zeebe:CalledElement");
  const source = called?.processId ?? called?.processIdExpression;
  if (!source) {
    ctx.problem(node.id, `Expected call activity '${node.id}' to have a zeebe:calledElement with a process id, but found none`);
    return;
  }
  const processId = ctx.expr(node.id, "the called process id", source);
  const bindingType = called.bindingType ?? "latest";
  if (!["latest", "deployment", "versionTag"].includes(bindingType)) {
    ctx.problem(node.id, `Expected the binding type of '${node.id}' to be latest, deployment or versionTag, but found '${bindingType}'`);
    return;
  }
  if (bindingType === "versionTag" && !called.versionTag) ctx.problem(node.id, `Expected call activity '${node.id}' with binding type versionTag to name a version tag, but found none`);
  if (processId) {
    node.calledElement = {
      processId,
      propagateAllChildVariables: called.propagateAllChildVariables !== false,
      propagateAllParentVariables: called.propagateAllParentVariables !== false,
      bindingType,
      ...(called.versionTag ? { versionTag: called.versionTag } : {}),
    };
  }
}

export function compileMultiInstance(ctx: CompileContext, node: FlowNode, element: any): void {
  const loop = element.loopCharacteristics;
  if (!loop) return;
  if (loop.$type !== "bpmn:MultiInstanceLoopCharacteristics") {
    ctx.problem(node.id, `Expected '${node.id}' to use multi-instance characteristics, but found a standard loop, which Camunda 8 does not support`);
    return;
  }
  const zeebe = extension(loop, "zeebe:LoopCharacteristics");
  const inputCollection = ctx.expr(node.id, "the multi-instance input collection", zeebe?.inputCollection);
  if (!zeebe?.inputCollection) {
    ctx.problem(node.id, `Expected multi-instance activity '${node.id}' to have a zeebe:loopCharacteristics inputCollection, but found none`);
    return;
  }
  for (const [what, value] of [["inputElement", zeebe.inputElement], ["outputCollection", zeebe.outputCollection]] as const) {
    if (value && !VARIABLE_PATH.test(value)) ctx.problem(node.id, `Expected the multi-instance ${what} of '${node.id}' to be a variable name, but found '${value}'`);
  }
  const outputElement = ctx.expr(node.id, "the multi-instance output element", zeebe.outputElement);
  if (zeebe.outputCollection && !zeebe.outputElement) ctx.problem(node.id, `Expected multi-instance activity '${node.id}' with an outputCollection to have an outputElement, but found none`);
  const completionCondition = ctx.expr(node.id, "the completion condition", loop.completionCondition?.body, true);
  node.multiInstance = {
    sequential: loop.isSequential === true,
    ...(inputCollection ? { inputCollection } : {}),
    ...(zeebe.inputElement ? { inputElement: zeebe.inputElement } : {}),
    ...(zeebe.outputCollection ? { outputCollection: zeebe.outputCollection } : {}),
    ...(outputElement ? { outputElement } : {}),
    ...(completionCondition ? { completionCondition } : {}),
  };
}

export function compileAdHoc(ctx: CompileContext, node: FlowNode, element: any): void {
  const adHoc = extension(element, "zeebe:AdHoc");
  const activeElementsCollection = ctx.expr(node.id, "the active elements collection", adHoc?.activeElementsCollection);
  const completionCondition = ctx.expr(node.id, "the completion condition", element.completionCondition?.body, true);
  const outputElement = ctx.expr(node.id, "the output element", adHoc?.outputElement);
  node.adHoc = {
    cancelRemainingInstances: element.cancelRemainingInstances !== false,
    ...(activeElementsCollection ? { activeElementsCollection } : {}),
    ...(completionCondition ? { completionCondition } : {}),
    ...(adHoc?.outputCollection ? { outputCollection: adHoc.outputCollection } : {}),
    ...(outputElement ? { outputElement } : {}),
  };
}
