/**
 * Taking a sequence flow, and the converging gateways. A token arriving at a converging parallel or
 * inclusive gateway becomes a join-token row; the parallel join fires once every incoming flow has
 * one, the inclusive join once no live token of its scope can still reach an empty incoming flow
 * (the reachability is computed at deploy time in model/graph.ts).
 */
import type { FlowNode, SequenceFlow } from "../model/types.js";
import type { Execution } from "./execution.js";
import type { InstanceContext, RuntimeElement } from "./instance.js";

export function takeFlow(rt: Execution, context: InstanceContext, flow: SequenceFlow, scope: RuntimeElement): void {
  rt.record(context.pi.key, { type: "SEQUENCE_FLOW_TAKEN", elementId: flow.id, flowScopeKey: scope.key, source: flow.source.id, target: flow.target.id });
  const target = flow.target;
  const joins = (target.type === "PARALLEL_GATEWAY" || target.type === "INCLUSIVE_GATEWAY") && target.incoming.length > 1;
  if (!joins) {
    rt.activate(context, target, scope);
    return;
  }
  const token = { key: rt.nextKey(), processInstanceKey: context.pi.key, scopeKey: scope.key, gatewayId: target.id, flowId: flow.id };
  rt.store.insertJoinToken(token);
  context.joinTokens.push(token);
  if (target.type === "PARALLEL_GATEWAY") fireJoinIfReady(rt, context, target, scope, () => false);
}

/**
 * Fires a converging gateway when every incoming flow has a token or `emptyFlowIsFine` says its
 * absence does not matter: consumes one token per incoming flow that has one, activates the gateway once.
 */
function fireJoinIfReady(rt: Execution, context: InstanceContext, gateway: FlowNode, scope: RuntimeElement, emptyFlowIsFine: (flow: SequenceFlow) => boolean): boolean {
  const waiting = context.joinTokens.filter((t) => t.scopeKey === scope.key && t.gatewayId === gateway.id);
  if (waiting.length === 0) return false;
  const arrived = new Set(waiting.map((t) => t.flowId));
  for (const flow of gateway.incoming) {
    if (!arrived.has(flow.id) && !emptyFlowIsFine(flow)) return false;
  }
  for (const flowId of arrived) {
    const index = context.joinTokens.findIndex((t) => t.scopeKey === scope.key && t.gatewayId === gateway.id && t.flowId === flowId);
    const [token] = context.joinTokens.splice(index, 1);
    rt.store.deleteJoinToken(token!.key);
  }
  rt.activate(context, gateway, scope);
  return true;
}

/** OR-join: fires every inclusive gateway of the instance that no live token can still reach. */
export function fireInclusiveJoins(rt: Execution, context: InstanceContext): boolean {
  const candidates = new Map<string, { gateway: FlowNode; scope: RuntimeElement }>();
  for (const token of context.joinTokens) {
    const gateway = context.process.elements.get(token.gatewayId)!;
    const scope = context.element(token.scopeKey);
    if (gateway.type === "INCLUSIVE_GATEWAY" && scope) candidates.set(`${token.scopeKey}/${token.gatewayId}`, { gateway, scope });
  }
  let fired = false;
  for (const { gateway, scope } of candidates.values()) {
    const live = context.children(scope.key).map((e) => e.elementId);
    for (const token of context.joinTokens) if (token.scopeKey === scope.key && token.gatewayId !== gateway.id) live.push(token.gatewayId);
    const unreachable = (flow: SequenceFlow) => {
      const upstream = gateway.upstream!.get(flow.id)!;
      return !live.some((id) => upstream.has(id));
    };
    fired = fireJoinIfReady(rt, context, gateway, scope, unreachable) || fired;
  }
  return fired;
}
