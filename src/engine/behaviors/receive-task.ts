/**
 * RECEIVE_TASK — waits for its message (name and correlation key evaluated at activation) like a
 * message catch event, and can carry boundary events like any activity.
 */
import { openSubscriptions } from "../runtime/subscriptions.js";
import type { ElementBehavior } from "./behavior.js";
import { completeIfTriggered } from "./triggered.js";

export const receiveTaskBehavior: ElementBehavior = {
  activate(rt, context, element) {
    if (completeIfTriggered(rt, context, element)) return;
    if (!openSubscriptions(rt, context, element, [element.node])) return;
    rt.transition(context, element, "ACTIVATED");
  },
  terminate() {},
};
