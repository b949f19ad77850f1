/**
 * SUB_PROCESS (embedded) — a scope for its own variables and tokens. Activation: input mappings,
 * ACTIVATED, a token on its none start event. It completes (output mappings, then its outgoing
 * flows) when its last inner token is gone; terminating it terminates its children first.
 */
import type { ElementBehavior } from "./behavior.js";

export const subProcessBehavior: ElementBehavior = {
  activate(rt, context, element) {
    rt.transition(context, element, "ACTIVATED");
    rt.activate(context, element.node.startEvent!, element);
  },
  terminate() {},
};
