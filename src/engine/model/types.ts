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
  | "INCLUSIVE_GATEWAY"
  | "INTERMEDIATE_CATCH_EVENT"
  | "BOUNDARY_EVENT"
  | "EVENT_SUB_PROCESS"
  | "EVENT_BASED_GATEWAY"
  | "RECEIVE_TASK"
  | "CALL_ACTIVITY"
  | "AD_HOC_SUB_PROCESS"
  | "MULTI_INSTANCE_BODY";

export type EventKind = "timer" | "message" | "signal" | "error" | "escalation" | "link" | "compensate" | "terminate";

export interface TimerDefinition {
  type: "duration" | "date" | "cycle";
  expression: Expression;
}

/** One event definition of an event (Camunda 8 allows at most one per event). */
export interface EventDefinition {
  kind: EventKind;
  timer?: TimerDefinition;
  /** Message or signal name (FEEL-able). */
  name?: Expression;
  /** zeebe:subscription correlationKey (FEEL). */
  correlationKey?: Expression;
  /** Error or escalation code; undefined on a catch event = catch all. FEEL-able on throw events. */
  code?: Expression;
  /** Link name. */
  linkName?: string;
  /** Compensation throw: only this activity (all compensable activities of the scope when absent). */
  activityRef?: string;
}

export interface MultiInstanceDefinition {
  sequential: boolean;
  inputCollection?: Expression;
  inputElement?: string;
  outputCollection?: string;
  outputElement?: Expression;
  completionCondition?: Expression;
}

export interface CalledElementDefinition {
  processId: Expression;
  propagateAllChildVariables: boolean;
  propagateAllParentVariables: boolean;
  bindingType: "latest" | "deployment" | "versionTag";
  versionTag?: string;
}

export interface AdHocDefinition {
  activeElementsCollection?: Expression;
  completionCondition?: Expression;
  cancelRemainingInstances: boolean;
  outputCollection?: string;
  outputElement?: Expression;
}

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
  /** The event definition of an event, if it has one. */
  event?: EventDefinition;
  /** Boundary events: interrupting (cancelActivity); event sub-process start events: isInterrupting. */
  interrupting?: boolean;
  /** Boundary events: the activity they are attached to. */
  attachedTo?: FlowNode;
  /** Activities: their boundary events. */
  boundaryEvents?: FlowNode[];
  /** Scopes: their event sub-processes (children that no flow reaches). */
  eventSubProcesses?: FlowNode[];
  /** Activities with multi-instance characteristics. */
  multiInstance?: MultiInstanceDefinition;
  calledElement?: CalledElementDefinition;
  adHoc?: AdHocDefinition;
  /** The compensation handler of an activity (associated with its compensation boundary event). */
  compensationHandler?: FlowNode;
  /** An activity that is a compensation handler (isForCompensation): no flows, run by compensation only. */
  forCompensation?: boolean;
  /** Intermediate throw link events: the catch link event of the same name in the same scope. */
  linkTarget?: FlowNode;
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
  /** Start events of the process that have a timer, message or signal definition. */
  readonly eventStarts: FlowNode[];
}
