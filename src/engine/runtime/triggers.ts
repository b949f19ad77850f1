/**
 * What happens when a subscription fires (timer due, message correlated, signal broadcast):
 * - the owner itself catches (intermediate catch event, receive task): it completes with the variables;
 * - an event-based gateway: it completes towards the event that fired; the other waits are withdrawn;
 * - a boundary event: interrupting terminates the activity first; non-interrupting leaves it running;
 * - an event sub-process start: interrupting terminates the scope's other tokens first;
 * - a process start event: a new instance starts there.
 * Every trigger re-reads the subscription inside the command, so of two racing triggers exactly one
 * finds it and the other changes nothing.
 */
import { EngineError } from "../errors.js";
import { checkVariables } from "../commands/validate.js";
import { LimitExceededError } from "../limits.js";
import type { FlowNode } from "../model/types.js";
import type { MessageRow, SubscriptionRow } from "../state.js";
import { nextCycleDue, parseCycle } from "../shared/timers.js";
import type { Execution } from "./execution.js";
import { closeEventSubProcessSubscriptions } from "./subscriptions.js";
import type { InstanceContext, RuntimeElement } from "./instance.js";

export interface TriggerResult {
  processInstanceKey: number;
  bpmnProcessId: string;
  elementId: string;
}

/** Fires a subscription; null when it is gone (already fired, withdrawn) or a start is locked. */
export function triggerSubscription(rt: Execution, subscription: SubscriptionRow, variables: Record<string, unknown>, correlationKey?: string): TriggerResult | null {
  if (!rt.store.events.get(subscription.key)) return null;
  if (subscription.processInstanceKey === null) return startByEvent(rt, subscription, variables, correlationKey);
  const context = rt.instance(subscription.processInstanceKey);
  const owner = context.element(subscription.elementInstanceKey!);
  if (!owner || owner.state !== "ACTIVATED") return null;
  const catcher = context.process.elements.get(subscription.elementId)!;
  rt.record(context.pi.key, { type: `${subscription.kind}_TRIGGERED`, key: subscription.key, elementId: catcher.id, ownerKey: owner.key, ...(subscription.name ? { name: subscription.name } : {}) });
  const once = () => rt.store.events.delete(subscription.key);
  if (catcher === owner.node) {
    once();
    rt.complete(context, owner, variables);
  } else if (owner.node.type === "EVENT_BASED_GATEWAY") {
    const flow = owner.node.outgoing.find((f) => f.target === catcher)!;
    rt.complete(context, owner, undefined, [flow]);
    markTriggered(context, catcher, owner.flowScopeKey, variables);
  } else if (catcher.type === "BOUNDARY_EVENT") {
    const scope = context.element(owner.flowScopeKey)!;
    if (subscription.interrupting) {
      once();
      rt.terminate(context, owner);
    } else keepOrReschedule(rt, subscription);
    rt.activate(context, catcher, scope).data = { trigger: variables };
  } else {
    startEventSubProcess(rt, context, owner, catcher, subscription, variables);
  }
  return { processInstanceKey: context.pi.key, bpmnProcessId: context.pi.bpmnProcessId, elementId: catcher.id };
}

function markTriggered(context: InstanceContext, catcher: FlowNode, scopeKey: number, variables: Record<string, unknown>): void {
  let latest: RuntimeElement | undefined;
  for (const e of context.elements.values()) if (e.elementId === catcher.id && e.flowScopeKey === scopeKey && e.state === "ACTIVATING") latest = e;
  if (latest) latest.data = { trigger: variables };
}

/** Non-interrupting timers with cycles move to their next due time; others stay open as they are. */
function keepOrReschedule(rt: Execution, subscription: SubscriptionRow): void {
  if (subscription.kind !== "TIMER") return;
  const cycle = subscription.cycle ? parseCycle(subscription.cycle) : null;
  const left = subscription.repetitions ?? 0;
  if (!cycle || left === 1 || left === 0) {
    rt.store.events.delete(subscription.key);
    return;
  }
  const next = nextCycleDue(cycle, subscription.dueDate!, rt.now);
  if (next === null) rt.store.events.delete(subscription.key);
  else rt.store.events.reschedule(subscription.key, next, left > 0 ? left - 1 : -1);
  rt.effects.timersChanged = true;
}

function startEventSubProcess(rt: Execution, context: InstanceContext, scope: RuntimeElement, start: FlowNode, subscription: SubscriptionRow, variables: Record<string, unknown>): void {
  const eventSubProcess = start.scope!;
  if (subscription.interrupting) {
    closeEventSubProcessSubscriptions(rt, scope);
    rt.terminateChildren(context, scope);
  } else keepOrReschedule(rt, subscription);
  openEventSubProcess(rt, context, scope, eventSubProcess, variables);
}

/** Activates an event sub-process in a scope; its start event completes with the trigger's variables. */
export function openEventSubProcess(rt: Execution, context: InstanceContext, scope: RuntimeElement, eventSubProcess: FlowNode, variables: Record<string, unknown>): RuntimeElement {
  const element = rt.activate(context, eventSubProcess, scope);
  element.data = { trigger: variables };
  return element;
}

/** A process start event fired: a new instance of that definition starts there. */
function startByEvent(rt: Execution, subscription: SubscriptionRow, variables: Record<string, unknown>, correlationKey?: string): TriggerResult | null {
  const definition = rt.deps.definitions.byKey(subscription.processDefinitionKey);
  if (!definition) return null;
  if (correlationKey !== undefined && correlationKey !== "" && rt.store.events.startLocked(definition.bpmnProcessId, correlationKey)) return null;
  const start = definition.process.elements.get(subscription.elementId)!;
  const key = rt.nextKey();
  const context = rt.newInstance({
    key, processDefinitionKey: definition.key, bpmnProcessId: definition.bpmnProcessId, version: definition.version, state: "ACTIVE",
    startDate: rt.now, endDate: null, parentProcessInstanceKey: null, parentElementInstanceKey: null, tenantId: "<default>",
  });
  if (correlationKey !== undefined && correlationKey !== "") rt.store.events.lockStart(key, definition.bpmnProcessId, correlationKey);
  for (const [name, value] of Object.entries(variables)) context.variables.setLocal(key, name, value);
  rt.activateRoot(context, start);
  if (subscription.kind === "TIMER") keepOrReschedule(rt, subscription);
  return { processInstanceKey: key, bpmnProcessId: definition.bpmnProcessId, elementId: start.id };
}

// ── messages ────────────────────────────────────────────────────────────────────────────────────────

export interface PublishMessageRequest {
  name: string;
  correlationKey?: string;
  variables?: Record<string, unknown>;
  /** ms; 0 = only correlate now. */
  timeToLive?: number;
  messageId?: string;
}

export interface PublishedMessage {
  messageKey: number;
  /** Instances the message reached (started or continued). */
  correlations: Array<Omit<TriggerResult, "bpmnProcessId">>;
}

/**
 * Publish: correlates to every open subscription for the name and key (at most once per process
 * instance, and per process id for start events), then buffers the message for its time-to-live.
 */
export function publishMessage(rt: Execution, request: PublishMessageRequest): { messageKey: number; correlations: TriggerResult[] } {
  if (!request.name) throw new EngineError("INVALID_ARGUMENT", "Expected a message name, but found none");
  const correlationKey = request.correlationKey ?? "";
  const ttl = request.timeToLive ?? 0;
  if (!Number.isInteger(ttl) || ttl < 0) throw new EngineError("INVALID_ARGUMENT", `Expected timeToLive to be a whole number of ms, but found '${String(request.timeToLive)}'`);
  if (request.messageId && rt.store.events.messageById(request.name, correlationKey, request.messageId, rt.now)) {
    throw new EngineError("CONFLICT", `Expected a new message id, but a message '${request.name}' with correlation key '${correlationKey}' and id '${request.messageId}' was already published and has not expired`);
  }
  const messageKey = rt.nextKey();
  const variables = checkVariables(request.variables ?? {}, "the message variables", rt.limits);
  const correlations = correlateAll(rt, request.name, correlationKey, variables, messageKey);
  if (ttl > 0) {
    rt.store.events.insertMessage({ key: messageKey, name: request.name, correlationKey, variables, messageId: request.messageId ?? null, expiresAt: rt.now + ttl, createdAt: rt.now });
    for (const c of correlations) rt.store.events.recordCorrelation(rt.nextKey(), messageKey, c.bpmnProcessId, c.processInstanceKey);
  }
  rt.drain();
  return { messageKey, correlations };
}

/** A message correlates at most once per process (BPMN process id, across versions), as in Camunda 8. */
function correlateAll(rt: Execution, name: string, correlationKey: string, variables: Record<string, unknown>, messageKey: number, onlyOne = false): TriggerResult[] {
  const reachedProcesses = new Set<string>();
  const results: TriggerResult[] = [];
  for (const subscription of rt.store.events.messageSubscriptions(name, correlationKey)) {
    if (reachedProcesses.has(subscription.bpmnProcessId)) continue;
    const result = triggerSubscription(rt, subscription, variables, subscription.processInstanceKey === null ? correlationKey : undefined);
    if (!result) continue;
    results.push(result);
    reachedProcesses.add(subscription.bpmnProcessId);
    rt.record(result.processInstanceKey, { type: "MESSAGE_CORRELATED", key: messageKey, name, correlationKey, elementId: result.elementId });
    if (onlyOne) break;
  }
  return results;
}

/** Correlate: reaches exactly one subscription (the oldest) now, or fails; nothing is buffered. */
export function correlateMessage(rt: Execution, request: Omit<PublishMessageRequest, "timeToLive" | "messageId">): { messageKey: number; processInstanceKey: number } {
  if (!request.name) throw new EngineError("INVALID_ARGUMENT", "Expected a message name, but found none");
  const messageKey = rt.nextKey();
  const [result] = correlateAll(rt, request.name, request.correlationKey ?? "", checkVariables(request.variables ?? {}, "the message variables", rt.limits), messageKey, true);
  if (!result) {
    throw new EngineError("NOT_FOUND", `Expected to find an open subscription for message '${request.name}' with correlation key '${request.correlationKey ?? ""}', but found none`);
  }
  rt.drain();
  return { messageKey, processInstanceKey: result.processInstanceKey };
}

/** A message subscription just opened: take the oldest buffered message for it, if any. */
export function correlateBufferedMessage(rt: Execution, subscription: SubscriptionRow): void {
  if (subscription.name === null || subscription.correlationKey === null) return;
  const [message]: MessageRow[] = rt.store.events.bufferedMessages(subscription.name, subscription.correlationKey, rt.now, subscription.bpmnProcessId);
  if (!message) return;
  const result = triggerSubscription(rt, subscription, message.variables);
  if (!result) return;
  rt.store.events.recordCorrelation(rt.nextKey(), message.key, result.bpmnProcessId, result.processInstanceKey);
  rt.record(result.processInstanceKey, { type: "MESSAGE_CORRELATED", key: message.key, name: message.name, correlationKey: message.correlationKey, elementId: result.elementId, buffered: true });
}

/**
 * An instance started by a message with a correlation key ended: its lock goes, and a message for that
 * key buffered meanwhile starts the next instance.
 */
export function releaseStartLock(rt: Execution, context: InstanceContext): void {
  const correlationKey = rt.store.events.startLockKey(context.pi.key);
  if (correlationKey === undefined) return;
  rt.store.events.unlockStart(context.pi.key);
  for (const subscription of rt.store.events.startSubscriptions(context.pi.bpmnProcessId)) {
    if (subscription.kind !== "MESSAGE" || subscription.name === null) continue;
    const [message] = rt.store.events.bufferedMessages(subscription.name, correlationKey, rt.now, subscription.bpmnProcessId);
    if (!message) continue;
    const result = triggerSubscription(rt, subscription, message.variables, correlationKey);
    if (!result) continue;
    rt.store.events.recordCorrelation(rt.nextKey(), message.key, result.bpmnProcessId, result.processInstanceKey);
    rt.record(result.processInstanceKey, { type: "MESSAGE_CORRELATED", key: message.key, name: message.name, correlationKey, elementId: result.elementId, buffered: true });
    return;
  }
}

// ── signals and timers ──────────────────────────────────────────────────────────────────────────────

/** Broadcast: every subscription waiting for the signal fires. */
export function broadcastSignal(rt: Execution, name: string, variables: Record<string, unknown> = {}): { signalKey: number; triggered: TriggerResult[] } {
  if (!name) throw new EngineError("INVALID_ARGUMENT", "Expected a signal name, but found none");
  checkVariables(variables, "the signal variables", rt.limits);
  const signalKey = rt.nextKey();
  const triggered: TriggerResult[] = [];
  const subscriptions = rt.store.events.signalSubscriptions(name);
  const max = rt.limits.maxSignalFanOut;
  if (subscriptions.length > max) {
    throw new LimitExceededError("MAX_SIGNAL_FANOUT", max, subscriptions.length, `Expected signal '${name}' to reach at most ${max} waiting events (MAX_SIGNAL_FANOUT), but found ${subscriptions.length}`);
  }
  for (const subscription of subscriptions) {
    const result = triggerSubscription(rt, subscription, variables);
    if (result) triggered.push(result);
  }
  return { signalKey, triggered };
}

/** Fires every timer due at the engine's now, each exactly once (cycles move to their next due time). */
export function fireDueTimers(rt: Execution, limit = 1000): number {
  let fired = 0;
  for (const subscription of rt.store.events.dueTimers(rt.now, limit)) {
    if (triggerSubscription(rt, subscription, {})) fired++;
    else if (rt.store.events.get(subscription.key)) rt.store.events.delete(subscription.key);
    rt.drain();
  }
  return fired;
}
