/**
 * MULTI_INSTANCE_BODY — wraps a multi-instance activity. Activation evaluates the input collection
 * (a list, else an incident), then creates one inner instance per item: all at once (parallel) or
 * one after the other (sequential). Each inner instance gets `inputElement` and `loopCounter` as
 * locals. After each inner completion the output element is collected into `outputCollection` and
 * the completion condition is evaluated (with numberOfInstances, numberOfCompletedInstances,
 * numberOfActiveInstances); when it holds, the remaining inner instances are terminated. The body
 * completes when no inner instance is left, propagating the output collection.
 */
import { describeValue } from "../feel.js";
import { collectionProblem } from "../limits.js";
import type { Execution } from "../runtime/execution.js";
import type { InstanceContext, RuntimeElement } from "../runtime/instance.js";
import type { ElementBehavior } from "./behavior.js";

interface LoopState {
  total: number;
  next: number;
  completed: number;
  done: boolean;
}

/** Only a sequential body keeps the input list (to start the next item later); a parallel one starts all at once. */
const state = (body: RuntimeElement) => body.data as unknown as LoopState & { items?: unknown[] };

function spawn(rt: Execution, context: InstanceContext, body: RuntimeElement, item: unknown): void {
  const loop = state(body);
  const index = loop.next++;
  body.data = { ...loop };
  context.touch(body);
  const inner = rt.activate(context, body.node, body, true);
  const mi = body.node.multiInstance!;
  if (mi.inputElement) context.variables.setLocal(inner.key, mi.inputElement, item ?? null);
  context.variables.setLocal(inner.key, "loopCounter", index + 1);
}

function finish(rt: Execution, context: InstanceContext, body: RuntimeElement): void {
  const mi = body.node.multiInstance!;
  if (mi.outputCollection) {
    const value = context.variables.local(body.key)[mi.outputCollection] ?? [];
    const scope = context.element(body.flowScopeKey)!;
    context.variables.propagate(context.scopeChain(scope), mi.outputCollection, value);
  }
  rt.complete(context, body);
}

export const multiInstanceBodyBehavior: ElementBehavior = {
  activate(rt, context, body) {
    const mi = body.node.multiInstance!;
    const result = rt.evaluate(context, body, mi.inputCollection!);
    if (!result.ok || !Array.isArray(result.value)) {
      rt.raiseIncident(context, body, "EXTRACT_VALUE_ERROR", `Expected the input collection of '${body.elementId}' to be a list, but found ${result.ok ? describeValue(result.value) : result.message}`);
      return;
    }
    const items = result.value as unknown[];
    const tooMany = collectionProblem(rt.limits, items.length, `the input collection of '${body.elementId}'`);
    if (tooMany) {
      rt.raiseIncident(context, body, "EXTRACT_VALUE_ERROR", tooMany);
      return;
    }
    body.data = { total: items.length, next: 0, completed: 0, done: false, ...(mi.sequential ? { items } : {}) } as unknown as Record<string, unknown>;
    if (mi.outputCollection) context.variables.setLocal(body.key, mi.outputCollection, items.map(() => null));
    rt.transition(context, body, "ACTIVATED");
    if (items.length === 0) {
      finish(rt, context, body);
      return;
    }
    const first = mi.sequential ? 1 : items.length;
    for (let i = 0; i < first; i++) spawn(rt, context, body, items[i]);
  },
  terminate() {},
};

/**
 * Before an inner instance completes: collect its output element and evaluate the completion
 * condition as if it had completed. A failure or a non-boolean condition is an incident on the inner
 * instance, which stays COMPLETING (resolving re-runs this). False when it did not go through.
 */
export function beforeInnerCompletes(rt: Execution, context: InstanceContext, body: RuntimeElement, inner: RuntimeElement): boolean {
  const mi = body.node.multiInstance!;
  let collection: unknown[] | undefined;
  if (mi.outputCollection && mi.outputElement) {
    const result = rt.evaluate(context, inner, mi.outputElement);
    if (!result.ok) {
      rt.raiseIncident(context, inner, "EXTRACT_VALUE_ERROR", `Expected the output element of '${inner.elementId}' to evaluate, but it failed: ${result.message}`);
      return false;
    }
    const counter = Number(context.variables.local(inner.key)["loopCounter"]);
    collection = [...((context.variables.local(body.key)[mi.outputCollection] as unknown[]) ?? [])];
    collection[counter - 1] = result.value;
  }
  const loop = state(body);
  let done = false;
  if (mi.completionCondition && !loop.done) {
    const active = context.children(body.key).length - 1;
    const vars = { ...context.context(inner), numberOfInstances: loop.total, numberOfCompletedInstances: loop.completed + 1, numberOfActiveInstances: active };
    const result = mi.completionCondition.evaluate(vars, rt.now, rt.feel);
    if (!result.ok || typeof result.value !== "boolean") {
      rt.raiseIncident(context, inner, "EXTRACT_VALUE_ERROR", `Expected the completion condition '${mi.completionCondition.source}' of '${inner.elementId}' to be a boolean, but found ${result.ok ? describeValue(result.value) : result.message}`);
      return false;
    }
    done = result.value;
  }
  if (collection) context.variables.setLocal(body.key, mi.outputCollection!, collection);
  if (done) {
    body.data = { ...loop, done: true } as unknown as Record<string, unknown>;
    context.touch(body);
  }
  return true;
}

/** After an inner instance completed: the completion condition held, next sequential instance, or the end. */
export function onInnerCompleted(rt: Execution, context: InstanceContext, body: RuntimeElement): void {
  if (body.state !== "ACTIVATED") return;
  const loop = state(body);
  loop.completed++;
  body.data = { ...loop };
  context.touch(body);
  if (loop.done) {
    for (const child of context.children(body.key)) rt.terminate(context, child);
    finish(rt, context, body);
    return;
  }
  if (body.node.multiInstance!.sequential && loop.next < loop.total) {
    spawn(rt, context, body, loop.items?.[loop.next]);
    return;
  }
  if (context.children(body.key).length === 0) finish(rt, context, body);
}
