/** MANUAL_TASK — done outside any system: passes the token on at once, as Camunda 8 does. */
import { passThrough, type ElementBehavior } from "./behavior.js";

export const manualTaskBehavior: ElementBehavior = passThrough;
