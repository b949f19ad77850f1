/**
 * END_EVENT — consumes the token; its scope completes when no other token is left.
 * With a terminate event definition, it first terminates every other token of its scope (and what
 * they hold), then the scope completes.
 */
import type { ElementBehavior } from "./behavior.js";

export const endEventBehavior: ElementBehavior = {
  activate(rt, context, element) {
    rt.transition(context, element, "ACTIVATED");
    rt.complete(context, element);
    if (!element.node.terminate) return;
    const scope = context.element(element.flowScopeKey)!;
    rt.terminateChildren(context, scope);
    rt.checkScopeCompletion(context, scope);
  },
  terminate() {},
};
