/**
 * AD_HOC_SUB_PROCESS — the heart of case models. Activation: ACTIVATED, then the inner elements named
 * by `activeElementsCollection` (a list of element ids, else an incident); with none it simply stays
 * active. Elements are also activated on demand through the engine API (activateAdHocElements), as
 * often as wanted. Each time an inner token ends, the completion condition is evaluated: when it holds
 * the sub-process completes (cancelling what still runs if cancelRemainingInstances); without a
 * condition it completes once nothing runs any more.
 */
import { describeValue } from "../feel.js";
import { collectionProblem } from "../limits.js";
import type { Execution } from "../runtime/execution.js";
import type { InstanceContext, RuntimeElement } from "../runtime/instance.js";
import type { ElementBehavior } from "./behavior.js";

export const adHocSubProcessBehavior: ElementBehavior = {
  activate(rt, context, element) {
    const adHoc = element.node.adHoc!;
    let ids: string[] = [];
    if (adHoc.activeElementsCollection) {
      const result = rt.evaluate(context, element, adHoc.activeElementsCollection);
      const value = result.ok ? result.value : undefined;
      const wrong = Array.isArray(value) ? value.filter((v) => typeof v !== "string" || !activatable(element, v)) : [];
      if (!result.ok || (value !== null && !Array.isArray(value)) || wrong.length > 0) {
        const found = !result.ok ? result.message : wrong.length > 0 ? `${wrong.map((w) => `'${String(w)}'`).join(", ")}, which ${wrong.length > 1 ? "are not inner elements" : "is not an inner element"}` : describeValue(value);
        rt.raiseIncident(context, element, "EXTRACT_VALUE_ERROR", `Expected the active elements collection of '${element.elementId}' to be a list of ids of its inner elements (${innerIds(element).join(", ")}), but found ${found}`);
        return;
      }
      ids = (value as string[] | null) ?? [];
      const tooMany = collectionProblem(rt.limits, ids.length, `the active elements collection of '${element.elementId}'`);
      if (tooMany) {
        rt.raiseIncident(context, element, "EXTRACT_VALUE_ERROR", tooMany);
        return;
      }
    }
    rt.transition(context, element, "ACTIVATED");
    for (const id of ids) rt.activate(context, element.node.children!.find((c) => c.id === id)!, element);
  },
  terminate() {},
};

function innerIds(element: RuntimeElement): string[] {
  return (element.node.children ?? []).filter((c) => c.incoming.length === 0 && c.type !== "BOUNDARY_EVENT" && c.type !== "EVENT_SUB_PROCESS").map((c) => c.id);
}

export function activatable(element: RuntimeElement, id: string): boolean {
  return innerIds(element).includes(id);
}

/** An inner token ended: evaluate the completion condition, or complete when nothing runs any more. */
export function adHocTokenEnded(rt: Execution, context: InstanceContext, element: RuntimeElement): void {
  const adHoc = element.node.adHoc!;
  const running = context.children(element.key).length > 0 || context.joinTokens.some((t) => t.scopeKey === element.key);
  if (!adHoc.completionCondition) {
    if (!running) rt.complete(context, element);
    return;
  }
  const result = adHoc.completionCondition.evaluate(context.context(element), rt.now, rt.feel);
  if (!result.ok) {
    rt.raiseIncident(context, element, "CONDITION_ERROR", `Expected the completion condition of '${element.elementId}' to evaluate, but it failed: ${result.message}`);
    return;
  }
  if (typeof result.value !== "boolean") {
    rt.raiseIncident(context, element, "CONDITION_ERROR", `Expected the completion condition '${adHoc.completionCondition.source}' of '${element.elementId}' to be a boolean, but found ${describeValue(result.value)}`);
    return;
  }
  if (!result.value) return;
  if (running && !adHoc.cancelRemainingInstances) return;
  rt.terminateChildren(context, element);
  rt.complete(context, element);
}
