/**
 * What throw and end events do before they complete: broadcast a signal, throw an escalation or an
 * error, or (message events with a job) wait for a worker. Returns "continue" when the element may
 * complete, "stop" when it was interrupted, waits or raised an incident.
 */
import { describeValue } from "../feel.js";
import type { Execution } from "../runtime/execution.js";
import type { InstanceContext, RuntimeElement } from "../runtime/instance.js";
import { broadcastSignal } from "../runtime/triggers.js";
import { createJob } from "../shared/jobs.js";
import { throwEvent } from "../shared/throw.js";
import { throwCompensation } from "../shared/compensation.js";

export function throwFirst(rt: Execution, context: InstanceContext, element: RuntimeElement): "continue" | "stop" {
  const event = element.node.event;
  if (element.node.job) {
    createJob(rt, context, element, element.node.job);
    return "stop";
  }
  if (!event) return "continue";
  if (event.kind === "compensate") return throwCompensation(rt, context, element) ? "stop" : "continue";
  if (event.kind === "signal") {
    const name = rt.evaluate(context, element, event.name!);
    if (!name.ok || typeof name.value !== "string" || name.value === "") {
      rt.raiseIncident(context, element, "EXTRACT_VALUE_ERROR", `Expected the signal name of '${element.elementId}' to be a non-empty string, but found ${name.ok ? describeValue(name.value) : name.message}`);
      return "stop";
    }
    broadcastSignal(rt, name.value, context.variables.local(element.key));
    return element.state === "ACTIVATING" ? "continue" : "stop";
  }
  if (event.kind === "error" || event.kind === "escalation") {
    const code = rt.evaluate(context, element, event.code!);
    if (!code.ok || code.value === null || code.value === "") {
      rt.raiseIncident(context, element, "EXTRACT_VALUE_ERROR", `Expected the ${event.kind} code of '${element.elementId}' to evaluate to a string, but found ${code.ok ? describeValue(code.value) : code.message}`);
      return "stop";
    }
    const caught = throwEvent(rt, context, element, event.kind, String(code.value), context.variables.local(element.key));
    if (!caught && event.kind === "error") {
      rt.raiseIncident(context, element, "UNHANDLED_ERROR_EVENT", `Expected to throw an error event with the code '${String(code.value)}', but it was not caught. No error events are available in the scope.`);
      return "stop";
    }
    // an interrupting catch terminated the thrower; otherwise it carries on
    return element.state === "ACTIVATING" ? "continue" : "stop";
  }
  return "continue";
}
