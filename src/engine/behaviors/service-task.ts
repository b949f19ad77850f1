/**
 * SERVICE_TASK — creates a job of its zeebe:taskDefinition type and waits in ACTIVATED until a worker completes it.
 * Completion variables propagate (or go through the output mappings); terminating cancels the job.
 */
import { jobTaskBehavior } from "../shared/jobs.js";
import type { ElementBehavior } from "./behavior.js";

export const serviceTaskBehavior: ElementBehavior = jobTaskBehavior;
