/**
 * INCLUSIVE_GATEWAY — diverging: takes every outgoing flow whose condition is true (the default flow
 * only when none is); no match and no default is an incident. Converging (several incoming flows):
 * arriving tokens wait as join tokens, and the gateway fires once no live token of its scope can
 * still reach one of its empty incoming flows (Execution.fireInclusiveJoins, with the reachability
 * computed at deploy time in model/graph.ts).
 */
import { selectFlows } from "../shared/flows.js";
import type { ElementBehavior } from "./behavior.js";

export const inclusiveGatewayBehavior: ElementBehavior = {
  activate(rt, context, element) {
    const flows = selectFlows(rt, context, element, "all");
    if (!flows) return;
    rt.transition(context, element, "ACTIVATED");
    rt.complete(context, element, undefined, flows);
  },
  terminate() {},
};
