/**
 * EVENT_BASED_GATEWAY — opens one subscription per event after it (owned by the gateway) and waits.
 * The first to fire wins: the gateway completes towards it and, in the same transaction, the other
 * subscriptions are withdrawn (leaving the gateway closes all of them).
 */
import { openSubscriptions } from "../runtime/subscriptions.js";
import type { ElementBehavior } from "./behavior.js";

export const eventBasedGatewayBehavior: ElementBehavior = {
  activate(rt, context, element) {
    const catchers = element.node.outgoing.map((f) => f.target);
    if (!openSubscriptions(rt, context, element, catchers)) return;
    rt.transition(context, element, "ACTIVATED");
  },
  terminate() {},
};
