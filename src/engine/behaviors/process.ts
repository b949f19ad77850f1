/**
 * PROCESS — the root scope. Activation: ACTIVATED, then a token on the none start event. It
 * completes when no token is left (Execution.checkScopeCompletion); terminating it terminates all.
 */
import type { ElementBehavior } from "./behavior.js";

export const processBehavior: ElementBehavior = {
  activate(rt, context, element) {
    rt.transition(context, element, "ACTIVATED");
    rt.activate(context, element.node.startEvent!, element);
  },
  terminate() {},
};
