/**
 * EXCLUSIVE_GATEWAY — on activation, takes the first outgoing flow (document order) whose condition
 * is true, else the default flow. No match and no default, or a condition that is not a boolean, is
 * an incident; the gateway stays ACTIVATING and re-evaluates when the incident is resolved.
 * Converging: every arriving token passes through on its own.
 */
import { selectFlows } from "../shared/flows.js";
import type { ElementBehavior } from "./behavior.js";

export const exclusiveGatewayBehavior: ElementBehavior = {
  activate(rt, context, element) {
    const flows = selectFlows(rt, context, element, "first");
    if (!flows) return;
    rt.transition(context, element, "ACTIVATED");
    rt.complete(context, element, undefined, flows);
  },
  terminate() {},
};
