/**
 * The element instance lifecycle, in one table. Only `transitionTo()` changes a state.
 *
 *   ACTIVATING → ACTIVATED → COMPLETING → COMPLETED
 *        └────────┴──────────────┴──→ TERMINATING → TERMINATED
 *
 * An element that hits an incident stays in the state it was in (ACTIVATING or COMPLETING); resolving
 * the incident retries that step.
 */
export type LifecycleState = "ACTIVATING" | "ACTIVATED" | "COMPLETING" | "COMPLETED" | "TERMINATING" | "TERMINATED";

const TRANSITIONS: Record<LifecycleState, readonly LifecycleState[]> = {
  ACTIVATING: ["ACTIVATED", "TERMINATING"],
  ACTIVATED: ["COMPLETING", "TERMINATING"],
  COMPLETING: ["COMPLETED", "TERMINATING"],
  COMPLETED: [],
  TERMINATING: ["TERMINATED"],
  TERMINATED: [],
};

export function canTransition(from: LifecycleState, to: LifecycleState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isFinal(state: LifecycleState): boolean {
  return state === "COMPLETED" || state === "TERMINATED";
}

export class IllegalTransitionError extends Error {
  constructor(elementId: string, key: number, from: LifecycleState, to: LifecycleState) {
    super(`Illegal transition of element '${elementId}' (${key}) from ${from} to ${to}`);
  }
}

/** Checks and applies a transition; a broken invariant throws (the command then rolls back). */
export function transitionTo(instance: { elementId: string; key: number; state: LifecycleState }, to: LifecycleState): void {
  if (!canTransition(instance.state, to)) throw new IllegalTransitionError(instance.elementId, instance.key, instance.state, to);
  instance.state = to;
}
