/** TASK (undefined task) — no work attached: passes the token on at once, as Camunda 8 does. */
import { passThrough, type ElementBehavior } from "./behavior.js";

export const taskBehavior: ElementBehavior = passThrough;
