/**
 * Validates a parsed BPMN model and builds its executable graph in one walk. Every problem is
 * collected (not just the first) and names the element id and what was expected; a model with any
 * problem is refused as a whole. Task details live in compile-tasks.ts, events in compile-events.ts.
 */
import type { Problem } from "../errors.js";
import { CompileContext } from "./compile-context.js";
import { checkEventBasedGateway, compileEvent, compileMessage, resolveLinks } from "./compile-events.js";
import { compileAdHoc, compileCallActivity, compileJob, compileMappings, compileMultiInstance, compileScript, compileUserTask } from "./compile-tasks.js";
import { computeUpstream } from "./graph.js";
import type { ElementType, EventDefinition, ExecutableProcess, FlowNode, SequenceFlow } from "./types.js";

const SUPPORTED: Record<string, ElementType> = {
  "bpmn:StartEvent": "START_EVENT",
  "bpmn:EndEvent": "END_EVENT",
  "bpmn:IntermediateThrowEvent": "INTERMEDIATE_THROW_EVENT",
  "bpmn:IntermediateCatchEvent": "INTERMEDIATE_CATCH_EVENT",
  "bpmn:BoundaryEvent": "BOUNDARY_EVENT",
  "bpmn:Task": "TASK",
  "bpmn:ManualTask": "MANUAL_TASK",
  "bpmn:UserTask": "USER_TASK",
  "bpmn:ServiceTask": "SERVICE_TASK",
  "bpmn:SendTask": "SEND_TASK",
  "bpmn:ReceiveTask": "RECEIVE_TASK",
  "bpmn:BusinessRuleTask": "BUSINESS_RULE_TASK",
  "bpmn:ScriptTask": "SCRIPT_TASK",
  "bpmn:CallActivity": "CALL_ACTIVITY",
  "bpmn:ExclusiveGateway": "EXCLUSIVE_GATEWAY",
  "bpmn:ParallelGateway": "PARALLEL_GATEWAY",
  "bpmn:InclusiveGateway": "INCLUSIVE_GATEWAY",
  "bpmn:EventBasedGateway": "EVENT_BASED_GATEWAY",
  "bpmn:SubProcess": "SUB_PROCESS",
  "bpmn:AdHocSubProcess": "AD_HOC_SUB_PROCESS",
};

/** Ignored by the engine: documentation and data artefacts. */
const IGNORED = new Set(["bpmn:DataObject", "bpmn:DataObjectReference", "bpmn:DataStoreReference", "bpmn:TextAnnotation", "bpmn:Association", "bpmn:Group"]);

const ACTIVITIES = new Set<ElementType>(["TASK", "MANUAL_TASK", "USER_TASK", "SERVICE_TASK", "SEND_TASK", "RECEIVE_TASK", "BUSINESS_RULE_TASK", "SCRIPT_TASK", "CALL_ACTIVITY", "SUB_PROCESS", "AD_HOC_SUB_PROCESS"]);

export function isActivity(node: FlowNode): boolean {
  return ACTIVITIES.has(node.type);
}

export interface CompileResult {
  processes: ExecutableProcess[];
  problems: Problem[];
}

/** Compiles every executable process of a definitions element. */
export function compileDefinitions(resource: string, definitions: any): CompileResult {
  const problems: Problem[] = [];
  const processes: ExecutableProcess[] = [];
  const all = ((definitions.rootElements ?? []) as any[]).filter((e) => e.$type === "bpmn:Process");
  if (all.length === 0) problems.push({ resource, message: "Expected at least one <bpmn:process>, but found none" });
  const executable = all.filter((p) => p.isExecutable === true);
  if (all.length > 0 && executable.length === 0) {
    problems.push({ resource, elementId: all[0].id, message: `Expected at least one executable process (isExecutable="true"), but process '${all[0].id}' is not executable` });
  }
  for (const process of executable) {
    const compiled = new ProcessCompiler(new CompileContext(resource, problems)).compile(process);
    if (compiled) processes.push(compiled);
  }
  return { processes, problems };
}

class ProcessCompiler {
  private readonly elements = new Map<string, FlowNode>();
  private readonly flows = new Map<string, SequenceFlow>();
  private readonly formIds = new Set<string>();
  /** Flows that carry a condition, even one that did not parse (reported once, not twice). */
  private readonly conditioned = new Set<string>();
  private readonly sources = new Map<string, any>();

  constructor(private readonly ctx: CompileContext) {}

  compile(process: any): ExecutableProcess | undefined {
    const before = this.ctx.problems.length;
    const root: FlowNode = { id: process.id, name: process.name, type: "PROCESS", incoming: [], outgoing: [], inputs: [], outputs: [] };
    this.compileScope(root, process);
    this.linkCompensation(process);
    if (this.ctx.problems.length > before) return undefined;
    const versionTag = ((process.extensionElements?.values ?? []) as any[]).find((v) => v.$type === "zeebe:VersionTag")?.value as string | undefined;
    return {
      bpmnProcessId: process.id,
      ...(process.name ? { name: process.name } : {}),
      ...(versionTag ? { versionTag } : {}),
      root,
      elements: this.elements,
      flows: this.flows,
      formIds: [...this.formIds],
      eventStarts: (root.children ?? []).filter((c) => c.type === "START_EVENT" && c.event),
    };
  }

  private compileScope(scope: FlowNode, source: any): void {
    const children: FlowNode[] = [];
    const flowElements = (source.flowElements ?? []) as any[];
    for (const element of flowElements) {
      if (element.$type === "bpmn:SequenceFlow" || IGNORED.has(element.$type)) continue;
      const node = this.compileNode(element, scope);
      if (node) children.push(node);
    }
    scope.children = children;
    scope.eventSubProcesses = children.filter((c) => c.type === "EVENT_SUB_PROCESS");
    for (const element of flowElements) {
      if (element.$type === "bpmn:SequenceFlow") this.compileFlow(element, scope);
    }
    this.attachBoundaries(children);
    this.checkStarts(scope, children);
    for (const node of children) this.checkNode(node, this.sources.get(node.id));
    resolveLinks(this.ctx, children);
    computeUpstream(children);
  }

  private checkStarts(scope: FlowNode, children: FlowNode[]): void {
    const starts = children.filter((c) => c.type === "START_EVENT");
    const noneStarts = starts.filter((s) => !s.event);
    const where = scope.type === "PROCESS" ? `process '${scope.id}'` : `${scope.type === "EVENT_SUB_PROCESS" ? "event sub-process" : "sub-process"} '${scope.id}'`;
    if (scope.type === "AD_HOC_SUB_PROCESS") {
      if (starts.length > 0) this.ctx.problem(scope.id, `Expected ad-hoc sub-process '${scope.id}' to have no start event, but found ${starts.map((s) => s.id).join(", ")}`);
      if (children.some((c) => c.type === "END_EVENT")) this.ctx.problem(scope.id, `Expected ad-hoc sub-process '${scope.id}' to have no end event, but found one`);
      if (!children.some((c) => isActivity(c))) this.ctx.problem(scope.id, `Expected ad-hoc sub-process '${scope.id}' to have at least one activity, but found none`);
      return;
    }
    if (scope.type === "EVENT_SUB_PROCESS") {
      if (starts.length !== 1 || !starts[0]!.event) this.ctx.problem(scope.id, `Expected ${where} to have exactly one start event with an event definition, but found ${starts.length === 1 ? "a none start event" : starts.length}`);
      else scope.startEvent = starts[0]!;
      return;
    }
    if (starts.length === 0) this.ctx.problem(scope.id, `Expected ${where} to have a start event, but found none`);
    else if (noneStarts.length > 1) this.ctx.problem(scope.id, `Expected ${where} to have at most one none start event, but found ${noneStarts.length}: ${noneStarts.map((s) => s.id).join(", ")}`);
    else if (noneStarts.length === 1) scope.startEvent = noneStarts[0]!;
  }

  private compileNode(element: any, scope: FlowNode): FlowNode | undefined {
    let type = SUPPORTED[element.$type];
    if (type === "SUB_PROCESS" && element.triggeredByEvent) type = "EVENT_SUB_PROCESS";
    if (!type) {
      this.ctx.problem(element.id, `Element kind '${element.$type.replace("bpmn:", "")}' of '${element.id}' is not supported yet`);
      return undefined;
    }
    if (this.elements.has(element.id)) {
      this.ctx.problem(element.id, `Expected unique element ids, but found '${element.id}' more than once`);
      return undefined;
    }
    const node: FlowNode = { id: element.id, name: element.name, type, scope, incoming: [], outgoing: [], inputs: [], outputs: [] };
    this.elements.set(node.id, node);
    this.sources.set(node.id, element);
    if (element.isForCompensation) node.forCompensation = true;
    if (element.loopCharacteristics) compileMultiInstance(this.ctx, node, element);
    compileMappings(this.ctx, node, element);
    switch (type) {
      case "START_EVENT":
      case "END_EVENT":
      case "INTERMEDIATE_THROW_EVENT":
      case "INTERMEDIATE_CATCH_EVENT":
      case "BOUNDARY_EVENT":
        if (type === "BOUNDARY_EVENT") node.interrupting = element.cancelActivity !== false;
        if (type === "START_EVENT" && scope.type === "EVENT_SUB_PROCESS") node.interrupting = element.isInterrupting !== false;
        compileEvent(this.ctx, node, element);
        break;
      case "SUB_PROCESS":
      case "EVENT_SUB_PROCESS":
      case "AD_HOC_SUB_PROCESS":
        if (type === "AD_HOC_SUB_PROCESS") compileAdHoc(this.ctx, node, element);
        this.compileScope(node, element);
        break;
      case "USER_TASK":
        compileUserTask(this.ctx, node, element, this.formIds);
        break;
      case "SERVICE_TASK":
      case "SEND_TASK":
        compileJob(this.ctx, node, element);
        break;
      case "RECEIVE_TASK": {
        const event: EventDefinition = { kind: "message" };
        if (compileMessage(this.ctx, node, element.messageRef, event, true)) node.event = event;
        break;
      }
      case "BUSINESS_RULE_TASK":
        if (((element.extensionElements?.values ?? []) as any[]).some((v) => v.$type === "zeebe:CalledDecision")) {
          this.ctx.problem(element.id, `Business rule task '${element.id}' calls a DMN decision (zeebe:calledDecision), which is not supported yet; use a zeebe:taskDefinition`);
        } else compileJob(this.ctx, node, element);
        break;
      case "SCRIPT_TASK":
        compileScript(this.ctx, node, element);
        break;
      case "CALL_ACTIVITY":
        compileCallActivity(this.ctx, node, element);
        break;
      default:
        break;
    }
    return node;
  }

  private attachBoundaries(children: FlowNode[]): void {
    for (const node of children) {
      if (node.type !== "BOUNDARY_EVENT") continue;
      const ref = this.sources.get(node.id)?.attachedToRef;
      const host = ref ? this.elements.get(ref.id) : undefined;
      if (!host || host.scope !== node.scope || !isActivity(host)) {
        this.ctx.problem(node.id, `Expected boundary event '${node.id}' to be attached to an activity of its scope, but found ${ref ? `'${ref.id}'` : "none"}`);
        continue;
      }
      node.attachedTo = host;
      (host.boundaryEvents ??= []).push(node);
      if (node.incoming.length > 0) this.ctx.problem(node.id, `Expected boundary event '${node.id}' to have no incoming flow, but found ${node.incoming.length}`);
    }
  }

  /** A compensation boundary event is associated (not flow-connected) with its handler activity. */
  private linkCompensation(process: any): void {
    const associations: any[] = [];
    const collect = (container: any) => {
      for (const a of (container.artifacts ?? []) as any[]) if (a.$type === "bpmn:Association") associations.push(a);
      for (const e of (container.flowElements ?? []) as any[]) if (e.flowElements) collect(e);
    };
    collect(process);
    for (const node of this.elements.values()) {
      if (node.type !== "BOUNDARY_EVENT" || node.event?.kind !== "compensate") continue;
      const association = associations.find((a) => a.sourceRef?.id === node.id);
      const handler = association ? this.elements.get(association.targetRef?.id) : undefined;
      if (!handler || !handler.forCompensation) {
        this.ctx.problem(node.id, `Expected compensation boundary event '${node.id}' to be associated with a compensation handler (an activity marked isForCompensation), but found ${handler ? `'${handler.id}', which is not one` : "none"}`);
        continue;
      }
      if (node.outgoing.length > 0) this.ctx.problem(node.id, `Expected compensation boundary event '${node.id}' to have no outgoing flow, but found ${node.outgoing.length}`);
      if (node.attachedTo) node.attachedTo.compensationHandler = handler;
    }
  }

  private compileFlow(element: any, scope: FlowNode): void {
    const id = element.id as string;
    const source = element.sourceRef ? this.elements.get(element.sourceRef.id) : undefined;
    const target = element.targetRef ? this.elements.get(element.targetRef.id) : undefined;
    if (!element.sourceRef || !element.targetRef) {
      this.ctx.problem(id, `Expected sequence flow '${id}' to connect two elements, but its ${element.sourceRef ? "target" : "source"} is missing`);
      return;
    }
    if (!source || !target) return; // the unsupported element was already reported
    if (source.scope !== scope || target.scope !== scope) {
      this.ctx.problem(id, `Expected sequence flow '${id}' to connect elements of the same scope, but it crosses from '${source.id}' to '${target.id}'`);
      return;
    }
    const body = element.conditionExpression?.body as string | undefined;
    if (body !== undefined && body.trim() !== "") this.conditioned.add(id);
    const condition = body !== undefined && body.trim() !== "" ? this.ctx.expr(id, "the condition", body.trim(), true) : undefined;
    const flow: SequenceFlow = { id, ...(element.name ? { name: element.name } : {}), source, target, ...(condition ? { condition } : {}) };
    source.outgoing.push(flow);
    target.incoming.push(flow);
    this.flows.set(id, flow);
  }

  private checkNode(node: FlowNode, element: any): void {
    const id = node.id;
    const ctx = this.ctx;
    if (node.type === "START_EVENT" && node.incoming.length > 0) ctx.problem(id, `Expected start event '${id}' to have no incoming sequence flow, but found ${node.incoming.length}`);
    if (node.type === "END_EVENT" && node.outgoing.length > 0) ctx.problem(id, `Expected end event '${id}' to have no outgoing sequence flow, but found ${node.outgoing.length}`);
    if (node.type === "EVENT_SUB_PROCESS" && (node.incoming.length > 0 || node.outgoing.length > 0)) ctx.problem(id, `Expected event sub-process '${id}' to have no incoming or outgoing sequence flows, but it has some`);
    if (node.type === "EVENT_BASED_GATEWAY") checkEventBasedGateway(ctx, node);
    if (node.forCompensation && (node.incoming.length > 0 || node.outgoing.length > 0)) ctx.problem(id, `Expected compensation handler '${id}' to have no sequence flows, but it has ${node.incoming.length + node.outgoing.length}`);
    const isGateway = node.type === "EXCLUSIVE_GATEWAY" || node.type === "INCLUSIVE_GATEWAY" || node.type === "PARALLEL_GATEWAY";
    if (element?.default) {
      const flow = node.outgoing.find((f) => f.id === element.default.id);
      if (!flow) ctx.problem(id, `Expected the default flow '${element.default.id}' of '${id}' to be one of its outgoing flows, but it is not`);
      else node.defaultFlow = flow;
    }
    for (const flow of node.outgoing) {
      if (!flow.condition) continue;
      if (node.type !== "EXCLUSIVE_GATEWAY" && node.type !== "INCLUSIVE_GATEWAY") {
        ctx.problem(flow.id, `Expected conditions only on flows leaving exclusive or inclusive gateways, but flow '${flow.id}' leaves '${id}' (${node.type})`);
      } else if (flow === node.defaultFlow) {
        ctx.problem(flow.id, `Expected the default flow '${flow.id}' to have no condition, but it has one`);
      }
    }
    if (!isGateway) return;
    if (node.outgoing.length === 0) {
      ctx.problem(id, `Expected gateway '${id}' to have at least one outgoing sequence flow, but found none: no way out`);
    }
    if ((node.type === "EXCLUSIVE_GATEWAY" || node.type === "INCLUSIVE_GATEWAY") && node.outgoing.length > 1) {
      for (const flow of node.outgoing) {
        if (!flow.condition && !this.conditioned.has(flow.id) && flow !== node.defaultFlow) {
          ctx.problem(flow.id, `Expected flow '${flow.id}' leaving gateway '${id}' to have a condition or to be the default flow, but it has neither`);
        }
      }
    }
  }
}
