/**
 * START_EVENT — passes the token on at once. A start event fired by a timer, message or signal (of
 * the process or of an event sub-process) completes with the variables the trigger brought.
 */
import type { ElementBehavior } from "./behavior.js";
import { completeIfTriggered } from "./triggered.js";

export const startEventBehavior: ElementBehavior = {
  activate(rt, context, element) {
    if (completeIfTriggered(rt, context, element)) return;
    rt.transition(context, element, "ACTIVATED");
    rt.complete(context, element);
  },
  terminate() {},
};
