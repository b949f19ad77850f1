/**
 * The behaviour registry: one entry per supported element type. A missing entry is a compile error
 * (the Record is total over ElementType); an unsupported BPMN element is refused at deploy time by
 * model/compile.ts, naming the element.
 */
import type { ElementType } from "../model/types.js";
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
import { intermediateCatchEventBehavior } from "./intermediate-catch-event.js";
import { boundaryEventBehavior } from "./boundary-event.js";
import { eventSubProcessBehavior } from "./event-sub-process.js";
import { eventBasedGatewayBehavior } from "./event-based-gateway.js";
import { receiveTaskBehavior } from "./receive-task.js";
import { callActivityBehavior } from "./call-activity.js";
import { adHocSubProcessBehavior } from "./ad-hoc-sub-process.js";
import { multiInstanceBodyBehavior } from "./multi-instance-body.js";

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
  INTERMEDIATE_CATCH_EVENT: intermediateCatchEventBehavior,
  BOUNDARY_EVENT: boundaryEventBehavior,
  EVENT_SUB_PROCESS: eventSubProcessBehavior,
  EVENT_BASED_GATEWAY: eventBasedGatewayBehavior,
  RECEIVE_TASK: receiveTaskBehavior,
  CALL_ACTIVITY: callActivityBehavior,
  AD_HOC_SUB_PROCESS: adHocSubProcessBehavior,
  MULTI_INSTANCE_BODY: multiInstanceBodyBehavior,
};

export function behaviorOf(element: { elementType: ElementType }): ElementBehavior {
  return BEHAVIORS[element.elementType];
}
