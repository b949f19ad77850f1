/**
 * CALL_ACTIVITY — starts an instance of the called process (id FEEL-able; binding latest or by
 * version tag) in the same transaction and waits for it. The child gets the parent's visible
 * variables (propagateAllParentVariables, default) or only the input mappings' locals. When the
 * child completes, its variables come back (propagateAllChildVariables, default) or only through
 * the output mappings. Terminating the call activity cancels the child; errors the child does not
 * catch are looked up in the parent (shared/throw.ts).
 */
import { describeValue } from "../feel.js";
import type { Execution } from "../runtime/execution.js";
import type { InstanceContext } from "../runtime/instance.js";
import type { ElementBehavior } from "./behavior.js";

export const callActivityBehavior: ElementBehavior = {
  activate(rt, context, element) {
    const called = element.node.calledElement!;
    const id = rt.evaluate(context, element, called.processId);
    if (!id.ok || typeof id.value !== "string" || id.value === "") {
      rt.raiseIncident(context, element, "EXTRACT_VALUE_ERROR", `Expected the called process id of '${element.elementId}' to be a non-empty string, but found ${id.ok ? describeValue(id.value) : id.message}`);
      return;
    }
    const registry = rt.deps.definitions;
    const definition = called.bindingType === "versionTag" ? registry.byVersionTag(id.value, called.versionTag!) : registry.latest(id.value);
    if (!definition || !definition.process.root.startEvent) {
      const what = called.bindingType === "versionTag" ? ` with version tag '${called.versionTag}'` : "";
      rt.raiseIncident(context, element, "CALLED_ELEMENT_ERROR", `Expected process with BPMN process id '${id.value}'${what} to be deployed with a none start event, but ${definition ? "it has none" : "it is not deployed"}`);
      return;
    }
    const variables = called.propagateAllParentVariables ? context.context(element) : context.variables.local(element.key);
    rt.transition(context, element, "ACTIVATED");
    const key = rt.nextKey();
    element.data = { ...element.data, childKey: key };
    const child = rt.newInstance({
      key, processDefinitionKey: definition.key, bpmnProcessId: definition.bpmnProcessId, version: definition.version, state: "ACTIVE",
      startDate: rt.now, endDate: null, parentProcessInstanceKey: context.pi.key, parentElementInstanceKey: element.key, tenantId: "<default>",
    });
    for (const [name, value] of Object.entries(variables)) child.variables.setLocal(key, name, value);
    rt.record(context.pi.key, { type: "CALLED_PROCESS_STARTED", elementId: element.elementId, elementInstanceKey: element.key, processInstanceKey: key, bpmnProcessId: definition.bpmnProcessId, version: definition.version });
    rt.activateRoot(child, definition.process.root.startEvent);
  },
  terminate(rt, _context, element) {
    const childKey = element.data?.["childKey"];
    if (typeof childKey !== "number") return;
    const child = rt.instance(childKey);
    if (child.root.state === "ACTIVATED") rt.cancelProcess(child);
  },
};

/** A called instance completed: its call activity continues with the child's variables. */
export function childInstanceCompleted(rt: Execution, child: InstanceContext): void {
  const parent = rt.instance(child.pi.parentProcessInstanceKey!);
  const callActivity = parent.element(child.pi.parentElementInstanceKey!);
  if (!callActivity || callActivity.state !== "ACTIVATED") return;
  const variables = child.variables.local(child.pi.key);
  const called = callActivity.node.calledElement!;
  rt.complete(parent, callActivity, called.propagateAllChildVariables || callActivity.node.outputs.length > 0 ? variables : undefined);
}
