/**
 * Resolving an incident retries what failed: a job incident makes the job available again (its
 * retries must have been raised first); an element incident re-runs the step the element is stuck
 * in (activation or completion), typically after the variables were fixed.
 */
import { EngineError, notFound } from "../errors.js";
import type { Execution } from "../runtime/execution.js";
import { reopenSubscriptions } from "../runtime/subscriptions.js";

export function resolveIncident(rt: Execution, incidentKey: number): void {
  const incident = rt.store.incident(incidentKey);
  if (!incident) throw notFound("incident", incidentKey);
  if (incident.state !== "ACTIVE") throw new EngineError("NOT_FOUND", `Expected to resolve incident '${incidentKey}', but it is already resolved`);
  const context = rt.instance(incident.processInstanceKey);
  const element = context.element(incident.elementInstanceKey);
  if (!element || element.incidentKey !== incident.key) {
    // Stale: its element has ended or moved on (another incident replaced it). Nothing to retry.
    rt.store.resolveIncident(incident.key, rt.now);
    rt.record(context.pi.key, { type: "INCIDENT_RESOLVED", key: incident.key, elementId: incident.elementId, elementInstanceKey: incident.elementInstanceKey, stale: true });
    return;
  }
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
    rt.resolveIncidentRow(context, element, incident.key);
    return;
  }
  rt.resolveIncidentRow(context, element, incident.key);
  if (element.state === "ACTIVATING") rt.schedule(() => rt.runActivation(context, element));
  else if (element.state === "COMPLETING") rt.finishCompletion(context, element);
  else if (element.state === "ACTIVATED") {
    // Waits that failed to open (after a migration, or the process's event sub-processes) open again;
    // an ad-hoc sub-process re-evaluates its completion condition.
    if (rt.store.events.ofOwner(element.key).length === 0) reopenSubscriptions(rt, context, element);
    if (element.elementType === "AD_HOC_SUB_PROCESS") rt.checkScopeCompletion(context, element);
  }
  rt.drain();
}
