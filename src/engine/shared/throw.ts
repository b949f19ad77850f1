/**
 * Errors and escalations: finding the catch and applying it. From the throwing element upwards: the
 * element's own boundary events (if it is an activity), then the event sub-processes of its scope,
 * then the scope's boundary events, and so on to the process, and from a called process on to its
 * call activity in the parent. At each level a catch with the exact code wins over a catch-all.
 */
import type { FlowNode } from "../model/types.js";
import type { Execution } from "../runtime/execution.js";
import type { InstanceContext, RuntimeElement } from "../runtime/instance.js";
import { openEventSubProcess } from "../runtime/triggers.js";
import { closeEventSubProcessSubscriptions } from "../runtime/subscriptions.js";

export type ThrowKind = "error" | "escalation";

export interface FoundCatch {
  context: InstanceContext;
  /** The activity (boundary event) or the scope (event sub-process) the catch belongs to. */
  owner: RuntimeElement;
  /** The boundary event or the event sub-process start event. */
  catcher: FlowNode;
}

function codeOf(rt: Execution, context: InstanceContext, owner: RuntimeElement, node: FlowNode): string | null {
  const expression = node.event?.code;
  if (!expression) return null;
  const result = rt.evaluate(context, owner, expression);
  return result.ok && result.value !== null ? String(result.value) : null;
}

function match(rt: Execution, context: InstanceContext, owner: RuntimeElement, candidates: FlowNode[], kind: ThrowKind, code: string): FlowNode | undefined {
  const ofKind = candidates.filter((c) => c.event?.kind === kind);
  return ofKind.find((c) => codeOf(rt, context, owner, c) === code) ?? ofKind.find((c) => !c.event?.code);
}

export function findCatch(rt: Execution, context: InstanceContext, thrower: RuntimeElement, kind: ThrowKind, code: string): FoundCatch | null {
  let ctx = context;
  let current = thrower;
  for (;;) {
    const isInner = !!current.node.multiInstance && current.elementType !== "MULTI_INSTANCE_BODY";
    if (!isInner && current.node.boundaryEvents) {
      const boundary = match(rt, ctx, current, current.node.boundaryEvents, kind, code);
      if (boundary) return { context: ctx, owner: current, catcher: boundary };
    }
    if (current === ctx.root) {
      const parentKey = ctx.pi.parentProcessInstanceKey;
      if (parentKey === null) return null;
      const parent = rt.instance(parentKey);
      const callActivity = parent.element(ctx.pi.parentElementInstanceKey!);
      if (!callActivity) return null;
      ctx = parent;
      current = callActivity;
      continue;
    }
    const scope = ctx.element(current.flowScopeKey)!;
    if (scope.node.eventSubProcesses && scope.elementType !== "MULTI_INSTANCE_BODY") {
      const starts = scope.node.eventSubProcesses.map((esp) => esp.startEvent!).filter(Boolean);
      const start = match(rt, ctx, scope, starts, kind, code);
      if (start && start.scope !== current.node) return { context: ctx, owner: scope, catcher: start };
    }
    current = scope;
  }
}

/** Applies a found catch: interrupting catches terminate what they interrupt first. */
export function applyCatch(rt: Execution, found: FoundCatch, variables: Record<string, unknown>): void {
  const { context, owner, catcher } = found;
  const interrupting = catcher.event?.kind === "error" || catcher.interrupting !== false;
  rt.record(context.pi.key, { type: `${catcher.event!.kind.toUpperCase()}_CAUGHT`, elementId: catcher.id, ownerKey: owner.key });
  if (catcher.type === "BOUNDARY_EVENT") {
    const scope = context.element(owner.flowScopeKey)!;
    if (interrupting) rt.terminate(context, owner);
    rt.activate(context, catcher, scope).data = { trigger: variables };
    return;
  }
  if (interrupting) {
    closeEventSubProcessSubscriptions(rt, owner);
    rt.terminateChildren(context, owner);
  }
  openEventSubProcess(rt, context, owner, catcher.scope!, variables);
}

/** Throws and applies the catch; false when nothing catches it. */
export function throwEvent(rt: Execution, context: InstanceContext, thrower: RuntimeElement, kind: ThrowKind, code: string, variables: Record<string, unknown>): boolean {
  const found = findCatch(rt, context, thrower, kind, code);
  rt.record(context.pi.key, { type: `${kind.toUpperCase()}_THROWN`, elementId: thrower.elementId, code, caught: !!found });
  if (!found) return false;
  applyCatch(rt, found, variables);
  return true;
}
