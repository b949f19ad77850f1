/**
 * Compensation. When an activity that has a compensation handler completes, it leaves a compensation
 * subscription. A compensation throw (intermediate throw or end event) runs the handlers of the
 * completed activities of its scope — including those inside completed embedded sub-processes —
 * latest first, each at most once, optionally only for the activity named by `activityRef`. The
 * throwing event waits until every handler it started has completed.
 */
import { isFinal } from "../lifecycle.js";
import type { Execution } from "../runtime/execution.js";
import type { InstanceContext, RuntimeElement } from "../runtime/instance.js";

/** Called when an element completed: compensable activities leave a subscription. */
export function rememberCompensable(rt: Execution, context: InstanceContext, element: RuntimeElement): void {
  const handler = element.node.compensationHandler;
  if (!handler || element.elementType === "MULTI_INSTANCE_BODY") return;
  const scope = context.element(element.flowScopeKey)!;
  rt.store.events.insertCompensation({
    key: rt.nextKey(), processInstanceKey: context.pi.key, elementInstanceKey: element.key, elementId: element.elementId,
    handlerId: handler.id, scopeKey: scope.key, scopePath: context.scopeChain(scope), createdAt: rt.now,
  });
}

/** Starts the handlers for the thrower's scope; false when there was nothing to compensate. */
export function throwCompensation(rt: Execution, context: InstanceContext, thrower: RuntimeElement): boolean {
  const scope = context.element(thrower.flowScopeKey)!;
  const activityRef = thrower.node.event?.activityRef;
  const subscriptions = rt.store.events.compensations(context.pi.key, scope.key).filter((s) => !activityRef || s.elementId === activityRef);
  rt.record(context.pi.key, { type: "COMPENSATION_THROWN", elementId: thrower.elementId, compensated: subscriptions.map((s) => s.elementId) });
  if (subscriptions.length === 0) return false;
  rt.transition(context, thrower, "ACTIVATED");
  thrower.data = { ...thrower.data, waitingForHandlers: subscriptions.length };
  for (const subscription of subscriptions) {
    rt.store.events.deleteCompensation(subscription.key);
    const handler = context.process.elements.get(subscription.handlerId)!;
    const original = context.element(subscription.scopeKey);
    // The activity's own scope if it still runs; a completed sub-process is gone: run in the thrower's scope.
    const handlerScope = original && !isFinal(original.state) ? original : scope;
    const element = rt.activate(context, handler, handlerScope);
    element.data = { compensates: subscription.elementInstanceKey, thrower: thrower.key };
  }
  return true;
}

/** A compensation handler completed: the throw event it belongs to continues once all are done. */
export function handlerCompleted(rt: Execution, context: InstanceContext, handler: RuntimeElement): void {
  const throwerKey = handler.data?.["thrower"];
  const thrower = typeof throwerKey === "number" ? context.element(throwerKey) : undefined;
  if (!thrower || thrower.state !== "ACTIVATED") return;
  const left = Number(thrower.data?.["waitingForHandlers"] ?? 1) - 1;
  thrower.data = { ...thrower.data, waitingForHandlers: left };
  context.touch(thrower);
  if (left <= 0) rt.complete(context, thrower);
}
