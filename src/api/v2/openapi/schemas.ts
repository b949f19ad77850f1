/** Component schemas of the /v2 document: the shapes Dossier reads and writes (Camunda 8.9 names). */
import { any, arr, bool, date, int, key, long, map, nullable, obj, oneOf, ref, req, str, type Schema } from "./dsl.js";

const tenant = { tenantId: str };
const tags = { tags: arr(str) };
const page = { page: ref("SearchQueryPageResponse") };
const search = (item: string): Schema => obj({ items: arr(ref(item)), ...page });
const filterProperty = { description: "A value (equality) or an object of operators: $eq $neq $exists $in $notIn $like, or for numbers and dates $gt $gte $lt $lte" };

export const SCHEMAS: Record<string, Schema> = {
  ProblemDetail: obj({ type: str, title: str, status: int, detail: str, instance: str }),
  SearchQueryRequest: req({
    filter: { type: "object", additionalProperties: filterProperty },
    sort: arr(req({ field: str, order: oneOf("ASC", "DESC") }, ["field"])),
    page: req({ from: int, limit: int, after: str, before: str }),
  }),
  SearchQueryPageResponse: obj({ totalItems: long, hasMoreTotalItems: bool, startCursor: nullable(str), endCursor: nullable(str) }),
  TopologyResponse: obj({
    brokers: arr(obj({ nodeId: int, host: str, port: int, version: str, partitions: arr(obj({ partitionId: int, role: oneOf("leader", "follower", "inactive"), health: oneOf("healthy", "unhealthy", "dead") })) })),
    clusterId: nullable(str), clusterSize: int, partitionsCount: int, replicationFactor: int, gatewayVersion: str, lastCompletedChangeId: str,
  }),
  CamundaUserResult: obj({
    username: str, displayName: nullable(str), email: nullable(str), authorizedComponents: arr(str), tenants: arr(any), groups: arr(str), roles: arr(str),
    salesPlanType: nullable(str), c8Links: map(str), canLogout: bool,
  }),
  ExpressionEvaluationRequest: req({ expression: str, variables: map(any), ...tenant }, ["expression"]),
  ExpressionEvaluationResult: obj({ expression: str, result: any, warnings: arr(obj({ message: str })) }),
  DeploymentRequest: { type: "object", properties: { resources: arr({ type: "string", format: "binary" }), tenantId: str }, required: ["resources"] },
  DeploymentResult: obj({
    deploymentKey: key, ...tenant,
    deployments: arr(obj({
      processDefinition: nullable(obj({ processDefinitionId: str, processDefinitionVersion: int, resourceName: str, ...tenant, processDefinitionKey: key })),
      decisionDefinition: { type: "null" }, decisionRequirements: { type: "null" },
      form: nullable(obj({ formId: str, version: int, resourceName: str, ...tenant, formKey: key })),
      resource: { type: "null" },
    })),
  }),
  ProcessDefinitionResult: obj({
    processDefinitionKey: key, processDefinitionId: str, name: nullable(str), version: int, versionTag: nullable(str), resourceName: str, ...tenant,
    hasStartForm: bool, state: oneOf("ACTIVE", "DRAINING", "DELETED"),
  }),
  FormResult: obj({ formKey: key, formId: str, version: long, schema: str, ...tenant }),
  ProcessInstanceCreationInstruction: req({
    processDefinitionId: str, processDefinitionKey: key, processDefinitionVersion: int, variables: map(any), ...tenant, awaitCompletion: bool,
    requestTimeout: long, fetchVariables: arr(str), operationReference: long,
  }),
  CreateProcessInstanceResult: obj({
    processInstanceKey: key, processDefinitionKey: key, processDefinitionId: str, processDefinitionVersion: int, ...tenant, variables: map(any), ...tags,
    businessId: nullable(str),
  }),
  ProcessInstanceResult: obj({
    processInstanceKey: key, processDefinitionKey: key, processDefinitionId: str, processDefinitionName: nullable(str), processDefinitionVersion: int,
    processDefinitionVersionTag: nullable(str), startDate: date, endDate: nullable(date), state: oneOf("ACTIVE", "COMPLETED", "TERMINATED"),
    hasIncident: bool, ...tenant, parentProcessInstanceKey: nullable(key), parentElementInstanceKey: nullable(key), rootProcessInstanceKey: nullable(key),
    ...tags, businessId: nullable(str),
  }),
  BatchOperationCreatedResult: obj({ batchOperationKey: str, batchOperationType: str }),
  ElementInstanceResult: obj({
    elementInstanceKey: key, processInstanceKey: key, rootProcessInstanceKey: nullable(key), processDefinitionKey: key, processDefinitionId: str,
    elementId: str, elementName: str, type: str, state: oneOf("ACTIVE", "COMPLETED", "TERMINATED"), startDate: date, endDate: nullable(date),
    hasIncident: bool, incidentKey: nullable(key), ...tenant,
  }),
  VariableResult: obj({ variableKey: key, name: str, value: { type: "string", description: "The value as JSON text" }, scopeKey: key, processInstanceKey: key, rootProcessInstanceKey: nullable(key), ...tenant }),
  VariableSearchResult: obj({ variableKey: key, name: str, value: str, isTruncated: bool, scopeKey: key, processInstanceKey: key, rootProcessInstanceKey: nullable(key), ...tenant }),
  UserTaskResult: obj({
    userTaskKey: key, name: nullable(str), state: str, assignee: nullable(str), elementId: str, elementInstanceKey: key, candidateGroups: arr(str),
    candidateUsers: arr(str), processDefinitionId: str, processDefinitionKey: key, processDefinitionVersion: int, processName: nullable(str),
    processInstanceKey: key, rootProcessInstanceKey: nullable(key), creationDate: date, completionDate: nullable(date), dueDate: nullable(date),
    followUpDate: nullable(date), priority: int, formKey: nullable(key), externalFormReference: nullable(str), customHeaders: map(str), ...tenant, ...tags,
  }),
  UserTaskAssignmentRequest: req({ assignee: str, allowOverride: bool, action: str }, ["assignee"]),
  UserTaskCompletionRequest: req({ variables: map(any), action: str }),
  JobActivationRequest: req({ type: str, worker: str, timeout: long, maxJobsToActivate: int, fetchVariable: arr(str), requestTimeout: long, tenantIds: arr(str) }, ["type", "timeout", "maxJobsToActivate"]),
  ActivatedJobResult: obj({
    jobKey: key, type: str, processInstanceKey: key, rootProcessInstanceKey: nullable(key), processDefinitionKey: key, processDefinitionId: str,
    processDefinitionVersion: int, elementId: str, elementInstanceKey: key, customHeaders: map(any), worker: str, retries: int, deadline: long,
    variables: map(any), ...tenant, kind: str, listenerEventType: str, userTask: { type: "null" }, ...tags,
  }),
  JobActivationResult: obj({ jobs: arr(ref("ActivatedJobResult")) }),
  JobCompletionRequest: req({ variables: map(any) }),
  JobFailRequest: req({ retries: int, errorMessage: str, retryBackOff: long, variables: map(any) }),
  JobErrorRequest: req({ errorCode: str, errorMessage: str, variables: map(any) }, ["errorCode"]),
  JobUpdateRequest: req({ changeset: req({ retries: int }) }, ["changeset"]),
  JobSearchResult: obj({
    jobKey: key, type: str, state: str, kind: str, listenerEventType: str, retries: int, worker: str, deadline: nullable(date), errorMessage: nullable(str),
    errorCode: nullable(str), customHeaders: map(str), hasFailedWithRetriesLeft: bool, isDenied: { type: "null" }, deniedReason: { type: "null" },
    endTime: nullable(date), processInstanceKey: key, rootProcessInstanceKey: nullable(key), elementInstanceKey: key, elementId: str,
    processDefinitionKey: key, processDefinitionId: str, ...tenant, creationTime: nullable(date), lastUpdateTime: nullable(date),
  }),
  IncidentResult: obj({
    incidentKey: key, state: str, errorType: str, errorMessage: str, processInstanceKey: key, rootProcessInstanceKey: nullable(key),
    processDefinitionKey: key, processDefinitionId: str, elementInstanceKey: key, elementId: str, jobKey: nullable(key), creationTime: date, ...tenant,
  }),
  ProcessInstanceModificationInstruction: req({
    activateInstructions: arr(req({ elementId: str, ancestorElementInstanceKey: key, variableInstructions: arr(req({ variables: map(any), scopeId: str }, ["variables"])) }, ["elementId"])),
    terminateInstructions: arr(req({ elementInstanceKey: key, elementId: str })),
  }),
  SetVariableRequest: req({ variables: map(any), local: bool }, ["variables"]),
  AdHocSubProcessActivateActivitiesInstruction: req({
    elements: arr(req({ elementId: str, variables: map(any) }, ["elementId"])), cancelRemainingInstances: bool,
  }, ["elements"]),
  ProcessInstanceMigrationInstruction: req({ targetProcessDefinitionKey: key, mappingInstructions: arr(obj({ sourceElementId: str, targetElementId: str })) }, ["targetProcessDefinitionKey", "mappingInstructions"]),
  CallHierarchy: arr(obj({ processInstanceKey: key, processDefinitionKey: key, processDefinitionName: str })),
  MessagePublicationRequest: req({ name: str, correlationKey: str, timeToLive: long, messageId: str, variables: map(any), ...tenant }, ["name"]),
  MessagePublicationResult: obj({ messageKey: key, ...tenant }),
  MessageCorrelationRequest: req({ name: str, correlationKey: str, variables: map(any), ...tenant }, ["name"]),
  MessageCorrelationResult: obj({ messageKey: key, processInstanceKey: key, ...tenant }),
  SignalBroadcastRequest: req({ signalName: str, variables: map(any), ...tenant }, ["signalName"]),
  SignalBroadcastResult: obj({ signalKey: key, ...tenant }),
  ClockPinRequest: req({ timestamp: long }, ["timestamp"]),
  UserRequest: req({ username: str, password: { ...str, minLength: 8 }, name: str, email: str }, ["username", "password"]),
  UserUpdateRequest: req({
    password: { ...str, minLength: 8, description: "A new password; ends the user's other sessions and all their API tokens" },
    currentPassword: { ...str, description: "Required with a new password of your own (not when an administrator resets someone else's)" },
    name: str, email: str,
  }),
  UserResult: obj({ username: str, name: nullable(str), email: nullable(str) }),
  GroupCreateRequest: req({ groupId: str, name: str, description: str }, ["groupId", "name"]),
  GroupUpdateRequest: req({ name: str, description: str }, ["name"]),
  GroupResult: obj({ groupId: str, name: str, description: nullable(str) }),
  RoleResult: obj({ roleId: str, name: str, description: nullable(str) }),
  MemberResult: req({ username: str, groupId: str }),
  ProcessDefinitionSearchQueryResult: search("ProcessDefinitionResult"),
  ProcessInstanceSearchQueryResult: search("ProcessInstanceResult"),
  ElementInstanceSearchQueryResult: search("ElementInstanceResult"),
  VariableSearchQueryResult: search("VariableSearchResult"),
  UserTaskSearchQueryResult: search("UserTaskResult"),
  JobSearchQueryResult: search("JobSearchResult"),
  IncidentSearchQueryResult: search("IncidentResult"),
  UserSearchQueryResult: search("UserResult"),
  GroupSearchQueryResult: search("GroupResult"),
  RoleSearchQueryResult: search("RoleResult"),
  MemberSearchQueryResult: search("MemberResult"),
};
