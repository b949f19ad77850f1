/**
 * Outgoing-flow selection for exclusive and inclusive gateways. Conditions are FEEL; `null` (e.g. a
 * comparison with a variable that does not exist) counts as false, any other non-boolean is an
 * incident, as is finding no flow to take without a default flow.
 */
import { describeValue } from "../feel.js";
import type { SequenceFlow } from "../model/types.js";
import type { Execution } from "../runtime/execution.js";
import type { InstanceContext, RuntimeElement } from "../runtime/instance.js";

export function selectFlows(rt: Execution, context: InstanceContext, element: RuntimeElement, mode: "first" | "all"): SequenceFlow[] | null {
  const node = element.node;
  if (node.outgoing.length === 1 && !node.outgoing[0]!.condition) return node.outgoing;
  const selected: SequenceFlow[] = [];
  let evalContext: Record<string, unknown> | undefined;
  for (const flow of node.outgoing) {
    if (flow === node.defaultFlow) continue;
    if (!flow.condition) {
      selected.push(flow);
      if (mode === "first") break;
      continue;
    }
    evalContext ??= context.context(element);
    const result = flow.condition.evaluate(evalContext, rt.now, rt.feel);
    if (!result.ok) {
      rt.raiseIncident(context, element, "CONDITION_ERROR", `Expected the condition of flow '${flow.id}' to evaluate, but it failed: ${result.message}`);
      return null;
    }
    if (result.value === null) continue;
    if (typeof result.value !== "boolean") {
      rt.raiseIncident(context, element, "CONDITION_ERROR", `Expected the condition '${flow.condition.source}' of flow '${flow.id}' to be a boolean, but found ${describeValue(result.value)}`);
      return null;
    }
    if (result.value) {
      selected.push(flow);
      if (mode === "first") break;
    }
  }
  if (selected.length > 0) return selected;
  if (node.defaultFlow) return [node.defaultFlow];
  rt.raiseIncident(
    context, element, "CONDITION_ERROR",
    `Expected at least one condition of gateway '${node.id}' to be true, or a default flow, but no condition was true and there is no default flow`,
  );
  return null;
}
