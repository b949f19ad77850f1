/**
 * Graph facts computed once at deploy time. For a converging inclusive gateway G and each incoming
 * flow f, `upstream(f)` is the set of sibling elements from which f can still be reached without
 * passing through G (following flows backwards, from a boundary event to its activity, from a link
 * catch to its throws). At run time G may fire when no live token sits on an element of upstream(f)
 * for any incoming flow f that has no token yet (the BPMN 2.0 semantics of the OR-join).
 */
import type { FlowNode } from "./types.js";

export function computeUpstream(children: FlowNode[]): void {
  for (const gateway of children) {
    if (gateway.type !== "INCLUSIVE_GATEWAY" || gateway.incoming.length < 2) continue;
    const upstream = new Map<string, Set<string>>();
    for (const flow of gateway.incoming) {
      const seen = new Set<string>();
      const stack: FlowNode[] = [flow.source];
      while (stack.length > 0) {
        const node = stack.pop()!;
        if (node === gateway || seen.has(node.id)) continue;
        seen.add(node.id);
        for (const f of node.incoming) stack.push(f.source);
        // A token on an activity can also leave through its boundary events; a link catch is reached from its throws.
        if (node.attachedTo) stack.push(node.attachedTo);
        for (const thrower of children) if (thrower.linkTarget === node) stack.push(thrower);
      }
      upstream.set(flow.id, seen);
    }
    gateway.upstream = upstream;
  }
}
