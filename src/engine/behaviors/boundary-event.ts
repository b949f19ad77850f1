/**
 * BOUNDARY_EVENT — never waits itself: its subscription belongs to the activity it is attached to
 * (opened when the activity activates). When it fires it is activated with the trigger's variables
 * and completes at once; interrupting ones terminated the activity first (runtime/triggers.ts).
 * Error and escalation boundary events are activated by a throw (shared/throw.ts) the same way.
 */
import type { ElementBehavior } from "./behavior.js";
import { completeIfTriggered } from "./triggered.js";

export const boundaryEventBehavior: ElementBehavior = {
  activate(rt, context, element) {
    if (completeIfTriggered(rt, context, element)) return;
    rt.transition(context, element, "ACTIVATED");
    rt.complete(context, element);
  },
  terminate() {},
};
