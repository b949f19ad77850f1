/**
 * INTERMEDIATE_CATCH_EVENT — timer, message or signal: opens its own subscription and waits in
 * ACTIVATED until it fires (then completes with the trigger's variables). After an event-based
 * gateway it is activated already fired. A link catch event passes the token on.
 */
import { openSubscriptions } from "../runtime/subscriptions.js";
import type { ElementBehavior } from "./behavior.js";
import { completeIfTriggered } from "./triggered.js";

export const intermediateCatchEventBehavior: ElementBehavior = {
  activate(rt, context, element) {
    if (completeIfTriggered(rt, context, element)) return;
    if (element.node.event?.kind === "link") {
      rt.transition(context, element, "ACTIVATED");
      rt.complete(context, element);
      return;
    }
    if (!openSubscriptions(rt, context, element, [element.node])) return;
    rt.transition(context, element, "ACTIVATED");
  },
  terminate() {},
};
