/**
 * Random BPMN models for the random-process test: a block tree (sequences, exclusive / parallel /
 * inclusive blocks, embedded sub-processes, event-based races) over wait states (user tasks, service
 * tasks, timer and message catch events, receive tasks) and pass-through steps (script tasks, tasks),
 * rendered as Camunda 8 XML. The models are test inputs, never opened in a modeler: no diagram.
 *
 * Every gateway decides on a variable of its own (`g1`, `g2`, …): an exclusive one on an integer
 * (branch i taken when `gN = i`, the last branch sometimes being the default flow), an inclusive one on
 * a list of branch indices (`list contains(gN, i)`). The driver sets them at creation and changes them
 * when completing tasks, so the path an instance takes depends on the seed.
 */
import type { Random } from "./prng.js";

export type Leaf = "user" | "legacyUser" | "service" | "script" | "task" | "timer" | "message" | "receive";

/** What a guarded activity's boundary event waits for. */
export type Guard = "timer" | "message" | "timerNonInterrupting";

export type Block =
  | { kind: "leaf"; leaf: Leaf }
  | { kind: "seq"; items: Block[] }
  | { kind: "xor" | "and" | "or"; branches: Array<Block | null> }
  | { kind: "sub"; body: Block }
  /** Event-based gateway: a timer catch against a message catch, each followed by an optional block. */
  | { kind: "race"; afterTimer: Block | null; afterMessage: Block | null }
  /**
   * An activity (user task, service task or sub-process) with a boundary event. Interrupting: the
   * boundary path merges back after the activity. Non-interrupting: it ends at an end event of its own.
   */
  | { kind: "guarded"; activity: "user" | "service" | "sub"; body: Block | null; guard: Guard; after: Block | null };

export interface GatewayVariable {
  name: string;
  kind: "xor" | "or";
  branches: number;
  /** The last branch is the default flow (taken when no condition holds). */
  hasDefault: boolean;
}

export interface GeneratedModel {
  bpmnProcessId: string;
  xml: string;
  /** A one-line shape of the model, for failure messages. */
  shape: string;
  gateways: GatewayVariable[];
  /** Message names caught somewhere in the model (correlation key `=cid`). */
  messageNames: string[];
  waitStates: number;
}

export const JOB_TYPE = "random-work";
/** The job type of job-based (legacy) user tasks. */
export const LEGACY_USER_TASK_JOB_TYPE = "io.camunda.zeebe:userTask";

// ── block tree ────────────────────────────────────────────────────────────────────────────────────

const LEAVES: ReadonlyArray<readonly [Leaf, number]> = [
  ["user", 4], ["legacyUser", 1], ["service", 4], ["timer", 2.5], ["message", 2.5], ["receive", 1], ["script", 1.5], ["task", 0.5],
];

const COMPOSITES: ReadonlyArray<readonly [Block["kind"], number]> = [
  ["seq", 3], ["xor", 2], ["and", 2], ["or", 2], ["sub", 1.5], ["race", 1], ["guarded", 1.5],
];

function generateBlock(rng: Random, depth: number, maxDepth: number): Block {
  const leafChance = depth === 0 ? 0 : depth >= maxDepth ? 1 : 0.35 + 0.15 * depth;
  if (rng.chance(leafChance)) return { kind: "leaf", leaf: rng.weighted(LEAVES) };
  const kind = rng.weighted(COMPOSITES);
  const child = () => generateBlock(rng, depth + 1, maxDepth);
  switch (kind) {
    case "seq":
      return { kind, items: Array.from({ length: rng.int(2, 3) }, child) };
    case "xor":
    case "and":
    case "or": {
      const n = rng.int(2, 3);
      // At most one branch goes straight from the split to the join.
      const empty = rng.chance(0.25) ? rng.int(0, n - 1) : -1;
      return { kind, branches: Array.from({ length: n }, (_, i) => (i === empty ? null : child())) };
    }
    case "sub":
      return { kind, body: child() };
    case "race":
      return { kind, afterTimer: rng.chance(0.5) ? child() : null, afterMessage: rng.chance(0.5) ? child() : null };
    case "guarded": {
      const activity = rng.weighted([["user", 2], ["service", 2], ["sub", 1]] as const);
      const guard = rng.weighted([["timer", 2], ["message", 1.5], ["timerNonInterrupting", 1.5]] as const);
      return { kind, activity, body: activity === "sub" ? child() : null, guard, after: rng.chance(0.5) ? child() : null };
    }
    default:
      throw new Error(`unknown block kind ${kind}`);
  }
}

function countWaits(block: Block | null): number {
  if (!block) return 0;
  switch (block.kind) {
    case "leaf":
      return ["user", "legacyUser", "service", "timer", "message", "receive"].includes(block.leaf) ? 1 : 0;
    case "seq":
      return block.items.reduce((n, b) => n + countWaits(b), 0);
    case "sub":
      return countWaits(block.body);
    case "race":
      return 1 + countWaits(block.afterTimer) + countWaits(block.afterMessage);
    case "guarded":
      return (block.activity === "sub" ? countWaits(block.body) : 1) + countWaits(block.after);
    default:
      return block.branches.reduce((n, b) => n + countWaits(b), 0);
  }
}

export function shapeOf(block: Block | null): string {
  if (!block) return "∅";
  switch (block.kind) {
    case "leaf":
      return block.leaf;
    case "seq":
      return `seq(${block.items.map(shapeOf).join(", ")})`;
    case "sub":
      return `sub(${shapeOf(block.body)})`;
    case "race":
      return `race(timer→${shapeOf(block.afterTimer)} | message→${shapeOf(block.afterMessage)})`;
    case "guarded":
      return `${block.activity === "sub" ? `sub(${shapeOf(block.body)})` : block.activity}+${block.guard}→${shapeOf(block.after)}`;
    default:
      return `${block.kind}(${block.branches.map(shapeOf).join(" | ")})`;
  }
}

// ── rendering ─────────────────────────────────────────────────────────────────────────────────────

interface XmlNode {
  id: string;
  tag: string;
  attrs: Record<string, string>;
  /** Extension elements (before incoming/outgoing). */
  head: string[];
  /** Event definitions (after incoming/outgoing). */
  tail: string[];
  incoming: string[];
  outgoing: string[];
  /** Sub-process content. */
  scope?: Scope;
}

interface XmlFlow {
  id: string;
  source: string;
  target: string;
  condition?: string;
}

interface Scope {
  nodes: XmlNode[];
  flows: XmlFlow[];
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

class Renderer {
  private counter = 0;
  readonly gateways: GatewayVariable[] = [];
  readonly messages: Array<{ id: string; name: string }> = [];

  constructor(private readonly rng: Random) {}

  private id(prefix: string): string {
    return `${prefix}_${++this.counter}`;
  }

  node(scope: Scope, prefix: string, tag: string, parts: { head?: string[]; tail?: string[] } = {}, attrs: Record<string, string> = {}): XmlNode {
    const n: XmlNode = { id: this.id(prefix), tag, attrs, head: parts.head ?? [], tail: parts.tail ?? [], incoming: [], outgoing: [] };
    scope.nodes.push(n);
    return n;
  }

  connect(scope: Scope, from: XmlNode, to: XmlNode, condition?: string): XmlFlow {
    const flow: XmlFlow = { id: this.id("Flow"), source: from.id, target: to.id, ...(condition ? { condition } : {}) };
    from.outgoing.push(flow.id);
    to.incoming.push(flow.id);
    scope.flows.push(flow);
    return flow;
  }

  private message(): string {
    const id = this.id("Message");
    this.messages.push({ id, name: `msg-${id}` });
    return id;
  }

  leaf(scope: Scope, leaf: Leaf): XmlNode {
    switch (leaf) {
      case "user":
        return this.node(scope, "Task", "userTask", { head: ["<bpmn:extensionElements><zeebe:userTask /></bpmn:extensionElements>"] }, { name: "Review" });
      case "legacyUser":
        return this.node(scope, "Task", "userTask", { head: [`<bpmn:extensionElements><zeebe:assignmentDefinition assignee="clerk" /></bpmn:extensionElements>`] }, { name: "Review (job-based)" });
      case "service":
        return this.node(scope, "Task", "serviceTask", { head: [`<bpmn:extensionElements><zeebe:taskDefinition type="${JOB_TYPE}" retries="3" /></bpmn:extensionElements>`] }, { name: "Work" });
      case "script":
        return this.node(scope, "Task", "scriptTask", { head: [`<bpmn:extensionElements><zeebe:script expression="=steps + 1" resultVariable="steps" /></bpmn:extensionElements>`] }, { name: "Count" });
      case "task":
        return this.node(scope, "Task", "task", {}, { name: "Note" });
      case "timer": {
        const minutes = this.rng.int(1, 12) * 10;
        return this.node(scope, "Timer", "intermediateCatchEvent", { tail: [this.timerDefinition("timeDuration", minutes)] }, { name: `${minutes} min` });
      }
      case "message":
        return this.node(scope, "Catch", "intermediateCatchEvent", { tail: [this.messageDefinition()] }, { name: "Wait for message" });
      case "receive":
        return this.node(scope, "Receive", "receiveTask", {}, { name: "Receive", messageRef: this.message() });
      default:
        throw new Error(`unknown leaf ${String(leaf)}`);
    }
  }

  private timerDefinition(kind: "timeDuration" | "timeCycle", minutes: number): string {
    const text = kind === "timeCycle" ? `R2/PT${minutes}M` : this.rng.chance(0.3) ? `=duration("PT${minutes}M")` : `PT${minutes}M`;
    return `<bpmn:timerEventDefinition id="${this.id("TimerDef")}"><bpmn:${kind} xsi:type="bpmn:tFormalExpression">${esc(text)}</bpmn:${kind}></bpmn:timerEventDefinition>`;
  }

  private messageDefinition(): string {
    return `<bpmn:messageEventDefinition id="${this.id("MessageDef")}" messageRef="${this.message()}" />`;
  }

  private subProcess(scope: Scope, body: Block): XmlNode {
    const inner: Scope = { nodes: [], flows: [] };
    const start = this.node(inner, "SubStart", "startEvent");
    const content = this.block(inner, body);
    const end = this.node(inner, "SubEnd", "endEvent");
    this.connect(inner, start, content.first);
    this.connect(inner, content.last, end);
    // A local copy of the counter at entry: a variable of the sub-process scope, dropped when it ends.
    const head = this.rng.chance(0.5) ? [`<bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="=steps" target="stepsAtEntry" /></zeebe:ioMapping></bpmn:extensionElements>`] : [];
    const sub = this.node(scope, "Sub", "subProcess", { head }, { name: "Sub-process" });
    sub.scope = inner;
    return sub;
  }

  private guarded(scope: Scope, block: Extract<Block, { kind: "guarded" }>): { first: XmlNode; last: XmlNode } {
    const activity = block.activity === "sub" ? this.subProcess(scope, block.body!) : this.leaf(scope, block.activity);
    const interrupting = block.guard !== "timerNonInterrupting";
    const minutes = this.rng.int(1, 12) * 10;
    const definition = block.guard === "message" ? this.messageDefinition() : this.timerDefinition(interrupting ? "timeDuration" : this.rng.chance(0.5) ? "timeCycle" : "timeDuration", minutes);
    const boundary = this.node(scope, "Boundary", "boundaryEvent", { tail: [definition] }, {
      name: block.guard === "message" ? "Cancelled by message" : `${minutes} min`, ...(interrupting ? {} : { cancelActivity: "false" }), attachedToRef: activity.id,
    });
    const tail = block.after ? this.block(scope, block.after) : undefined;
    if (tail) this.connect(scope, boundary, tail.first);
    const boundaryExit = tail?.last ?? boundary;
    if (!interrupting) {
      this.connect(scope, boundaryExit, this.node(scope, "EscalatedEnd", "endEvent"));
      return { first: activity, last: activity };
    }
    const merge = this.node(scope, "Merge", "exclusiveGateway");
    this.connect(scope, activity, merge);
    this.connect(scope, boundaryExit, merge);
    return { first: activity, last: merge };
  }

  /** Renders a block into a scope; returns its entry and exit nodes. */
  block(scope: Scope, block: Block): { first: XmlNode; last: XmlNode } {
    switch (block.kind) {
      case "leaf": {
        const n = this.leaf(scope, block.leaf);
        return { first: n, last: n };
      }
      case "seq": {
        const parts = block.items.map((b) => this.block(scope, b));
        for (let i = 1; i < parts.length; i++) this.connect(scope, parts[i - 1]!.last, parts[i]!.first);
        return { first: parts[0]!.first, last: parts[parts.length - 1]!.last };
      }
      case "sub": {
        const sub = this.subProcess(scope, block.body);
        return { first: sub, last: sub };
      }
      case "guarded":
        return this.guarded(scope, block);
      case "race": {
        const gateway = this.node(scope, "Race", "eventBasedGateway");
        const timer = this.leaf(scope, "timer");
        const message = this.leaf(scope, "message");
        const merge = this.node(scope, "Merge", "exclusiveGateway");
        this.connect(scope, gateway, timer);
        this.connect(scope, gateway, message);
        for (const [from, after] of [[timer, block.afterTimer], [message, block.afterMessage]] as const) {
          if (after) {
            const part = this.block(scope, after);
            this.connect(scope, from, part.first);
            this.connect(scope, part.last, merge);
          } else this.connect(scope, from, merge);
        }
        return { first: gateway, last: merge };
      }
      default:
        return this.gatewayBlock(scope, block);
    }
  }

  private gatewayBlock(scope: Scope, block: Extract<Block, { kind: "xor" | "and" | "or" }>): { first: XmlNode; last: XmlNode } {
    const tag = block.kind === "xor" ? "exclusiveGateway" : block.kind === "and" ? "parallelGateway" : "inclusiveGateway";
    const split = this.node(scope, "Split", tag);
    const join = this.node(scope, "Join", tag);
    const n = block.branches.length;
    let variable: GatewayVariable | undefined;
    if (block.kind !== "and") {
      variable = { name: `g${this.gateways.length + 1}`, kind: block.kind, branches: n, hasDefault: this.rng.chance(0.4) };
      this.gateways.push(variable);
    }
    block.branches.forEach((branch, i) => {
      let condition: string | undefined;
      if (variable && !(variable.hasDefault && i === n - 1)) {
        condition = variable.kind === "xor" ? `=${variable.name} = ${i}` : `=list contains(${variable.name}, ${i})`;
      }
      if (branch) {
        const part = this.block(scope, branch);
        const flow = this.connect(scope, split, part.first, condition);
        if (variable?.hasDefault && i === n - 1) split.attrs["default"] = flow.id;
        this.connect(scope, part.last, join);
      } else {
        const flow = this.connect(scope, split, join, condition);
        if (variable?.hasDefault && i === n - 1) split.attrs["default"] = flow.id;
      }
    });
    return { first: split, last: join };
  }

  serialize(scope: Scope, indent: string): string {
    const lines: string[] = [];
    for (const n of scope.nodes) {
      const attrs = Object.entries({ id: n.id, ...n.attrs }).map(([k, v]) => ` ${k}="${esc(v)}"`).join("");
      lines.push(`${indent}<bpmn:${n.tag}${attrs}>`);
      for (const x of n.head) lines.push(`${indent}  ${x}`);
      for (const f of n.incoming) lines.push(`${indent}  <bpmn:incoming>${f}</bpmn:incoming>`);
      for (const f of n.outgoing) lines.push(`${indent}  <bpmn:outgoing>${f}</bpmn:outgoing>`);
      for (const x of n.tail) lines.push(`${indent}  ${x}`);
      if (n.scope) lines.push(this.serialize(n.scope, `${indent}  `));
      lines.push(`${indent}</bpmn:${n.tag}>`);
    }
    for (const f of scope.flows) {
      const head = `${indent}<bpmn:sequenceFlow id="${f.id}" sourceRef="${f.source}" targetRef="${f.target}"`;
      if (f.condition) {
        lines.push(`${head}>`);
        lines.push(`${indent}  <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${esc(f.condition)}</bpmn:conditionExpression>`);
        lines.push(`${indent}</bpmn:sequenceFlow>`);
      } else lines.push(`${head} />`);
    }
    return lines.join("\n");
  }
}

/** Generates one model with between `minWaits` and `maxWaits` wait states. */
export function generateModel(rng: Random, bpmnProcessId: string, options: { maxDepth?: number; minWaits?: number; maxWaits?: number } = {}): GeneratedModel {
  const { maxDepth = 3, minWaits = 3, maxWaits = 12 } = options;
  let root: Block;
  do root = generateBlock(rng, 0, maxDepth);
  while (countWaits(root) < minWaits || countWaits(root) > maxWaits);

  const renderer = new Renderer(rng);
  const scope: Scope = { nodes: [], flows: [] };
  const start = renderer.node(scope, "StartEvent", "startEvent");
  const body = renderer.block(scope, root);
  const end = renderer.node(scope, "EndEvent", "endEvent");
  renderer.connect(scope, start, body.first);
  renderer.connect(scope, body.last, end);

  const messages = renderer.messages.map(
    (m) => `  <bpmn:message id="${m.id}" name="${m.name}">\n    <bpmn:extensionElements>\n      <zeebe:subscription correlationKey="=cid" />\n    </bpmn:extensionElements>\n  </bpmn:message>`,
  );
  const xml = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_${bpmnProcessId}" targetNamespace="http://bpmn.io/schema/bpmn" exporter="random-processes.test" exporterVersion="1" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.7.0">`,
    `  <bpmn:process id="${bpmnProcessId}" isExecutable="true">`,
    renderer.serialize(scope, "    "),
    `  </bpmn:process>`,
    ...messages,
    `</bpmn:definitions>`,
    ``,
  ].join("\n");
  return {
    bpmnProcessId, xml, shape: shapeOf(root), gateways: renderer.gateways, messageNames: renderer.messages.map((m) => m.name), waitStates: countWaits(root),
  };
}

/** A random value for a gateway variable: which branch(es) the gateway takes next time. */
export function gatewayValue(rng: Random, g: GatewayVariable): number | number[] {
  if (g.kind === "xor") return rng.int(0, g.branches - 1);
  // Inclusive: with a default flow the list may name no conditional branch (→ the default only).
  return g.hasDefault ? rng.subset(g.branches - 1, true) : rng.subset(g.branches);
}
