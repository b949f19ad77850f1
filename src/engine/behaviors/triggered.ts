/** Shared by events that an earlier trigger already fired: they complete with the trigger's variables. */
import type { Execution } from "../runtime/execution.js";
import type { InstanceContext, RuntimeElement } from "../runtime/instance.js";

export function triggerVariables(element: RuntimeElement): Record<string, unknown> | undefined {
  const trigger = element.data?.["trigger"];
  return trigger && typeof trigger === "object" ? (trigger as Record<string, unknown>) : undefined;
}

/** Completes an element that was activated by a trigger; false when it was not. */
export function completeIfTriggered(rt: Execution, context: InstanceContext, element: RuntimeElement): boolean {
  const variables = triggerVariables(element);
  if (!variables) return false;
  element.data = null;
  rt.transition(context, element, "ACTIVATED");
  rt.complete(context, element, variables);
  return true;
}
