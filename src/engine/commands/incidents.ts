/**
 * Resolving an incident retries what failed: a job incident makes the job available again (its
 * retries must have been raised first); an element incident re-runs the step the element is stuck
 * in (activation or completion), typically after the variables were fixed.
 */
import { EngineError, notFound } from "../errors.js";
import type { Execution } from "../runtime/execution.js";

export function resolveIncident(rt: Execution, incidentKey: number): void {
  const incident = rt.store.incident(incidentKey);
  if (!incident) throw notFound("incident", incidentKey);
  if (incident.state !== "ACTIVE") throw new EngineError("NOT_FOUND", `Expected to resolve incident '${incidentKey}', but it is already resolved`);
  const context = rt.instance(incident.processInstanceKey);
  const element = context.element(incident.elementInstanceKey);
  if (!element) throw new Error(`Incident ${incidentKey} points at element instance ${incident.elementInstanceKey}, which is gone`);
  if (incident.jobKey !== null) {
    const job = rt.store.job(incident.jobKey)!;
    if (job.state === "FAILED" && job.retries <= 0) {
      throw new EngineError("INVALID_STATE", `Expected job '${job.key}' to have retries left before its incident is resolved, but it has ${job.retries}; update the job retries first`);
    }
    if (job.state === "FAILED" || job.state === "ERROR_THROWN") {
      job.state = "ACTIVATABLE";
      job.retryAt = null;
      job.errorCode = null;
      rt.store.updateJob(job);
      rt.effects.jobTypes.add(job.type);
    }
    rt.resolveIncidentRow(context, element);
    return;
  }
  rt.resolveIncidentRow(context, element);
  if (element.state === "ACTIVATING") rt.schedule(() => rt.runActivation(context, element));
  else if (element.state === "COMPLETING") rt.finishCompletion(context, element);
  else if (element.state === "ACTIVATED" && element.elementType === "AD_HOC_SUB_PROCESS") rt.checkScopeCompletion(context, element);
  rt.drain();
}
