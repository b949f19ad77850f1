/**
 * PROCESS — the root scope. Execution.activateRoot opens its event sub-process subscriptions, moves
 * it to ACTIVATED and puts a token on the start event (none, or the one an event triggered). It
 * completes when no token is left (Execution.checkScopeCompletion); terminating it terminates all.
 */
import type { ElementBehavior } from "./behavior.js";

export const processBehavior: ElementBehavior = {
  activate() {
    throw new Error("The process scope is activated by Execution.activateRoot, never through the queue");
  },
  terminate() {},
};
