/**
 * Long polling for job activation: when no job is available, the request waits until jobs of its
 * type are committed (engine.events `jobs`), a back-off or lock runs out (re-checked by a cheap
 * read four times a second), the request timeout passes, the client goes away or the server stops.
 */
import type { Response } from "express";
import type { ActivateJobsRequest, ActivatedJob } from "../../engine/commands/jobs.js";
import type { V2Context } from "./context.js";

const RECHECK_MS = 250;

/** A read (no write-lane command, so no commit) telling whether activating could find a job now. */
export function jobsAvailable({ engine }: V2Context, type: string): boolean {
  return engine.store.activatableJobs(type, engine.clock.now(), 1).length > 0;
}

export function waitForJobs(ctx: V2Context, res: Response, request: ActivateJobsRequest, waitMs: number): Promise<ActivatedJob[]> {
  const { engine, lifecycle } = ctx;
  return new Promise((resolve, reject) => {
    let busy = false;
    let again = false;
    let done = false;
    const finish = (jobs: ActivatedJob[] | Error) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      clearInterval(recheck);
      engine.events.off("jobs", onJobs);
      lifecycle.off("close", onClose);
      res.off("close", onClose);
      if (jobs instanceof Error) reject(jobs);
      else resolve(jobs);
    };
    const attempt = () => {
      if (done) return;
      if (busy) return void (again = true);
      if (!jobsAvailable(ctx, request.type)) return;
      busy = true;
      engine.activateJobs(request).then(
        (jobs) => {
          busy = false;
          if (jobs.length > 0) {
            // The client left while we were activating: the jobs time out and come back.
            return finish(jobs);
          }
          if (again) {
            again = false;
            attempt();
          }
        },
        (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))),
      );
    };
    const onJobs = (type: string) => {
      if (type === request.type) attempt();
    };
    const onClose = () => finish([]);
    const deadline = setTimeout(() => finish([]), waitMs);
    const recheck = setInterval(attempt, RECHECK_MS);
    engine.events.on("jobs", onJobs);
    lifecycle.once("close", onClose);
    res.once("close", onClose);
  });
}
