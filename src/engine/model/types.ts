/**
 * The executable form of a deployed process: what the interpreter walks. Built once per process
 * definition by compile.ts; immutable afterwards.
 */
import type { Expression } from "../feel.js";

/** Element type names as the Camunda 8 API writes them. */
export type ElementType =
  | "PROCESS"
  | "SUB_PROCESS"
  | "START_EVENT"
  | "END_EVENT"
  | "INTERMEDIATE_THROW_EVENT"
  | "TASK"
  | "MANUAL_TASK"
  | "USER_TASK"
  | "SERVICE_TASK"
  | "SEND_TASK"
  | "BUSINESS_RULE_TASK"
  | "SCRIPT_TASK"
  | "EXCLUSIVE_GATEWAY"
  | "PARALLEL_GATEWAY"
  | "INCLUSIVE_GATEWAY";

export interface Mapping {
  source: Expression;
  /** Target variable path, e.g. `customer.name`. */
  target: string[];
}

export interface JobDefinition {
  type: Expression;
  retries: Expression;
  headers: Record<string, string>;
}

export interface UserTaskDefinition {
  /** true for `zeebe:userTask` (Camunda user task), false for the job-based legacy form. */
  native: boolean;
  assignee?: Expression;
  candidateGroups?: Expression;
  candidateUsers?: Expression;
  dueDate?: Expression;
  followUpDate?: Expression;
  priority?: Expression;
  formId?: string;
  formKey?: string;
  externalReference?: Expression;
  headers: Record<string, string>;
}

export interface ScriptDefinition {
  expression: Expression;
  resultVariable: string;
}

export interface SequenceFlow {
  readonly id: string;
  readonly name?: string;
  readonly source: FlowNode;
  readonly target: FlowNode;
  readonly condition?: Expression;
}

export interface FlowNode {
  readonly id: string;
  readonly name?: string;
  readonly type: ElementType;
  /** Enclosing scope (process or sub-process); undefined only for the process itself. */
  readonly scope?: FlowNode;
  readonly incoming: SequenceFlow[];
  readonly outgoing: SequenceFlow[];
  defaultFlow?: SequenceFlow;
  inputs: Mapping[];
  outputs: Mapping[];
  terminate?: boolean;
  job?: JobDefinition;
  userTask?: UserTaskDefinition;
  script?: ScriptDefinition;
  /** Scopes only. */
  children?: FlowNode[];
  startEvent?: FlowNode;
  /**
   * Converging inclusive gateways only: for each incoming flow id, the ids of the sibling elements
   * from which that flow can still be reached without passing through the gateway.
   */
  upstream?: Map<string, Set<string>>;
}

export interface ExecutableProcess {
  readonly bpmnProcessId: string;
  readonly name?: string;
  readonly versionTag?: string;
  readonly root: FlowNode;
  readonly elements: Map<string, FlowNode>;
  readonly flows: Map<string, SequenceFlow>;
  /** Form ids linked from user tasks (`zeebe:formDefinition formId`). */
  readonly formIds: string[];
}
