/**
 * INTERMEDIATE_THROW_EVENT — none: a milestone, passes on. Signal: broadcasts it, then passes on.
 * Escalation: throws it; passes on unless an interrupting catch ended it. Message: a job for a worker
 * (like a send task). Link: jumps to the catch link event of the same name (Execution.finishCompletion).
 */
import type { ElementBehavior } from "./behavior.js";
import { throwFirst } from "./throwing.js";
import { cancelJob } from "../shared/jobs.js";

export const intermediateThrowEventBehavior: ElementBehavior = {
  activate(rt, context, element) {
    if (throwFirst(rt, context, element) === "stop") return;
    rt.transition(context, element, "ACTIVATED");
    rt.complete(context, element);
  },
  terminate(rt, context, element) {
    cancelJob(rt, context, element);
  },
};
