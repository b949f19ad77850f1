/**
 * Compiles event definitions and checks which kind is allowed where (Camunda 8 rules): e.g. a timer
 * on a boundary event, a message on a process start event, an error only on end, boundary and
 * event-sub-process start events.
 */
import { timerProblem } from "../shared/timers.js";
import { CompileContext, extension } from "./compile-context.js";
import { compileJob } from "./compile-tasks.js";
import type { EventDefinition, EventKind, FlowNode } from "./types.js";

const KIND: Record<string, EventKind> = {
  "bpmn:TimerEventDefinition": "timer",
  "bpmn:MessageEventDefinition": "message",
  "bpmn:SignalEventDefinition": "signal",
  "bpmn:ErrorEventDefinition": "error",
  "bpmn:EscalationEventDefinition": "escalation",
  "bpmn:LinkEventDefinition": "link",
  "bpmn:TerminateEventDefinition": "terminate",
  "bpmn:CompensateEventDefinition": "compensate",
};

type Role = "process-start" | "sub-process-start" | "event-sub-process-start" | "catch" | "throw" | "end" | "boundary";

const ALLOWED: Record<Role, ReadonlyArray<EventKind | "none">> = {
  "process-start": ["none", "timer", "message", "signal"],
  "sub-process-start": ["none"],
  "event-sub-process-start": ["timer", "message", "signal", "error", "escalation"],
  catch: ["timer", "message", "signal", "link"],
  throw: ["none", "signal", "escalation", "link", "message", "compensate"],
  end: ["none", "terminate", "error", "escalation", "signal", "message", "compensate"],
  boundary: ["timer", "message", "signal", "error", "escalation", "compensate"],
};

const ROLE_NAME: Record<Role, string> = {
  "process-start": "a process start event",
  "sub-process-start": "the start event of an embedded sub-process",
  "event-sub-process-start": "the start event of an event sub-process",
  catch: "an intermediate catch event",
  throw: "an intermediate throw event",
  end: "an end event",
  boundary: "a boundary event",
};

function roleOf(node: FlowNode): Role {
  switch (node.type) {
    case "START_EVENT":
      if (node.scope?.type === "PROCESS") return "process-start";
      return node.scope?.type === "EVENT_SUB_PROCESS" ? "event-sub-process-start" : "sub-process-start";
    case "INTERMEDIATE_CATCH_EVENT":
      return "catch";
    case "INTERMEDIATE_THROW_EVENT":
      return "throw";
    case "END_EVENT":
      return "end";
    default:
      return "boundary";
  }
}

/** Compiles the event definition of an event element (and the job of a message throw event). */
export function compileEvent(ctx: CompileContext, node: FlowNode, element: any): void {
  const definitions = (element.eventDefinitions ?? []) as any[];
  const role = roleOf(node);
  if (definitions.length > 1) {
    ctx.problem(node.id, `Expected '${node.id}' to have at most one event definition, but found ${definitions.length}`);
    return;
  }
  const definition = definitions[0];
  if (definition && !KIND[definition.$type]) {
    ctx.problem(node.id, `${definition.$type.replace("bpmn:", "").replace("EventDefinition", "")} event '${node.id}' is not supported yet`);
    return;
  }
  const kind: EventKind | "none" = definition ? KIND[definition.$type]! : "none";
  if (!ALLOWED[role].includes(kind)) {
    const what = kind === "none" ? "no event definition" : `a ${definition.$type.replace("bpmn:", "").replace("EventDefinition", "").toLowerCase()} event definition`;
    ctx.problem(node.id, `Expected ${ROLE_NAME[role]} like '${node.id}' to have one of: ${ALLOWED[role].join(", ")}; but found ${what}`);
    return;
  }
  if (kind === "none") return;
  if (kind === "terminate") {
    node.terminate = true;
    return;
  }
  const event: EventDefinition = { kind };
  const id = node.id;
  switch (kind) {
    case "timer": {
      const entries = (["timeDuration", "timeDate", "timeCycle"] as const).filter((k) => definition[k]?.body?.trim());
      if (entries.length !== 1) {
        ctx.problem(id, `Expected timer '${id}' to have exactly one of a duration, a date or a cycle, but found ${entries.length}`);
        return;
      }
      const key = entries[0]!;
      const type = key === "timeDuration" ? "duration" : key === "timeDate" ? "date" : "cycle";
      const text = (definition[key].body as string).trim();
      if (!text.startsWith("=")) {
        const problem = timerProblem(type, text);
        if (problem) {
          ctx.problem(id, `Expected the timer ${type} of '${id}' to be ${problem}, but found '${text}'`);
          return;
        }
      }
      if (type === "cycle" && role !== "process-start" && role !== "boundary" && role !== "event-sub-process-start") {
        ctx.problem(id, `Expected a timer cycle only on start or boundary events, but '${id}' has one`);
        return;
      }
      if (type === "cycle" && role === "boundary" && element.cancelActivity !== false) {
        ctx.problem(id, `Expected a timer cycle only on a non-interrupting boundary event, but '${id}' interrupts`);
        return;
      }
      const expression = ctx.expr(id, `the timer ${type}`, text);
      if (expression) event.timer = { type, expression };
      break;
    }
    case "message": {
      if (role === "throw" || role === "end") {
        compileJob(ctx, node, element);
        break;
      }
      if (!compileMessage(ctx, node, definition.messageRef, event, role !== "process-start")) return;
      break;
    }
    case "signal": {
      const signal = definition.signalRef;
      if (!signal?.name) {
        ctx.problem(id, `Expected signal event '${id}' to reference a signal with a name, but found ${signal ? "a signal without a name" : "none"}`);
        return;
      }
      const name = ctx.expr(id, "the signal name", signal.name);
      if (name) event.name = name;
      break;
    }
    case "error":
    case "escalation": {
      const ref = kind === "error" ? definition.errorRef : definition.escalationRef;
      const code: string | undefined = kind === "error" ? ref?.errorCode : ref?.escalationCode;
      if (role === "end" || role === "throw") {
        if (!code) {
          ctx.problem(id, `Expected ${kind} ${role} event '${id}' to reference an ${kind} with a code, but found ${ref ? "no code" : "no reference"}`);
          return;
        }
      }
      if (kind === "error" && role === "boundary" && element.cancelActivity === false) {
        ctx.problem(id, `Expected error boundary event '${id}' to interrupt, but it is non-interrupting`);
        return;
      }
      if (code) {
        const expression = ctx.expr(id, `the ${kind} code`, code);
        if (expression) event.code = expression;
      }
      break;
    }
    case "compensate": {
      if (definition.activityRef?.id) event.activityRef = definition.activityRef.id;
      break;
    }
    case "link": {
      if (!definition.name) {
        ctx.problem(id, `Expected link event '${id}' to have a link name, but found none`);
        return;
      }
      event.linkName = definition.name;
      break;
    }
    default:
      break;
  }
  node.event = event;
}

/** Links throw link events to the catch link event of the same name in their scope. */
export function resolveLinks(ctx: CompileContext, children: FlowNode[]): void {
  const catches = new Map<string, FlowNode>();
  for (const node of children) {
    if (node.type !== "INTERMEDIATE_CATCH_EVENT" || node.event?.kind !== "link") continue;
    const name = node.event.linkName!;
    if (catches.has(name)) ctx.problem(node.id, `Expected one catch link event named '${name}' per scope, but found '${catches.get(name)!.id}' and '${node.id}'`);
    catches.set(name, node);
  }
  for (const node of children) {
    if (node.type !== "INTERMEDIATE_THROW_EVENT" || node.event?.kind !== "link") continue;
    const target = catches.get(node.event.linkName!);
    if (!target) ctx.problem(node.id, `Expected a catch link event named '${node.event.linkName}' in the scope of '${node.id}', but found none`);
    else node.linkTarget = target;
  }
}

/** Checks the event-based gateway rule: every outgoing flow leads to a catch event or receive task. */
export function checkEventBasedGateway(ctx: CompileContext, node: FlowNode): void {
  if (node.outgoing.length < 2) {
    ctx.problem(node.id, `Expected event-based gateway '${node.id}' to have at least two outgoing flows, but found ${node.outgoing.length}`);
  }
  for (const flow of node.outgoing) {
    const target = flow.target;
    const ok = target.type === "RECEIVE_TASK" || (target.type === "INTERMEDIATE_CATCH_EVENT" && ["timer", "message", "signal"].includes(target.event?.kind ?? ""));
    if (!ok) ctx.problem(flow.id, `Expected flow '${flow.id}' of event-based gateway '${node.id}' to lead to a timer, message or signal catch event or a receive task, but it leads to '${target.id}' (${target.type})`);
    if (target.incoming.length > 1) ctx.problem(target.id, `Expected '${target.id}' after event-based gateway '${node.id}' to have only that incoming flow, but found ${target.incoming.length}`);
  }
}

/** Message name and correlation key of a catching element (message event or receive task). */
export function compileMessage(ctx: CompileContext, node: FlowNode, message: any, event: EventDefinition, needsCorrelation: boolean): boolean {
  const id = node.id;
  if (!message?.name) {
    ctx.problem(id, `Expected '${id}' to reference a message with a name, but found ${message ? "a message without a name" : "none"}`);
    return false;
  }
  const name = ctx.expr(id, "the message name", message.name);
  if (name) event.name = name;
  if (!needsCorrelation) return true;
  const correlation = extension(message, "zeebe:Subscription")?.correlationKey;
  if (!correlation) {
    ctx.problem(id, `Expected message '${message.name}' caught by '${id}' to have a zeebe:subscription correlationKey, but found none`);
    return false;
  }
  const key = ctx.expr(id, "the correlation key", correlation);
  if (key) event.correlationKey = key;
  return true;
}
