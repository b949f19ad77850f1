/**
 * Every /v2 operation Dossier serves, written out by hand: a test checks this list against the
 * mounted routes, both ways. `pending` operations answer 501 until the engine can do them.
 */
export interface Operation {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  /** Request body schema name ("multipart:" prefix for uploads, "search" for search requests). */
  body?: string;
  /** Success status and its schema (none for 204, "xml" for XML). */
  ok: [number, string?];
  pending?: boolean;
}

type Row = [Operation["method"], string, string, string, string, string | undefined, number, string?];

const ROWS: Array<[string, Row[]]> = [
  ["Cluster", [
    ["GET", "/topology", "getTopology", "", "The cluster topology (one embedded broker)", undefined, 200, "TopologyResponse"],
    ["GET", "/status", "getStatus", "", "204 when the server is up; no sign-in needed", undefined, 204],
    ["GET", "/authentication/me", "getAuthentication", "", "The signed-in user", undefined, 200, "CamundaUserResult"],
    ["POST", "/expression/evaluation", "evaluateExpression", "", "Evaluates a FEEL expression", "ExpressionEvaluationRequest", 200, "ExpressionEvaluationResult"],
  ]],
  ["Resource", [
    ["POST", "/deployments", "createDeployment", "", "Deploys .bpmn and .form resources (all or nothing)", "multipart:DeploymentRequest", 200, "DeploymentResult"],
  ]],
  ["Process definition", [
    ["POST", "/process-definitions/search", "searchProcessDefinitions", "", "Searches process definitions", "search", 200, "ProcessDefinitionSearchQueryResult"],
    ["GET", "/process-definitions/{processDefinitionKey}", "getProcessDefinition", "", "A process definition", undefined, 200, "ProcessDefinitionResult"],
    ["GET", "/process-definitions/{processDefinitionKey}/xml", "getProcessDefinitionXml", "", "The BPMN XML of a process definition", undefined, 200, "xml"],
    ["GET", "/process-definitions/{processDefinitionKey}/form", "getStartProcessForm", "", "The start form (204: start forms are not supported yet)", undefined, 204],
  ]],
  ["Process instance", [
    ["POST", "/process-instances", "createProcessInstance", "", "Starts a process instance, optionally waiting for its end (awaitCompletion)", "ProcessInstanceCreationInstruction", 200, "CreateProcessInstanceResult"],
    ["POST", "/process-instances/search", "searchProcessInstances", "", "Searches process instances", "search", 200, "ProcessInstanceSearchQueryResult"],
    ["GET", "/process-instances/{processInstanceKey}", "getProcessInstance", "", "A process instance", undefined, 200, "ProcessInstanceResult"],
    ["POST", "/process-instances/{processInstanceKey}/cancellation", "cancelProcessInstance", "", "Cancels a process instance", undefined, 204],
    ["POST", "/process-instances/{processInstanceKey}/incident-resolution", "resolveProcessInstanceIncidents", "", "Resolves every incident of the instance (a job out of retries gets one more)", undefined, 200, "BatchOperationCreatedResult"],
    ["POST", "/process-instances/{processInstanceKey}/incidents/search", "searchProcessInstanceIncidents", "", "Searches the incidents of a process instance", "search", 200, "IncidentSearchQueryResult"],
    ["POST", "/process-instances/{processInstanceKey}/modification", "modifyProcessInstance", "", "Activates elements and terminates element instances (by key or element id)", "ProcessInstanceModificationInstruction", 204],
    ["POST", "/process-instances/{processInstanceKey}/migration", "migrateProcessInstance", "", "Moves the instance to another version, element by element", "ProcessInstanceMigrationInstruction", 204],
    ["GET", "/process-instances/{processInstanceKey}/call-hierarchy", "getProcessInstanceCallHierarchy", "", "The calling instances, root first", undefined, 200, "CallHierarchy"],
  ]],
  ["Element instance", [
    ["POST", "/element-instances/search", "searchElementInstances", "", "Searches element instances (live and finished)", "search", 200, "ElementInstanceSearchQueryResult"],
    ["GET", "/element-instances/{elementInstanceKey}", "getElementInstance", "", "An element instance", undefined, 200, "ElementInstanceResult"],
    ["PUT", "/element-instances/{elementInstanceKey}/variables", "createElementInstanceVariables", "", "Sets variables on an element instance's scope (or a process instance's); local: that scope only, otherwise where each already exists up the chain, else on the process", "SetVariableRequest", 204],
    ["POST", "/element-instances/ad-hoc-activities/{adHocSubProcessInstanceKey}/activation", "activateAdHocSubProcessActivities", "", "Activates elements of an active ad-hoc sub-process (each with its local variables), optionally cancelling those still running", "AdHocSubProcessActivateActivitiesInstruction", 204],
  ]],
  ["Variable", [
    ["POST", "/variables/search", "searchVariables", "", "Searches variables (long values are cut: isTruncated)", "search", 200, "VariableSearchQueryResult"],
    ["GET", "/variables/{variableKey}", "getVariable", "", "A variable with its full value", undefined, 200, "VariableResult"],
  ]],
  ["User task", [
    ["POST", "/user-tasks/search", "searchUserTasks", "", "Searches the user tasks the caller may see", "search", 200, "UserTaskSearchQueryResult"],
    ["GET", "/user-tasks/{userTaskKey}", "getUserTask", "", "A user task", undefined, 200, "UserTaskResult"],
    ["POST", "/user-tasks/{userTaskKey}/assignment", "assignUserTask", "", "Assigns a user task (to others: tasks.assign)", "UserTaskAssignmentRequest", 204],
    ["DELETE", "/user-tasks/{userTaskKey}/assignee", "unassignUserTask", "", "Unassigns a user task", undefined, 204],
    ["POST", "/user-tasks/{userTaskKey}/completion", "completeUserTask", "", "Completes a user task with variables", "UserTaskCompletionRequest", 204],
    ["GET", "/user-tasks/{userTaskKey}/form", "getUserTaskForm", "", "The linked form (204 when none)", undefined, 200, "FormResult"],
    ["POST", "/user-tasks/{userTaskKey}/variables/search", "searchUserTaskVariables", "", "Variables visible from the task", "search", 200, "VariableSearchQueryResult"],
  ]],
  ["Job", [
    ["POST", "/jobs/activation", "activateJobs", "", "Activates jobs; waits up to requestTimeout for some (long polling)", "JobActivationRequest", 200, "JobActivationResult"],
    ["POST", "/jobs/{jobKey}/completion", "completeJob", "", "Completes a job with variables", "JobCompletionRequest", 204],
    ["POST", "/jobs/{jobKey}/failure", "failJob", "", "Fails a job (retries, retryBackOff ms)", "JobFailRequest", 204],
    ["POST", "/jobs/{jobKey}/error", "throwJobError", "", "Throws a BPMN error from a job", "JobErrorRequest", 204],
    ["PATCH", "/jobs/{jobKey}", "updateJob", "", "Updates the retries of a job", "JobUpdateRequest", 204],
    ["POST", "/jobs/search", "searchJobs", "", "Searches jobs", "search", 200, "JobSearchQueryResult"],
  ]],
  ["Incident", [
    ["POST", "/incidents/search", "searchIncidents", "", "Searches incidents", "search", 200, "IncidentSearchQueryResult"],
    ["GET", "/incidents/{incidentKey}", "getIncident", "", "An incident", undefined, 200, "IncidentResult"],
    ["POST", "/incidents/{incidentKey}/resolution", "resolveIncident", "", "Resolves an incident (retries what failed)", undefined, 204],
  ]],
  ["Message and signal", [
    ["POST", "/messages/publication", "publishMessage", "", "Publishes a message (buffered for timeToLive ms)", "MessagePublicationRequest", 200, "MessagePublicationResult"],
    ["POST", "/messages/correlation", "correlateMessage", "", "Correlates a message to a waiting instance (404 when none waits)", "MessageCorrelationRequest", 200, "MessageCorrelationResult"],
    ["POST", "/signals/broadcast", "broadcastSignal", "", "Broadcasts a signal", "SignalBroadcastRequest", 200, "SignalBroadcastResult"],
  ]],
  ["Clock", [
    ["PUT", "/clock", "pinClock", "", "Pins the engine clock (due timers fire)", "ClockPinRequest", 204],
    ["POST", "/clock/reset", "resetClock", "", "Lets the engine clock run again", undefined, 204],
  ]],
  ["User", [
    ["POST", "/users", "createUser", "", "Creates a user", "UserRequest", 201, "UserResult"],
    ["POST", "/users/search", "searchUsers", "", "Searches users", "search", 200, "UserSearchQueryResult"],
    ["GET", "/users/{username}", "getUser", "", "A user", undefined, 200, "UserResult"],
    ["PUT", "/users/{username}", "updateUser", "", "Changes a user (anyone may change their own account; a new password of your own needs currentPassword; a new password ends the user's other sessions and API tokens)", "UserUpdateRequest", 200, "UserResult"],
    ["DELETE", "/users/{username}", "deleteUser", "", "Deletes a user, their tokens and sessions", undefined, 204],
  ]],
  ["Group", [
    ["POST", "/groups", "createGroup", "", "Creates a group", "GroupCreateRequest", 201, "GroupResult"],
    ["POST", "/groups/search", "searchGroups", "", "Searches groups", "search", 200, "GroupSearchQueryResult"],
    ["GET", "/groups/{groupId}", "getGroup", "", "A group", undefined, 200, "GroupResult"],
    ["PUT", "/groups/{groupId}", "updateGroup", "", "Changes a group", "GroupUpdateRequest", 200, "GroupResult"],
    ["DELETE", "/groups/{groupId}", "deleteGroup", "", "Deletes a group", undefined, 204],
    ["PUT", "/groups/{groupId}/users/{username}", "assignUserToGroup", "", "Adds a user to a group", undefined, 204],
    ["DELETE", "/groups/{groupId}/users/{username}", "unassignUserFromGroup", "", "Removes a user from a group", undefined, 204],
    ["POST", "/groups/{groupId}/users/search", "searchUsersForGroup", "", "Members of a group", "search", 200, "MemberSearchQueryResult"],
  ]],
  ["Role", [
    ["POST", "/roles/search", "searchRoles", "", "The built-in roles", "search", 200, "RoleSearchQueryResult"],
    ["GET", "/roles/{roleId}", "getRole", "", "A role", undefined, 200, "RoleResult"],
    ["PUT", "/roles/{roleId}/users/{username}", "assignRoleToUser", "", "Gives a user a role", undefined, 204],
    ["DELETE", "/roles/{roleId}/users/{username}", "unassignRoleFromUser", "", "Takes a role from a user", undefined, 204],
    ["POST", "/roles/{roleId}/users/search", "searchUsersForRole", "", "Users holding a role directly", "search", 200, "MemberSearchQueryResult"],
    ["PUT", "/roles/{roleId}/groups/{groupId}", "assignRoleToGroup", "", "Gives a group a role", undefined, 204],
    ["DELETE", "/roles/{roleId}/groups/{groupId}", "unassignRoleFromGroup", "", "Takes a role from a group", undefined, 204],
    ["POST", "/roles/{roleId}/groups/search", "searchGroupsForRole", "", "Groups holding a role", "search", 200, "MemberSearchQueryResult"],
  ]],
  ["Documentation", [
    ["GET", "/openapi.json", "getOpenApiDocument", "", "This document", undefined, 200, "any"],
  ]],
];

export const OPERATIONS: Operation[] = ROWS.flatMap(([tag, rows]) =>
  rows.map(([method, path, operationId, , summary, body, status, schema]) => ({
    method, path, operationId, tag, summary, ...(body ? { body } : {}), ok: [status, schema] as [number, string?],
    ...(summary.startsWith("Not supported yet") ? { pending: true } : {}),
  })),
);
