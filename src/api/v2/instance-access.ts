/**
 * Which process instances a caller may work on (`instances.work`: set variables, open ad-hoc
 * activities). Roles that see every task (`tasks.all`) or operate instances (`instances.operate`)
 * may work on any; others — agents — only on an instance in which they see a user task, the same
 * rule as the inbox's. For the others an instance answers exactly like an unknown key (404), so
 * keys cannot be probed.
 */
import type { Engine } from "../../engine/engine.js";
import { notFound } from "../../engine/errors.js";
import type { Principal } from "../../identity/identity.js";
import { can } from "../auth/guard.js";
import { seesInstance } from "./read/tasks.js";

/**
 * Throws the engine's own 404 for `key` (a live element instance, or a process instance as its own
 * scope) unless the caller may work on its process instance. Call it before reading the body, so
 * that no validation message tells an existing key from an unknown one.
 */
export function checkWorkable(engine: Engine, principal: Principal, key: number): void {
  if (can(principal, "tasks.all") || can(principal, "instances.operate")) return;
  const processInstanceKey = engine.processInstance(key)?.key ?? engine.store.elementInstance(key)?.processInstanceKey;
  if (processInstanceKey === undefined || !seesInstance(engine, principal, processInstanceKey)) throw notFound("element instance", key);
}
