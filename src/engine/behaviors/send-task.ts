/**
 * SEND_TASK — like a service task: a job for a worker (the mail connector, say), waits until completed.
 * Completion variables propagate (or go through the output mappings); terminating cancels the job.
 */
import { jobTaskBehavior } from "../shared/jobs.js";
import type { ElementBehavior } from "./behavior.js";

export const sendTaskBehavior: ElementBehavior = jobTaskBehavior;
