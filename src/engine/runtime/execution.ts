/**
 * One command's run of the interpreter. Commands load the process instances they touch, move every
 * affected token to its next wait state (a work queue, not recursion, so long chains never grow the
 * stack), then `flush()` writes the element instances and the history — all inside the write lane's
 * transaction for that command.
 *
 * Tokens are data at every moment: a token is either an element instance (created synchronously in
 * ACTIVATING, its activation queued) or a join token row. Scope completion and the inclusive join
 * therefore only ever look at data, never at what is still in the queue.
 */
import { EngineError, notFound } from "../errors.js";
import type { Clock } from "../clock.js";
import type { IdGenerator } from "../ids.js";
import { FeelBudget, type FeelSandbox, type Expression, type EvalResult } from "../feel.js";
import { feelLimitsOf, type EngineLimits } from "../limits.js";
import type { FlowNode, SequenceFlow } from "../model/types.js";
import { isFinal, transitionTo, type LifecycleState } from "../lifecycle.js";
import type { HistoryRecord, IncidentErrorType, ProcessInstanceRow } from "../state.js";
import type { SqliteStore } from "../../persistence/sqlite-store.js";
import type { DefinitionRegistry } from "../definitions.js";
import { VariableScopes, setPath } from "../shared/variables.js";
import { setOwn } from "../shared/own.js";
import { elementRecord } from "../shared/records.js";
import { InstanceContext, type RuntimeElement } from "./instance.js";
import { behaviorOf } from "../behaviors/index.js";
import { catchersOf, closeSubscriptions, openSubscriptions, ownsSubscriptions } from "./subscriptions.js";
import { correlateBufferedMessage, releaseStartLock } from "./triggers.js";
import { fireInclusiveJoins, takeFlow } from "./joins.js";
import { beforeInnerCompletes, onInnerCompleted } from "../behaviors/multi-instance-body.js";
import { adHocTokenEnded } from "../behaviors/ad-hoc-sub-process.js";
import { childInstanceCompleted } from "../behaviors/call-activity.js";
import { handlerCompleted, rememberCompensable } from "../shared/compensation.js";
import type { SubscriptionRow } from "../state.js";

/** Most element activations one command may run (see drain()). */
const MAX_STEPS = 1_000_000;

export interface RuntimeDeps {
  store: SqliteStore;
  clock: Clock;
  ids: IdGenerator;
  definitions: DefinitionRegistry;
  /** The command's resource budget (limits.ts) and where bounded FEEL runs (feel-budget.ts). */
  limits: EngineLimits;
  feelSandbox: FeelSandbox;
}

/** What a committed command asks the engine to do afterwards (never inside the transaction). */
export class Effects {
  readonly jobTypes = new Set<string>();
  /** A timer was created or moved: the scheduler should look at its next due time. */
  timersChanged = false;
  readonly userTasks: number[] = [];
  readonly finishedInstances: number[] = [];
}

export class Execution {
  readonly now: number;
  readonly effects = new Effects();
  private readonly instances = new Map<number, InstanceContext>();
  private readonly records = new Map<number, HistoryRecord[]>();
  private readonly queue: Array<() => void> = [];
  private head = 0;
  private steps = 0;

  /** What is left of this command's FEEL time. */
  readonly feel: FeelBudget;

  constructor(readonly deps: RuntimeDeps) {
    this.now = deps.clock.now();
    this.feel = new FeelBudget(feelLimitsOf(deps.limits), deps.feelSandbox);
  }

  get limits(): EngineLimits {
    return this.deps.limits;
  }

  get store(): SqliteStore {
    return this.deps.store;
  }

  nextKey(): number {
    return this.deps.ids.next();
  }

  record(processInstanceKey: number, record: HistoryRecord): void {
    let list = this.records.get(processInstanceKey);
    if (!list) {
      list = [];
      this.records.set(processInstanceKey, list);
    }
    list.push(record);
  }

  // ── loading ─────────────────────────────────────────────────────────────────────────────────────

  /** Loads (once per command) a process instance and its runtime state. */
  instance(processInstanceKey: number): InstanceContext {
    const cached = this.instances.get(processInstanceKey);
    if (cached) return cached;
    const pi = this.store.processInstance(processInstanceKey);
    if (!pi) throw notFound("process instance", processInstanceKey);
    const context = this.buildContext(pi, false);
    for (const row of this.store.elementInstances(pi.key)) {
      const node = context.process.elements.get(row.elementId);
      if (!node) throw new Error(`Element '${row.elementId}' of instance ${pi.key} is missing from its process definition`);
      context.elements.set(row.key, { ...row, node, persisted: true, dirty: false });
    }
    return context;
  }

  /** Starts tracking a brand-new process instance. */
  newInstance(pi: ProcessInstanceRow): InstanceContext {
    const context = this.buildContext(pi, true);
    context.piNew = true;
    return context;
  }

  private buildContext(pi: ProcessInstanceRow, isNew: boolean): InstanceContext {
    const definition = this.deps.definitions.byKey(pi.processDefinitionKey);
    if (!definition) throw new Error(`Process definition ${pi.processDefinitionKey} of instance ${pi.key} is not loaded`);
    const record = (r: HistoryRecord) => this.record(pi.key, r);
    const variables = new VariableScopes(this.store, this.deps.ids, pi.key, isNew ? [] : this.store.variables(pi.key), record);
    const root: RuntimeElement = {
      key: pi.key, processInstanceKey: pi.key, flowScopeKey: -1, elementId: definition.process.bpmnProcessId,
      elementType: "PROCESS", state: isNew ? "ACTIVATING" : pi.state === "ACTIVE" ? "ACTIVATED" : pi.state === "COMPLETED" ? "COMPLETED" : "TERMINATED",
      incidentKey: null, data: null, createdAt: pi.startDate, node: definition.process.root, persisted: true, dirty: false,
    };
    const context = new InstanceContext(pi, definition.process, variables, isNew ? [] : this.store.joinTokens(pi.key), root);
    this.instances.set(pi.key, context);
    return context;
  }

  // ── the work queue ──────────────────────────────────────────────────────────────────────────────

  schedule(work: () => void): void {
    this.queue.push(work);
  }

  /**
   * Runs queued work until every token rests; then fires inclusive joins that became ready. A model
   * that loops without ever waiting would run forever inside one transaction: past MAX_STEPS the
   * command is rejected (and rolled back) instead.
   */
  drain(): void {
    for (;;) {
      while (this.head < this.queue.length) {
        if (++this.steps > MAX_STEPS) {
          throw new EngineError("INVALID_STATE", `Expected the command to reach a wait state, but it ran more than ${MAX_STEPS} steps: the model loops without waiting (check loops through gateways, signals that start their own process, or multi-instance collections)`);
        }
        const work = this.queue[this.head]!;
        this.queue[this.head++] = undefined as unknown as () => void;
        work();
      }
      this.queue.length = 0;
      this.head = 0;
      let fired = false;
      for (const context of this.instances.values()) fired = fireInclusiveJoins(this, context) || fired;
      if (!fired) return;
    }
  }

  // ── element lifecycle ───────────────────────────────────────────────────────────────────────────

  transition(context: InstanceContext, element: RuntimeElement, to: LifecycleState, extra?: Record<string, unknown>): void {
    transitionTo(element, to);
    if ((to === "COMPLETING" || to === "TERMINATING") && ownsSubscriptions(element.node)) closeSubscriptions(this, element);
    context.touch(element);
    this.record(context.pi.key, elementRecord(element, extra));
  }

  /**
   * Creates a token on `node` inside `scope` and queues its activation. A multi-instance activity
   * first gets its body (MULTI_INSTANCE_BODY); the body creates the inner instances (`inner`).
   */
  activate(context: InstanceContext, node: FlowNode, scope: RuntimeElement, inner = false): RuntimeElement {
    const element: RuntimeElement = {
      key: this.nextKey(), processInstanceKey: context.pi.key, flowScopeKey: scope.key, elementId: node.id,
      elementType: node.multiInstance && !inner ? "MULTI_INSTANCE_BODY" : node.type,
      state: "ACTIVATING", incidentKey: null, data: null, createdAt: this.now, node, persisted: false, dirty: true,
    };
    context.add(element);
    this.record(context.pi.key, elementRecord(element));
    this.schedule(() => this.runActivation(context, element));
    return element;
  }

  /** ACTIVATING: input mappings, then the element's behaviour. Re-run when an incident is resolved. */
  runActivation(context: InstanceContext, element: RuntimeElement): void {
    if (element.state !== "ACTIVATING") return; // terminated meanwhile
    const isBody = element.elementType === "MULTI_INSTANCE_BODY";
    if (!isBody && element.node.inputs.length > 0 && !this.applyInputs(context, element)) return;
    closeSubscriptions(this, element); // a retried activation must not open its waits twice
    const catchers = catchersOf(element);
    if (catchers.length > 0 && !openSubscriptions(this, context, element, catchers)) return;
    behaviorOf(element).activate(this, context, element);
  }

  private applyInputs(context: InstanceContext, element: RuntimeElement): boolean {
    // The element's own scope too: multi-instance inner instances already hold inputElement and loopCounter.
    const scopeChain = context.scopeChain(element);
    const evalContext = context.variables.context(scopeChain);
    const results: Array<[string, unknown]> = [];
    const locals: Record<string, unknown> = {};
    for (const mapping of element.node.inputs) {
      const result = mapping.source.evaluate({ ...evalContext, ...locals }, this.now, this.feel);
      const failure = mappingFailure(result, mapping.source);
      if (failure) {
        this.raiseIncident(context, element, "IO_MAPPING_ERROR", failure);
        return false;
      }
      const [name, ...path] = mapping.target as [string, ...string[]];
      const value = path.length > 0 ? setPath(Object.hasOwn(locals, name) ? locals[name] : undefined, path, (result as { value: unknown }).value) : (result as { value: unknown }).value;
      setOwn(locals, name, value);
      results.push([name, value]);
    }
    for (const [name, value] of results) context.variables.setLocal(element.key, name, value);
    return true;
  }

  /**
   * Starts completing a waiting element with the variables its trigger brought (job or user task
   * completion, script result). Without output mappings they propagate from the element's own scope;
   * with output mappings they become local and the mappings decide what leaves.
   */
  complete(context: InstanceContext, element: RuntimeElement, variables?: Record<string, unknown>, flows?: SequenceFlow[]): void {
    this.transition(context, element, "COMPLETING");
    // A gateway's choice must survive an output-mapping incident: resolving it re-runs finishCompletion.
    if (flows) element.data = { ...element.data, flows: flows.map((f) => f.id) };
    if (variables) {
      const names = Object.keys(variables);
      if (element.node.outputs.length > 0) {
        for (const name of names) context.variables.setLocal(element.key, name, variables[name]);
      } else if (names.length > 0) {
        const chain = context.scopeChain(element);
        for (const name of names) context.variables.propagate(chain, name, variables[name]);
      }
    }
    this.finishCompletion(context, element, flows);
  }

  /** COMPLETING: output mappings, COMPLETED, then the outgoing flows. Re-run when an incident is resolved. */
  finishCompletion(context: InstanceContext, element: RuntimeElement, flows?: SequenceFlow[]): void {
    const isBody = element.elementType === "MULTI_INSTANCE_BODY";
    if (!isBody && element.node.outputs.length > 0 && !this.applyOutputs(context, element)) return;
    const scope = context.element(element.flowScopeKey)!;
    if (scope.elementType === "MULTI_INSTANCE_BODY" && !beforeInnerCompletes(this, context, scope, element)) return;
    this.transition(context, element, "COMPLETED");
    this.release(context, element);
    if (element.node.compensationHandler) rememberCompensable(this, context, element);
    if (element.node.forCompensation) {
      handlerCompleted(this, context, element);
      return;
    }
    if (scope.elementType === "MULTI_INSTANCE_BODY") {
      onInnerCompleted(this, context, scope);
      return;
    }
    const chosen = flows ?? chosenFlows(context, element);
    const outgoing = chosen ?? (element.node.linkTarget ? [] : element.node.outgoing);
    if (element.node.linkTarget) {
      this.record(context.pi.key, { type: "LINK_TAKEN", elementId: element.elementId, target: element.node.linkTarget.id, flowScopeKey: scope.key });
      this.activate(context, element.node.linkTarget, scope);
      return;
    }
    for (const flow of outgoing) this.takeFlow(context, flow, scope);
    if (outgoing.length === 0) this.checkScopeCompletion(context, scope);
  }

  private applyOutputs(context: InstanceContext, element: RuntimeElement): boolean {
    const evalContext = context.context(element);
    const results: Array<[string[], unknown]> = [];
    for (const mapping of element.node.outputs) {
      const result = mapping.source.evaluate(evalContext, this.now, this.feel);
      const failure = mappingFailure(result, mapping.source);
      if (failure) {
        this.raiseIncident(context, element, "IO_MAPPING_ERROR", failure);
        return false;
      }
      results.push([mapping.target, (result as { value: unknown }).value]);
    }
    const chain = context.scopeChain(context.element(element.flowScopeKey)!);
    for (const [[name, ...path], value] of results as Array<[[string, ...string[]], unknown]>) {
      const merged = path.length > 0 ? setPath(context.variables.visible(chain, name), path, value) : value;
      context.variables.propagate(chain, name, merged);
    }
    return true;
  }

  /** Drops what a finished element held: its local variables, and an incident left open on it. */
  private release(context: InstanceContext, element: RuntimeElement): void {
    context.variables.deleteScope(element.key);
    if (element.incidentKey !== null) this.resolveIncidentRow(context, element);
  }

  /** Terminates an element and, for scopes, everything inside it first. */
  terminate(context: InstanceContext, element: RuntimeElement): void {
    if (isFinal(element.state) || element.state === "TERMINATING") return;
    this.transition(context, element, "TERMINATING");
    this.terminateChildren(context, element);
    behaviorOf(element).terminate(this, context, element);
    if (element.incidentKey !== null) this.resolveIncidentRow(context, element);
    this.transition(context, element, "TERMINATED");
    this.release(context, element);
  }

  terminateChildren(context: InstanceContext, scope: RuntimeElement): void {
    for (const child of context.children(scope.key)) this.terminate(context, child);
    for (let i = context.joinTokens.length - 1; i >= 0; i--) {
      const token = context.joinTokens[i]!;
      if (token.scopeKey === scope.key) {
        this.store.deleteJoinToken(token.key);
        context.joinTokens.splice(i, 1);
      }
    }
  }

  /** A scope completes when no token is left in it. */
  checkScopeCompletion(context: InstanceContext, scope: RuntimeElement): void {
    if (scope.state !== "ACTIVATED") return;
    if (scope.elementType === "AD_HOC_SUB_PROCESS") {
      adHocTokenEnded(this, context, scope);
      return;
    }
    if (context.children(scope.key).length > 0) return;
    if (context.joinTokens.some((t) => t.scopeKey === scope.key)) return;
    if (scope === context.root) this.completeProcess(context);
    else this.complete(context, scope);
  }

  private completeProcess(context: InstanceContext): void {
    const root = context.root;
    this.transition(context, root, "COMPLETING");
    this.transition(context, root, "COMPLETED");
    context.pi.state = "COMPLETED";
    context.pi.endDate = this.now;
    context.piDirty = true;
    this.effects.finishedInstances.push(context.pi.key);
    this.store.events.deleteCompensationsOf(context.pi.key);
    releaseStartLock(this, context);
    if (context.pi.parentElementInstanceKey !== null) childInstanceCompleted(this, context);
  }

  /** Cancels a whole process instance: every token terminated, the instance TERMINATED. */
  cancelProcess(context: InstanceContext): void {
    const root = context.root;
    if (root.state !== "ACTIVATED") throw new EngineError("INVALID_STATE", `Expected process instance '${context.pi.key}' to be active, but it is ${context.pi.state}`);
    this.transition(context, root, "TERMINATING");
    this.terminateChildren(context, root);
    this.transition(context, root, "TERMINATED");
    context.pi.state = "TERMINATED";
    context.pi.endDate = this.now;
    context.piDirty = true;
    this.effects.finishedInstances.push(context.pi.key);
    this.store.events.deleteCompensationsOf(context.pi.key);
    releaseStartLock(this, context);
  }

  /** Activates the process scope of a new instance: event sub-process subscriptions, then a start event. */
  activateRoot(context: InstanceContext, start: FlowNode): RuntimeElement | null {
    const root = context.root;
    this.record(context.pi.key, elementRecord(root, { bpmnProcessId: context.pi.bpmnProcessId, version: context.pi.version, processDefinitionKey: context.pi.processDefinitionKey }));
    // An event sub-process wait that cannot open (e.g. its correlation key is not set yet) is an
    // incident on the process; the instance still starts, and resolving the incident reopens the waits.
    const catchers = catchersOf(root);
    if (catchers.length > 0) openSubscriptions(this, context, root, catchers);
    this.transition(context, root, "ACTIVATED");
    return this.activate(context, start, root);
  }

  /** A newly opened message subscription takes the oldest buffered message it matches. */
  correlateBuffered(subscription: SubscriptionRow): void {
    correlateBufferedMessage(this, subscription);
  }

  // ── flows and joins (runtime/joins.ts) ────────────────────────────────────────────────────────

  takeFlow(context: InstanceContext, flow: SequenceFlow, scope: RuntimeElement): void {
    takeFlow(this, context, flow, scope);
  }

  // ── expressions, incidents ──────────────────────────────────────────────────────────────────────

  evaluate(context: InstanceContext, element: RuntimeElement, expression: Expression): EvalResult {
    if (expression.isStatic) return expression.evaluate({});
    return expression.evaluate(context.context(element), this.now, this.feel);
  }

  raiseIncident(context: InstanceContext, element: RuntimeElement, errorType: IncidentErrorType, errorMessage: string, jobKey: number | null = null): void {
    // An element has at most one open incident (resolving it retries the step); job incidents always count.
    if (element.incidentKey !== null && jobKey === null) return;
    const key = this.nextKey();
    this.store.insertIncident({
      key, state: "ACTIVE", errorType, errorMessage, processInstanceKey: context.pi.key, processDefinitionKey: context.pi.processDefinitionKey,
      bpmnProcessId: context.pi.bpmnProcessId, elementInstanceKey: element.key, elementId: element.elementId, jobKey, createdAt: this.now, resolvedAt: null,
    });
    element.incidentKey = key;
    context.touch(element);
    this.record(context.pi.key, { type: "INCIDENT_CREATED", key, elementId: element.elementId, elementInstanceKey: element.key, errorType, errorMessage, ...(jobKey ? { jobKey } : {}) });
  }

  resolveIncidentRow(context: InstanceContext, element: RuntimeElement, incidentKey?: number): void {
    const key = incidentKey ?? element.incidentKey!;
    this.store.resolveIncident(key, this.now);
    if (element.incidentKey === key) element.incidentKey = null;
    context.touch(element);
    this.record(context.pi.key, { type: "INCIDENT_RESOLVED", key, elementId: element.elementId, elementInstanceKey: element.key });
  }

  // ── flush ───────────────────────────────────────────────────────────────────────────────────────

  /** Writes element instances, process instance rows and the history. Called once per command. */
  flush(): void {
    for (const context of this.instances.values()) {
      if (context.piNew) this.store.insertProcessInstance(context.pi);
      else if (context.piDirty) this.store.updateProcessInstance(context.pi);
      for (const element of context.touched) {
        const alive = !isFinal(element.state);
        if (alive && !element.persisted) {
          this.store.insertElementInstance(element);
          element.persisted = true;
        } else if (alive && element.dirty) {
          this.store.updateElementInstance(element);
        } else if (!alive) {
          if (element.persisted) this.store.deleteElementInstance(element.key);
          context.elements.delete(element.key);
        }
        element.dirty = false;
      }
      context.touched.clear();
      context.piNew = false;
      context.piDirty = false;
    }
    for (const [processInstanceKey, records] of this.records) {
      if (records.length > 0) this.store.appendHistory(processInstanceKey, this.now, records);
    }
    this.records.clear();
  }
}

/** The flows a gateway chose before it got stuck in COMPLETING (see complete()). */
function chosenFlows(context: InstanceContext, element: RuntimeElement): SequenceFlow[] | undefined {
  const ids = element.data?.["flows"];
  if (!Array.isArray(ids)) return undefined;
  return ids.map((id) => context.process.flows.get(String(id))!).filter(Boolean);
}

/** An input/output mapping fails on an evaluation error or on a variable that does not exist. */
function mappingFailure(result: EvalResult, source: Expression): string | null {
  if (!result.ok) return result.message;
  if (result.missing) return `failed to evaluate expression '${source.source}': no variable found for name '${result.missing}'`;
  return null;
}
