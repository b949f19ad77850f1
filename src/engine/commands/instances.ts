/** Process instance commands: create, cancel, set variables. Each runs inside one write-lane command. */
import { EngineError, notFound } from "../errors.js";
import type { DeployedProcess } from "../definitions.js";
import type { Execution } from "../runtime/execution.js";
import { checkVariables } from "./validate.js";

export interface CreateInstanceRequest {
  processDefinitionKey?: number;
  bpmnProcessId?: string;
  /** A specific version of `bpmnProcessId`; latest when omitted. */
  version?: number;
  variables?: Record<string, unknown>;
}

export interface CreatedInstance {
  processInstanceKey: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
  version: number;
  tenantId: string;
}

export function resolveDefinition(rt: Execution, request: CreateInstanceRequest): DeployedProcess {
  const registry = rt.deps.definitions;
  if (request.processDefinitionKey !== undefined) {
    return registry.byKey(request.processDefinitionKey) ?? (() => { throw notFound("process definition", request.processDefinitionKey!); })();
  }
  if (!request.bpmnProcessId) throw new EngineError("INVALID_ARGUMENT", "Expected a processDefinitionKey or a bpmnProcessId, but found neither");
  const found = request.version !== undefined && request.version !== -1 ? registry.version(request.bpmnProcessId, request.version) : registry.latest(request.bpmnProcessId);
  if (!found) {
    throw new EngineError("NOT_FOUND", `Expected to find a deployed process with id '${request.bpmnProcessId}'${request.version !== undefined && request.version !== -1 ? ` and version ${request.version}` : ""}, but none was found`);
  }
  return found;
}

export function createInstance(rt: Execution, request: CreateInstanceRequest): CreatedInstance {
  const variables = checkVariables(request.variables, "variables", rt.limits);
  const definition = resolveDefinition(rt, request);
  const start = definition.process.root.startEvent;
  if (!start) {
    throw new EngineError("INVALID_STATE", `Expected process '${definition.bpmnProcessId}' to have a none start event to create an instance from, but it only starts on events (${definition.process.eventStarts.map((s) => s.id).join(", ")})`);
  }
  const key = rt.nextKey();
  const context = rt.newInstance({
    key, processDefinitionKey: definition.key, bpmnProcessId: definition.bpmnProcessId, version: definition.version, state: "ACTIVE",
    startDate: rt.now, endDate: null, parentProcessInstanceKey: null, parentElementInstanceKey: null, tenantId: "<default>",
  });
  for (const [name, value] of Object.entries(variables)) context.variables.setLocal(key, name, value);
  rt.activateRoot(context, start);
  rt.drain();
  return { processInstanceKey: key, processDefinitionKey: definition.key, bpmnProcessId: definition.bpmnProcessId, version: definition.version, tenantId: "<default>" };
}

export function cancelInstance(rt: Execution, processInstanceKey: number): void {
  const context = rt.instance(processInstanceKey);
  if (context.pi.parentProcessInstanceKey !== null && context.pi.state === "ACTIVE") {
    throw new EngineError("INVALID_STATE", `Expected a root process instance to cancel, but '${processInstanceKey}' was called by '${context.pi.parentProcessInstanceKey}'; cancel the root instance instead`);
  }
  rt.cancelProcess(context);
  rt.drain();
}

/**
 * Sets variables on a scope: the process instance or a live element instance. `local` sets them on
 * that scope only; otherwise they propagate upwards like job completion variables.
 */
export function setVariables(rt: Execution, scopeKey: number, variables: Record<string, unknown>, local: boolean): void {
  checkVariables(variables, "variables", rt.limits);
  const pi = rt.store.processInstance(scopeKey);
  const processInstanceKey = pi ? pi.key : rt.store.elementInstance(scopeKey)?.processInstanceKey;
  if (processInstanceKey === undefined) throw notFound("element instance", scopeKey);
  const context = rt.instance(processInstanceKey);
  const scope = context.element(scopeKey);
  if (!scope || context.pi.state !== "ACTIVE") {
    throw new EngineError("INVALID_STATE", `Expected element instance '${scopeKey}' to be active, but its process instance is ${context.pi.state}`);
  }
  const chain = context.scopeChain(scope);
  for (const [name, value] of Object.entries(variables)) {
    if (local) context.variables.setLocal(scopeKey, name, value);
    else context.variables.propagate(chain, name, value);
  }
  rt.drain();
}
