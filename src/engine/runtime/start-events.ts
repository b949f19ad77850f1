/**
 * Process start events with a timer, message or signal: their subscriptions belong to the latest
 * version of a process id. Deploying a new version withdraws those of the previous one and opens the
 * new version's (a timer start keeps no memory of the old version's schedule, as in Camunda).
 */
import { EngineError } from "../errors.js";
import type { ExecutableProcess } from "../model/types.js";
import type { SubscriptionRow } from "../state.js";
import type { SqliteStore } from "../../persistence/sqlite-store.js";
import type { IdGenerator } from "../ids.js";
import { timerDue } from "./subscriptions.js";

export function replaceStartSubscriptions(store: SqliteStore, ids: IdGenerator, now: number, definitionKey: number, process: ExecutableProcess): number {
  for (const old of store.events.startSubscriptions(process.bpmnProcessId)) store.events.delete(old.key);
  let opened = 0;
  for (const start of process.eventStarts) {
    const event = start.event!;
    const row: SubscriptionRow = {
      key: ids.next(), kind: event.kind === "timer" ? "TIMER" : event.kind === "message" ? "MESSAGE" : "SIGNAL",
      processDefinitionKey: definitionKey, bpmnProcessId: process.bpmnProcessId, processInstanceKey: null, elementInstanceKey: null,
      elementId: start.id, name: null, correlationKey: null, dueDate: null, cycle: null, repetitions: null, interrupting: true, createdAt: now,
    };
    const expression = event.kind === "timer" ? event.timer!.expression : event.name!;
    const value = expression.evaluate({}, now);
    if (!value.ok) throw new EngineError("INVALID_BPMN", `Expected the start event '${start.id}' of '${process.bpmnProcessId}' to evaluate without variables, but it failed: ${value.message}`);
    if (event.kind === "timer") {
      const due = timerDue(event.timer!.type, value.value, now);
      if (typeof due === "string") throw new EngineError("INVALID_BPMN", `Expected the timer of start event '${start.id}' to be ${due}`);
      Object.assign(row, due);
    } else {
      if (typeof value.value !== "string" || value.value === "") throw new EngineError("INVALID_BPMN", `Expected the ${event.kind} name of start event '${start.id}' to be a non-empty string`);
      row.name = value.value;
    }
    store.events.insert(row);
    opened++;
  }
  return opened;
}
