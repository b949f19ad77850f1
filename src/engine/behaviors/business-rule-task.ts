/**
 * BUSINESS_RULE_TASK — with a zeebe:taskDefinition: a job for a worker, waits until completed.
 * Completion variables propagate (or go through the output mappings); terminating cancels the job.
 */
import { jobTaskBehavior } from "../shared/jobs.js";
import type { ElementBehavior } from "./behavior.js";

export const businessRuleTaskBehavior: ElementBehavior = jobTaskBehavior;
