/**
 * Opening and closing the waits for timers, messages and signals. An owner element instance (a catch
 * event or receive task for itself, an activity for its boundary events, a scope for its event
 * sub-processes, an event-based gateway for the events after it) holds subscription rows; they are
 * deleted when the owner leaves. Timer, name and correlation-key expressions are evaluated in the
 * owner's scope; a failure is an incident on the owner, which stays ACTIVATING.
 */
import { describeValue } from "../feel.js";
import type { FlowNode } from "../model/types.js";
import type { SubscriptionKind, SubscriptionRow } from "../state.js";
import { firstCycleDue, parseCycle, parseDate, parseDuration, addDuration } from "../shared/timers.js";
import type { Execution } from "./execution.js";
import type { InstanceContext, RuntimeElement } from "./instance.js";

/** Catching elements whose subscriptions an element owns when it is activated. */
export function catchersOf(element: RuntimeElement): FlowNode[] {
  const node = element.node;
  const out: FlowNode[] = [];
  const isInnerInstance = !!node.multiInstance && element.elementType !== "MULTI_INSTANCE_BODY";
  if (node.boundaryEvents && !isInnerInstance) {
    for (const b of node.boundaryEvents) if (b.event && ["timer", "message", "signal"].includes(b.event.kind)) out.push(b);
  }
  if (node.eventSubProcesses && element.elementType !== "MULTI_INSTANCE_BODY") {
    for (const esp of node.eventSubProcesses) {
      const start = esp.startEvent;
      if (start?.event && ["timer", "message", "signal"].includes(start.event.kind)) out.push(start);
    }
  }
  return out;
}

export function ownsSubscriptions(node: FlowNode): boolean {
  return !!(node.boundaryEvents?.length || node.eventSubProcesses?.length || node.type === "EVENT_BASED_GATEWAY" || node.type === "RECEIVE_TASK" || (node.type === "INTERMEDIATE_CATCH_EVENT" && node.event && node.event.kind !== "link"));
}

/**
 * Opens one subscription per catcher; false (with an incident on the owner) when an expression fails,
 * and then nothing of this call stays open. Callers that may run twice for the same owner (activation
 * retried after an incident, migration) withdraw the owner's subscriptions first (`closeSubscriptions`).
 */
export function openSubscriptions(rt: Execution, context: InstanceContext, owner: RuntimeElement, catchers: FlowNode[]): boolean {
  const opened: SubscriptionRow[] = [];
  for (const catcher of catchers) {
    const row = buildSubscription(rt, context, owner, catcher);
    if (!row) {
      for (const r of opened) rt.store.events.delete(r.key);
      return false;
    }
    rt.store.events.insert(row);
    opened.push(row);
    rt.record(context.pi.key, { type: `${row.kind}_SUBSCRIPTION_OPENED`, key: row.key, elementId: catcher.id, ownerKey: owner.key, ...(row.name ? { name: row.name } : {}), ...(row.correlationKey ? { correlationKey: row.correlationKey } : {}), ...(row.dueDate !== null ? { dueDate: new Date(row.dueDate).toISOString() } : {}) });
  }
  for (const row of opened) {
    if (row.kind === "MESSAGE") rt.schedule(() => rt.correlateBuffered(row));
    if (row.kind === "TIMER") rt.effects.timersChanged = true;
  }
  return true;
}

export function closeSubscriptions(rt: Execution, owner: RuntimeElement): void {
  rt.store.events.deleteOfOwner(owner.key);
}

/** Every wait an element owns while ACTIVATED: its own catch, an event gateway's events, boundaries, event sub-processes. */
export function allCatchersOf(element: RuntimeElement): FlowNode[] {
  const node = element.node;
  const own = node.type === "INTERMEDIATE_CATCH_EVENT" && node.event && node.event.kind !== "link" ? [node]
    : node.type === "RECEIVE_TASK" ? [node]
      : node.type === "EVENT_BASED_GATEWAY" ? node.outgoing.map((f) => f.target) : [];
  return [...own, ...catchersOf(element)];
}

/** Withdraws and reopens every wait of an ACTIVATED element (migration, incident resolution). */
export function reopenSubscriptions(rt: Execution, context: InstanceContext, element: RuntimeElement): boolean {
  closeSubscriptions(rt, element);
  const catchers = allCatchersOf(element);
  return catchers.length === 0 || openSubscriptions(rt, context, element, catchers);
}

/** An interrupting event sub-process withdraws the other event sub-process waits of its scope, not the scope's boundaries. */
export function closeEventSubProcessSubscriptions(rt: Execution, scope: RuntimeElement): void {
  const starts = new Set((scope.node.eventSubProcesses ?? []).map((esp) => esp.startEvent?.id));
  for (const subscription of rt.store.events.ofOwner(scope.key)) if (starts.has(subscription.elementId)) rt.store.events.delete(subscription.key);
}

function kindOf(catcher: FlowNode): SubscriptionKind {
  const kind = catcher.event!.kind;
  return kind === "timer" ? "TIMER" : kind === "message" ? "MESSAGE" : "SIGNAL";
}

function buildSubscription(rt: Execution, context: InstanceContext, owner: RuntimeElement, catcher: FlowNode): SubscriptionRow | null {
  const event = catcher.event!;
  const kind = kindOf(catcher);
  const interrupting = catcher.type === "BOUNDARY_EVENT" || catcher.type === "START_EVENT" ? catcher.interrupting !== false : true;
  const row: SubscriptionRow = {
    key: rt.nextKey(), kind, processDefinitionKey: context.pi.processDefinitionKey, bpmnProcessId: context.pi.bpmnProcessId,
    processInstanceKey: context.pi.key, elementInstanceKey: owner.key, elementId: catcher.id, name: null, correlationKey: null,
    dueDate: null, cycle: null, repetitions: null, interrupting, createdAt: rt.now,
  };
  const fail = (message: string) => {
    rt.raiseIncident(context, owner, "EXTRACT_VALUE_ERROR", message);
    return null;
  };
  if (kind === "TIMER") {
    const result = rt.evaluate(context, owner, event.timer!.expression);
    if (!result.ok) return fail(`Expected the timer of '${catcher.id}' to evaluate, but it failed: ${result.message}`);
    const due = timerDue(event.timer!.type, result.value, rt.now);
    if (typeof due === "string") return fail(`Expected the timer ${event.timer!.type} of '${catcher.id}' to be ${due}, but found ${describeValue(result.value)}`);
    row.dueDate = due.dueDate;
    row.cycle = due.cycle;
    row.repetitions = due.repetitions;
    return row;
  }
  const name = rt.evaluate(context, owner, event.name!);
  if (!name.ok || typeof name.value !== "string" || name.value === "") {
    return fail(`Expected the ${kind.toLowerCase()} name of '${catcher.id}' to be a non-empty string, but found ${name.ok ? describeValue(name.value) : name.message}`);
  }
  row.name = name.value;
  if (kind === "MESSAGE" && event.correlationKey) {
    const key = rt.evaluate(context, owner, event.correlationKey);
    if (!key.ok || (typeof key.value !== "string" && typeof key.value !== "number")) {
      return fail(`Expected the correlation key of '${catcher.id}' to be a string or a number, but found ${key.ok ? describeValue(key.value) : key.message}`);
    }
    row.correlationKey = String(key.value);
  }
  return row;
}

/** Computes the first due date of a timer from its evaluated value, or explains what was expected. */
export function timerDue(type: "duration" | "date" | "cycle", value: unknown, now: number): { dueDate: number; cycle: string | null; repetitions: number | null } | string {
  const text = typeof value === "string" ? value : value === null || value === undefined ? "" : JSON.parse(JSON.stringify(value));
  if (typeof text !== "string") return type === "duration" ? "a duration" : type === "date" ? "a date-time" : "a cycle";
  if (type === "duration") {
    const d = parseDuration(text);
    return d ? { dueDate: addDuration(now, d), cycle: null, repetitions: null } : "an ISO 8601 duration like PT10M";
  }
  if (type === "date") {
    const date = parseDate(text);
    return date !== null ? { dueDate: date, cycle: null, repetitions: null } : "an ISO 8601 date-time";
  }
  const cycle = parseCycle(text);
  if (!cycle) return "a repeating interval like R3/PT10M or a cron expression";
  const first = firstCycleDue(cycle, now);
  if (first === null) return "a cron expression that matches a moment within five years";
  return { dueDate: first, cycle: text, repetitions: cycle.repetitions };
}
