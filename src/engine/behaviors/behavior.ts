/** The contract every element kind implements (one file per kind, registered in index.ts). */
import type { Execution } from "../runtime/execution.js";
import type { InstanceContext, RuntimeElement } from "../runtime/instance.js";

export interface ElementBehavior {
  /**
   * Called in ACTIVATING, after the input mappings. Either waits (transition to ACTIVATED and stop)
   * or carries on (`rt.complete`). On an expected failure it raises an incident and stays ACTIVATING.
   */
  activate(rt: Execution, context: InstanceContext, element: RuntimeElement): void;
  /** Called in TERMINATING: release what the element holds (job, user task). */
  terminate(rt: Execution, context: InstanceContext, element: RuntimeElement): void;
}

/** Elements that do nothing but pass the token on. */
export const passThrough: ElementBehavior = {
  activate(rt, context, element) {
    rt.transition(context, element, "ACTIVATED");
    rt.complete(context, element);
  },
  terminate() {},
};
