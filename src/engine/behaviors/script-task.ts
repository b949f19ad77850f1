/**
 * SCRIPT_TASK — with zeebe:script, the engine evaluates the FEEL expression and completes at once
 * with the result in `resultVariable` (a failure is an incident; resolving it re-evaluates). With a
 * zeebe:taskDefinition instead, it is a job like a service task.
 */
import { cancelJob, createJob } from "../shared/jobs.js";
import type { ElementBehavior } from "./behavior.js";

export const scriptTaskBehavior: ElementBehavior = {
  activate(rt, context, element) {
    const script = element.node.script;
    if (!script) {
      createJob(rt, context, element, element.node.job!);
      return;
    }
    const result = rt.evaluate(context, element, script.expression);
    if (!result.ok) {
      rt.raiseIncident(context, element, "EXTRACT_VALUE_ERROR", result.message);
      return;
    }
    rt.transition(context, element, "ACTIVATED");
    rt.complete(context, element, { [script.resultVariable]: result.value });
  },
  terminate(rt, context, element) {
    cancelJob(rt, context, element);
  },
};
