/**
 * Operating running instances: activate elements of an ad-hoc sub-process on demand, modify an
 * instance (activate elements, terminate element instances), migrate it to another version. Each
 * refuses what it cannot honour and says why, before changing anything.
 */
import { EngineError, notFound } from "../errors.js";
import type { Execution } from "../runtime/execution.js";
import type { InstanceContext, RuntimeElement } from "../runtime/instance.js";
import { activatable } from "../behaviors/ad-hoc-sub-process.js";
import { closeSubscriptions, reopenSubscriptions } from "../runtime/subscriptions.js";
import type { DeployedProcess } from "../definitions.js";
import { checkVariables } from "./validate.js";
import { checkCollection } from "../limits.js";

function liveElement(rt: Execution, key: number): { context: InstanceContext; element: RuntimeElement } {
  const row = rt.store.elementInstance(key);
  if (!row) throw notFound("element instance", key);
  const context = rt.instance(row.processInstanceKey);
  return { context, element: context.element(key)! };
}

export interface AdHocActivation {
  elements: Array<{ elementId: string; variables?: Record<string, unknown> }>;
  cancelRemainingInstances?: boolean;
}

export function activateAdHocElements(rt: Execution, adHocKey: number, request: AdHocActivation): void {
  const { context, element } = liveElement(rt, adHocKey);
  if (element.elementType !== "AD_HOC_SUB_PROCESS") {
    throw new EngineError("INVALID_ARGUMENT", `Expected element instance '${adHocKey}' to be an ad-hoc sub-process, but it is a ${element.elementType}`);
  }
  if (element.state !== "ACTIVATED") throw new EngineError("INVALID_STATE", `Expected ad-hoc sub-process '${adHocKey}' to be active, but it is ${element.state}`);
  if (!Array.isArray(request.elements) || request.elements.length === 0) throw new EngineError("INVALID_ARGUMENT", "Expected at least one element to activate, but found none");
  checkCollection(rt.limits, request.elements.length, "the elements to activate");
  for (const item of request.elements) {
    if (!activatable(element, item.elementId)) {
      throw new EngineError("INVALID_ARGUMENT", `Expected '${item.elementId}' to be an element of ad-hoc sub-process '${element.elementId}' that can be activated, but it is not`);
    }
    checkVariables(item.variables, "variables", rt.limits);
  }
  if (request.cancelRemainingInstances) for (const child of context.children(element.key)) rt.terminate(context, child);
  for (const item of request.elements) {
    const node = element.node.children!.find((c) => c.id === item.elementId)!;
    const activated = rt.activate(context, node, element);
    for (const [name, value] of Object.entries(item.variables ?? {})) context.variables.setLocal(activated.key, name, value);
  }
  rt.drain();
}

export interface ModifyRequest {
  activateInstructions?: Array<{ elementId: string; ancestorElementInstanceKey?: number; variableInstructions?: Array<{ variables: Record<string, unknown>; scopeId?: string }> }>;
  terminateInstructions?: Array<{ elementInstanceKey: number }>;
}

export function modifyInstance(rt: Execution, processInstanceKey: number, request: ModifyRequest): void {
  const context = rt.instance(processInstanceKey);
  if (context.root.state !== "ACTIVATED") throw new EngineError("INVALID_STATE", `Expected process instance '${processInstanceKey}' to be active, but it is ${context.pi.state}`);
  const activations = request.activateInstructions ?? [];
  const terminations = request.terminateInstructions ?? [];
  checkCollection(rt.limits, activations.length + terminations.length, "the modification's instructions");
  // Check everything first: a refused modification changes nothing.
  const plans = activations.map((a) => {
    const node = context.process.elements.get(a.elementId);
    if (!node || node.type === "START_EVENT" && node.scope?.type === "EVENT_SUB_PROCESS" || node.type === "BOUNDARY_EVENT") {
      throw new EngineError("INVALID_ARGUMENT", `Expected '${a.elementId}' to be an element of '${context.pi.bpmnProcessId}' that can be activated, but ${node ? "it is a " + node.type : "it does not exist"}`);
    }
    const scopeNode = node.scope!;
    let scope: RuntimeElement | undefined;
    if (scopeNode.type === "PROCESS") scope = context.root;
    else if (a.ancestorElementInstanceKey !== undefined) scope = context.element(a.ancestorElementInstanceKey);
    else {
      // The scope's live instances (a multi-instance body is not a scope of its activity's children).
      const candidates = [...context.elements.values()].filter((e) => e.node === scopeNode && e.state === "ACTIVATED" && e.elementType !== "MULTI_INSTANCE_BODY");
      if (candidates.length > 1) {
        throw new EngineError("INVALID_ARGUMENT", `Expected one active instance of '${scopeNode.id}' to activate '${a.elementId}' in, but found ${candidates.length} (${candidates.map((c) => c.key).join(", ")}); name one as ancestorElementInstanceKey`);
      }
      scope = candidates[0];
    }
    if (!scope || scope.node !== scopeNode || scope.state !== "ACTIVATED" || scope.elementType === "MULTI_INSTANCE_BODY") {
      throw new EngineError("INVALID_ARGUMENT", `Expected an active instance of '${scopeNode.id}' to activate '${a.elementId}' in, but found none; activate the enclosing sub-process first`);
    }
    return { node, scope, variables: a.variableInstructions ?? [] };
  });
  const targets = terminations.map((t) => {
    const element = context.element(t.elementInstanceKey);
    if (!element || element === context.root) throw new EngineError("INVALID_ARGUMENT", `Expected '${t.elementInstanceKey}' to be a live element instance of process instance '${processInstanceKey}', but it is not`);
    return element;
  });
  for (const plan of plans) {
    for (const instruction of plan.variables) {
      checkVariables(instruction.variables, "variables", rt.limits);
      const scope = instruction.scopeId ? [...context.elements.values()].find((e) => e.elementId === instruction.scopeId && e.state === "ACTIVATED") : context.root;
      if (!scope) throw new EngineError("INVALID_ARGUMENT", `Expected an active scope '${instruction.scopeId}' for the variables, but found none`);
      for (const [name, value] of Object.entries(instruction.variables)) context.variables.setLocal(scope.key, name, value);
    }
    rt.activate(context, plan.node, plan.scope);
  }
  for (const element of targets) {
    const scope = context.element(element.flowScopeKey);
    rt.terminate(context, element);
    if (scope) rt.schedule(() => rt.checkScopeCompletion(context, scope));
  }
  rt.record(processInstanceKey, { type: "PROCESS_INSTANCE_MODIFIED", activated: activations.map((a) => a.elementId), terminated: terminations.map((t) => t.elementInstanceKey) });
  rt.drain();
}

export interface MigrateRequest {
  targetProcessDefinitionKey: number;
  mappingInstructions: Array<{ sourceElementId: string; targetElementId: string }>;
}

/**
 * Moves a running instance to another version of its process. Every live element must be mapped to
 * an element of the same type whose enclosing scope is the mapping of its own; instances with tokens
 * waiting at a join are refused. Jobs, user tasks and variables stay; waits for events are reopened
 * for the target model.
 */
export function migrateInstance(rt: Execution, processInstanceKey: number, request: MigrateRequest): void {
  const context = rt.instance(processInstanceKey);
  if (context.root.state !== "ACTIVATED") throw new EngineError("INVALID_STATE", `Expected process instance '${processInstanceKey}' to be active, but it is ${context.pi.state}`);
  const target = rt.deps.definitions.byKey(request.targetProcessDefinitionKey);
  if (!target) throw notFound("process definition", request.targetProcessDefinitionKey);
  if (target.bpmnProcessId !== context.pi.bpmnProcessId) {
    throw new EngineError("INVALID_ARGUMENT", `Expected a version of '${context.pi.bpmnProcessId}' as migration target, but '${target.key}' is '${target.bpmnProcessId}'`);
  }
  const mapping = new Map((request.mappingInstructions ?? []).map((m) => [m.sourceElementId, m.targetElementId]));
  const problems: string[] = [];
  if (context.joinTokens.length > 0) problems.push(`tokens wait at converging gateway(s) ${[...new Set(context.joinTokens.map((t) => t.gatewayId))].join(", ")}; complete the branches first`);
  const live = [...context.elements.values()].filter((e) => e !== context.root);
  for (const element of live) {
    const targetId = mapping.get(element.elementId);
    const node = targetId ? target.process.elements.get(targetId) : undefined;
    if (!targetId) problems.push(`active element '${element.elementId}' has no mapping`);
    else if (!node) problems.push(`'${element.elementId}' is mapped to '${targetId}', which does not exist in version ${target.version}`);
    else if (node.type !== element.node.type || !!node.multiInstance !== !!element.node.multiInstance) problems.push(`'${element.elementId}' (${element.node.type}) is mapped to '${targetId}' (${node.type}): the types differ`);
    else {
      const sourceScope = element.node.scope!;
      const expectedScope = sourceScope.type === "PROCESS" ? target.process.root.id : mapping.get(sourceScope.id);
      if (node.scope!.id !== expectedScope) problems.push(`'${element.elementId}' is mapped to '${targetId}', whose enclosing scope '${node.scope!.id}' is not the mapping of '${sourceScope.id}'`);
    }
  }
  if (problems.length > 0) throw new EngineError("INVALID_ARGUMENT", `Expected a migration plan that can be honoured, but: ${problems.join("; ")}`);
  applyMigration(rt, context, target, mapping);
  for (const element of [...context.elements.values()]) {
    if (element.state === "ACTIVATED") reopenSubscriptions(rt, context, element);
  }
  rt.drain();
}

/** Moves a live instance to another version, element by element (validated by the caller). */
function applyMigration(rt: Execution, context: InstanceContext, target: DeployedProcess, mapping: Map<string, string>): void {
  const from = { processDefinitionKey: context.pi.processDefinitionKey, version: context.pi.version };
  const moved = new Map<number, string>();
  for (const element of context.elements.values()) {
    if (element === context.root) continue;
    closeSubscriptions(rt, element);
    const targetId = mapping.get(element.elementId)!;
    element.elementId = targetId;
    element.node = target.process.elements.get(targetId)!;
    context.touch(element);
    moved.set(element.key, targetId);
  }
  closeSubscriptions(rt, context.root);
  context.process = target.process;
  context.root.node = target.process.root;
  context.root.elementId = target.process.bpmnProcessId;
  context.pi.processDefinitionKey = target.key;
  context.pi.version = target.version;
  rt.store.migrateProcessInstance(context.pi.key, target.key, target.version, moved);
  rt.record(context.pi.key, { type: "PROCESS_INSTANCE_MIGRATED", from, to: { processDefinitionKey: target.key, version: target.version }, elements: Object.fromEntries(mapping) });
}

