/**
 * END_EVENT — consumes the token; its scope completes when no other token is left.
 * Terminate: first terminates every other token of its scope. Error: throws it; an uncaught error is
 * an incident (the event stays ACTIVATING; resolving throws again). Escalation and signal: thrown or
 * broadcast, then the token ends. Message: a job for a worker, then the token ends.
 */
import { cancelJob } from "../shared/jobs.js";
import type { ElementBehavior } from "./behavior.js";
import { throwFirst } from "./throwing.js";

export const endEventBehavior: ElementBehavior = {
  activate(rt, context, element) {
    if (throwFirst(rt, context, element) === "stop") return;
    rt.transition(context, element, "ACTIVATED");
    rt.complete(context, element);
    if (!element.node.terminate) return;
    const scope = context.element(element.flowScopeKey)!;
    rt.terminateChildren(context, scope);
    rt.checkScopeCompletion(context, scope);
  },
  terminate(rt, context, element) {
    cancelJob(rt, context, element);
  },
};
