/** INTERMEDIATE_THROW_EVENT (none) — a milestone marker: passes the token on at once. */
import { passThrough, type ElementBehavior } from "./behavior.js";

export const intermediateThrowEventBehavior: ElementBehavior = passThrough;
