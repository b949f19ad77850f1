/** START_EVENT (none) — passes the token on at once. Timer/message start events come with the events issue. */
import { passThrough, type ElementBehavior } from "./behavior.js";

export const startEventBehavior: ElementBehavior = passThrough;
