/**
 * The behaviour registry: one entry per supported element type. A missing entry is a compile error
 * (the Record is total over ElementType); an unsupported BPMN element is refused at deploy time by
 * model/compile.ts, naming the element.
 */
import type { ElementType, FlowNode } from "../model/types.js";
import type { ElementBehavior } from "./behavior.js";
import { businessRuleTaskBehavior } from "./business-rule-task.js";
import { endEventBehavior } from "./end-event.js";
import { exclusiveGatewayBehavior } from "./exclusive-gateway.js";
import { inclusiveGatewayBehavior } from "./inclusive-gateway.js";
import { intermediateThrowEventBehavior } from "./intermediate-throw-event.js";
import { manualTaskBehavior } from "./manual-task.js";
import { parallelGatewayBehavior } from "./parallel-gateway.js";
import { processBehavior } from "./process.js";
import { scriptTaskBehavior } from "./script-task.js";
import { sendTaskBehavior } from "./send-task.js";
import { serviceTaskBehavior } from "./service-task.js";
import { startEventBehavior } from "./start-event.js";
import { subProcessBehavior } from "./sub-process.js";
import { taskBehavior } from "./task.js";
import { userTaskBehavior } from "./user-task.js";

const BEHAVIORS: Record<ElementType, ElementBehavior> = {
  PROCESS: processBehavior,
  SUB_PROCESS: subProcessBehavior,
  START_EVENT: startEventBehavior,
  END_EVENT: endEventBehavior,
  INTERMEDIATE_THROW_EVENT: intermediateThrowEventBehavior,
  TASK: taskBehavior,
  MANUAL_TASK: manualTaskBehavior,
  USER_TASK: userTaskBehavior,
  SERVICE_TASK: serviceTaskBehavior,
  SEND_TASK: sendTaskBehavior,
  BUSINESS_RULE_TASK: businessRuleTaskBehavior,
  SCRIPT_TASK: scriptTaskBehavior,
  EXCLUSIVE_GATEWAY: exclusiveGatewayBehavior,
  PARALLEL_GATEWAY: parallelGatewayBehavior,
  INCLUSIVE_GATEWAY: inclusiveGatewayBehavior,
};

export function behaviorOf(node: FlowNode): ElementBehavior {
  return BEHAVIORS[node.type];
}
