/**
 * EVENT_SUB_PROCESS — started by its start event's trigger inside an active scope (the scope owns the
 * subscription; errors and escalations are found by shared/throw.ts). Activation: ACTIVATED, then its
 * start event, already fired, with the trigger's variables. It completes like a sub-process; an
 * interrupting one had terminated the scope's other tokens, so the scope completes after it.
 */
import type { ElementBehavior } from "./behavior.js";
import { triggerVariables } from "./triggered.js";

export const eventSubProcessBehavior: ElementBehavior = {
  activate(rt, context, element) {
    const variables = triggerVariables(element) ?? {};
    element.data = null;
    rt.transition(context, element, "ACTIVATED");
    rt.activate(context, element.node.startEvent!, element).data = { trigger: variables };
  },
  terminate() {},
};
