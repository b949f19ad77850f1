/**
 * Validates a parsed BPMN model and builds its executable graph in one walk. Every problem is
 * collected (not just the first) and names the element id and what was expected; a model with any
 * problem is refused as a whole.
 */
import type { Problem } from "../errors.js";
import { compileExpression, compileProperty, type Expression } from "../feel.js";
import { computeUpstream } from "./graph.js";
import { isIsoDateTime } from "../shared/dates.js";
import type { ElementType, ExecutableProcess, FlowNode, Mapping, SequenceFlow, UserTaskDefinition } from "./types.js";

const SUPPORTED: Record<string, ElementType> = {
  "bpmn:StartEvent": "START_EVENT",
  "bpmn:EndEvent": "END_EVENT",
  "bpmn:IntermediateThrowEvent": "INTERMEDIATE_THROW_EVENT",
  "bpmn:Task": "TASK",
  "bpmn:ManualTask": "MANUAL_TASK",
  "bpmn:UserTask": "USER_TASK",
  "bpmn:ServiceTask": "SERVICE_TASK",
  "bpmn:SendTask": "SEND_TASK",
  "bpmn:BusinessRuleTask": "BUSINESS_RULE_TASK",
  "bpmn:ScriptTask": "SCRIPT_TASK",
  "bpmn:ExclusiveGateway": "EXCLUSIVE_GATEWAY",
  "bpmn:ParallelGateway": "PARALLEL_GATEWAY",
  "bpmn:InclusiveGateway": "INCLUSIVE_GATEWAY",
  "bpmn:SubProcess": "SUB_PROCESS",
};

/** Ignored by the engine: documentation and data artefacts. */
const IGNORED = new Set(["bpmn:DataObject", "bpmn:DataObjectReference", "bpmn:DataStoreReference", "bpmn:TextAnnotation", "bpmn:Association", "bpmn:Group"]);

const VARIABLE_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

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
    const compiler = new ProcessCompiler(resource, problems);
    const compiled = compiler.compile(process);
    if (compiled) processes.push(compiled);
  }
  return { processes, problems };
}

function extension(element: any, type: string): any | undefined {
  return ((element.extensionElements?.values ?? []) as any[]).find((v) => v.$type === type);
}

class ProcessCompiler {
  private readonly elements = new Map<string, FlowNode>();
  private readonly flows = new Map<string, SequenceFlow>();
  private readonly formIds = new Set<string>();
  /** Flows that carry a condition, even one that did not parse (reported once, not twice). */
  private readonly conditioned = new Set<string>();

  constructor(private readonly resource: string, private readonly problems: Problem[]) {}

  private problem(elementId: string | undefined, message: string): void {
    this.problems.push({ resource: this.resource, ...(elementId ? { elementId } : {}), message });
  }

  compile(process: any): ExecutableProcess | undefined {
    const before = this.problems.length;
    const root: FlowNode = { id: process.id, name: process.name, type: "PROCESS", incoming: [], outgoing: [], inputs: [], outputs: [] };
    this.compileScope(root, process);
    if (this.problems.length > before) return undefined;
    const versionTag = extension(process, "zeebe:VersionTag")?.value as string | undefined;
    return {
      bpmnProcessId: process.id,
      ...(process.name ? { name: process.name } : {}),
      ...(versionTag ? { versionTag } : {}),
      root,
      elements: this.elements,
      flows: this.flows,
      formIds: [...this.formIds],
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
    for (const element of flowElements) {
      if (element.$type === "bpmn:SequenceFlow") this.compileFlow(element, scope);
    }
    const starts = children.filter((c) => c.type === "START_EVENT");
    const where = scope.type === "PROCESS" ? `process '${scope.id}'` : `sub-process '${scope.id}'`;
    if (starts.length === 0) this.problem(scope.id, `Expected ${where} to have a none start event, but found none`);
    else if (starts.length > 1) this.problem(scope.id, `Expected ${where} to have exactly one none start event, but found ${starts.length}: ${starts.map((s) => s.id).join(", ")}`);
    else scope.startEvent = starts[0]!;
    for (const node of children) this.checkNode(node, flowElements.find((e) => e.id === node.id));
    computeUpstream(children);
  }

  private compileNode(element: any, scope: FlowNode): FlowNode | undefined {
    const type = SUPPORTED[element.$type];
    if (!type) {
      this.problem(element.id, `Element kind '${element.$type.replace("bpmn:", "")}' of '${element.id}' is not supported yet`);
      return undefined;
    }
    if (this.elements.has(element.id)) {
      this.problem(element.id, `Expected unique element ids, but found '${element.id}' more than once`);
      return undefined;
    }
    const node: FlowNode = { id: element.id, name: element.name, type, scope, incoming: [], outgoing: [], inputs: [], outputs: [] };
    this.elements.set(node.id, node);
    if (element.loopCharacteristics) {
      this.problem(element.id, `Multi-instance and loop markers on '${element.id}' are not supported yet`);
    }
    const definitions = (element.eventDefinitions ?? []) as any[];
    if (definitions.length > 0) {
      const kinds = definitions.map((d) => d.$type.replace("bpmn:", ""));
      if (type === "END_EVENT" && kinds.length === 1 && kinds[0] === "TerminateEventDefinition") node.terminate = true;
      else this.problem(element.id, `Event definition ${kinds.join(", ")} on '${element.id}' is not supported yet`);
    }
    this.compileMappings(node, element);
    switch (type) {
      case "SUB_PROCESS":
        if (element.triggeredByEvent) this.problem(element.id, `Event sub-process '${element.id}' is not supported yet`);
        else this.compileScope(node, element);
        break;
      case "USER_TASK":
        this.compileUserTask(node, element);
        break;
      case "SERVICE_TASK":
      case "SEND_TASK":
        this.compileJob(node, element, true);
        break;
      case "BUSINESS_RULE_TASK":
        if (extension(element, "zeebe:CalledDecision")) this.problem(element.id, `Business rule task '${element.id}' calls a DMN decision (zeebe:calledDecision), which is not supported yet; use a zeebe:taskDefinition`);
        else this.compileJob(node, element, true);
        break;
      case "SCRIPT_TASK":
        this.compileScript(node, element);
        break;
      default:
        break;
    }
    return node;
  }

  private expr(elementId: string, what: string, source: string | undefined, always = false): Expression | undefined {
    if (source === undefined || source === null || source === "") return undefined;
    try {
      return always ? compileExpression(source) : compileProperty(source);
    } catch (error) {
      this.problem(elementId, `Expected a valid FEEL expression for ${what}, but '${source}' does not parse: ${(error as { reason?: string }).reason ?? (error as Error).message}`);
      return undefined;
    }
  }

  private compileMappings(node: FlowNode, element: any): void {
    const io = extension(element, "zeebe:IoMapping");
    if (!io) return;
    const build = (params: any[], kind: string): Mapping[] =>
      params.flatMap((p) => {
        const target = (p.target ?? "").trim();
        if (!VARIABLE_PATH.test(target)) {
          this.problem(node.id, `Expected ${kind} mapping target of '${node.id}' to be a variable name (like 'amount' or 'customer.name'), but found '${p.target ?? ""}'`);
          return [];
        }
        const source = this.expr(node.id, `the ${kind} mapping '${target}'`, p.source ?? "=null") ?? undefined;
        return source ? [{ source, target: target.split(".") }] : [];
      });
    node.inputs = build(io.inputParameters ?? [], "input");
    node.outputs = build(io.outputParameters ?? [], "output");
  }

  private headers(element: any): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const h of (extension(element, "zeebe:TaskHeaders")?.values ?? []) as any[]) {
      if (h.key) headers[h.key] = h.value ?? "";
    }
    return headers;
  }

  private compileJob(node: FlowNode, element: any, required: boolean): void {
    const def = extension(element, "zeebe:TaskDefinition");
    if (!def || !def.type) {
      if (required) this.problem(node.id, `Expected '${node.id}' to have a zeebe:taskDefinition with a job type, but found ${def ? "an empty type" : "none"}`);
      return;
    }
    const type = this.expr(node.id, "the job type", def.type);
    const retriesSource: string = def.retries ?? "3";
    if (retriesSource.trim() === "" || (!retriesSource.startsWith("=") && !/^\d+$/.test(retriesSource))) {
      this.problem(node.id, `Expected the job retries of '${node.id}' to be a whole number or a FEEL expression, but found '${retriesSource}'`);
      return;
    }
    const retries = this.expr(node.id, "the job retries", retriesSource);
    if (type && retries) node.job = { type, retries, headers: this.headers(element) };
  }

  private compileScript(node: FlowNode, element: any): void {
    const script = extension(element, "zeebe:Script");
    if (script) {
      if (!script.resultVariable || !VARIABLE_PATH.test(script.resultVariable)) {
        this.problem(node.id, `Expected script task '${node.id}' to have a resultVariable, but found '${script.resultVariable ?? ""}'`);
      }
      const expression = this.expr(node.id, "the script", script.expression, true);
      if (!script.expression) this.problem(node.id, `Expected script task '${node.id}' to have a FEEL expression, but found none`);
      if (expression && script.resultVariable) node.script = { expression, resultVariable: script.resultVariable };
      return;
    }
    if (!extension(element, "zeebe:TaskDefinition")) {
      this.problem(node.id, `Expected script task '${node.id}' to have either a zeebe:script or a zeebe:taskDefinition, but found neither`);
      return;
    }
    this.compileJob(node, element, true);
  }

  private compileUserTask(node: FlowNode, element: any): void {
    const id = node.id;
    const assignment = extension(element, "zeebe:AssignmentDefinition");
    const schedule = extension(element, "zeebe:TaskSchedule");
    const priority = extension(element, "zeebe:PriorityDefinition");
    const form = extension(element, "zeebe:FormDefinition");
    const def: UserTaskDefinition = { native: !!extension(element, "zeebe:UserTask"), headers: this.headers(element) };
    const set = (key: "assignee" | "candidateGroups" | "candidateUsers" | "dueDate" | "followUpDate" | "priority" | "externalReference", what: string, source: string | undefined) => {
      const e = this.expr(id, what, source);
      if (e) def[key] = e;
    };
    set("assignee", "the assignee", assignment?.assignee);
    set("candidateGroups", "the candidate groups", assignment?.candidateGroups);
    set("candidateUsers", "the candidate users", assignment?.candidateUsers);
    set("dueDate", "the due date", schedule?.dueDate);
    set("followUpDate", "the follow-up date", schedule?.followUpDate);
    set("priority", "the priority", priority?.priority);
    for (const [label, source] of [["due date", schedule?.dueDate], ["follow-up date", schedule?.followUpDate]] as const) {
      if (source && !source.startsWith("=") && !isIsoDateTime(source)) {
        this.problem(id, `Expected the ${label} of '${id}' to be an ISO 8601 date-time, but found '${source}'`);
      }
    }
    if (priority?.priority && !priority.priority.startsWith("=")) {
      const p = Number(priority.priority);
      if (!Number.isInteger(p) || p < 0 || p > 100) this.problem(id, `Expected the priority of '${id}' to be a whole number from 0 to 100, but found '${priority.priority}'`);
    }
    if (form?.formId) {
      def.formId = form.formId;
      this.formIds.add(form.formId);
    }
    if (form?.formKey) def.formKey = form.formKey;
    if (form?.externalReference) set("externalReference", "the external form reference", form.externalReference);
    node.userTask = def;
  }

  private compileFlow(element: any, scope: FlowNode): void {
    const id = element.id as string;
    const source = element.sourceRef ? this.elements.get(element.sourceRef.id) : undefined;
    const target = element.targetRef ? this.elements.get(element.targetRef.id) : undefined;
    if (!element.sourceRef || !element.targetRef) {
      this.problem(id, `Expected sequence flow '${id}' to connect two elements, but its ${element.sourceRef ? "target" : "source"} is missing`);
      return;
    }
    if (!source || !target) return; // the unsupported element was already reported
    if (source.scope !== scope || target.scope !== scope) {
      this.problem(id, `Expected sequence flow '${id}' to connect elements of the same scope, but it crosses from '${source.id}' to '${target.id}'`);
      return;
    }
    const body = element.conditionExpression?.body as string | undefined;
    if (body !== undefined && body.trim() !== "") this.conditioned.add(id);
    const condition = body !== undefined && body.trim() !== "" ? this.expr(id, "the condition", body.trim(), true) : undefined;
    const flow: SequenceFlow = { id, ...(element.name ? { name: element.name } : {}), source, target, ...(condition ? { condition } : {}) };
    source.outgoing.push(flow);
    target.incoming.push(flow);
    this.flows.set(id, flow);
  }

  private checkNode(node: FlowNode, element: any): void {
    const id = node.id;
    if (node.type === "START_EVENT" && node.incoming.length > 0) this.problem(id, `Expected start event '${id}' to have no incoming sequence flow, but found ${node.incoming.length}`);
    if (node.type === "END_EVENT" && node.outgoing.length > 0) this.problem(id, `Expected end event '${id}' to have no outgoing sequence flow, but found ${node.outgoing.length}`);
    const isGateway = node.type === "EXCLUSIVE_GATEWAY" || node.type === "INCLUSIVE_GATEWAY" || node.type === "PARALLEL_GATEWAY";
    if (element?.default) {
      const flow = node.outgoing.find((f) => f.id === element.default.id);
      if (!flow) this.problem(id, `Expected the default flow '${element.default.id}' of '${id}' to be one of its outgoing flows, but it is not`);
      else node.defaultFlow = flow;
    }
    for (const flow of node.outgoing) {
      if (!flow.condition) continue;
      if (node.type !== "EXCLUSIVE_GATEWAY" && node.type !== "INCLUSIVE_GATEWAY") {
        this.problem(flow.id, `Expected conditions only on flows leaving exclusive or inclusive gateways, but flow '${flow.id}' leaves '${id}' (${node.type})`);
      } else if (flow === node.defaultFlow) {
        this.problem(flow.id, `Expected the default flow '${flow.id}' to have no condition, but it has one`);
      }
    }
    if (!isGateway) return;
    if (node.outgoing.length === 0) {
      this.problem(id, `Expected gateway '${id}' to have at least one outgoing sequence flow, but found none: no way out`);
    }
    if ((node.type === "EXCLUSIVE_GATEWAY" || node.type === "INCLUSIVE_GATEWAY") && node.outgoing.length > 1) {
      for (const flow of node.outgoing) {
        if (!flow.condition && !this.conditioned.has(flow.id) && flow !== node.defaultFlow) {
          this.problem(flow.id, `Expected flow '${flow.id}' leaving gateway '${id}' to have a condition or to be the default flow, but it has neither`);
        }
      }
    }
  }
}
