/**
 * Variable scopes of one process instance with the Camunda 8 rules:
 * - a scope's local variables shadow those of enclosing scopes in expressions;
 * - "propagating" a variable from a scope walks up to the nearest scope that already has a variable
 *   of that name and updates it there; if none has it, it is created in the root scope;
 * - input mappings create local variables; output mappings propagate from the flow scope.
 * Writes go straight to the store (inside the command's transaction) and to the history.
 */
import type { IdGenerator } from "../ids.js";
import type { HistoryRecord, VariableRow } from "../state.js";
import type { SqliteStore } from "../../persistence/sqlite-store.js";
import { setOwn } from "./own.js";

interface Entry {
  key: number;
  value: unknown;
  json: string;
}

export class VariableScopes {
  private readonly scopes = new Map<number, Map<string, Entry>>();

  constructor(
    private readonly store: SqliteStore,
    private readonly ids: IdGenerator,
    private readonly processInstanceKey: number,
    rows: VariableRow[],
    private readonly record: (record: HistoryRecord) => void,
  ) {
    for (const row of rows) this.scope(row.scopeKey).set(row.name, { key: row.key, value: JSON.parse(row.value), json: row.value });
  }

  private scope(scopeKey: number): Map<string, Entry> {
    let scope = this.scopes.get(scopeKey);
    if (!scope) {
      scope = new Map();
      this.scopes.set(scopeKey, scope);
    }
    return scope;
  }

  has(scopeKey: number, name: string): boolean {
    return this.scopes.get(scopeKey)?.has(name) ?? false;
  }

  local(scopeKey: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, entry] of this.scopes.get(scopeKey) ?? []) setOwn(out, name, entry.value);
    return out;
  }

  /** Variables visible from a scope chain (innermost first): inner scopes shadow outer ones. */
  context(chain: readonly number[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let i = chain.length - 1; i >= 0; i--) {
      const scope = this.scopes.get(chain[i]!);
      if (scope) for (const [name, entry] of scope) setOwn(out, name, entry.value);
    }
    return out;
  }

  setLocal(scopeKey: number, name: string, value: unknown): void {
    const json = JSON.stringify(value ?? null);
    const scope = this.scope(scopeKey);
    const existing = scope.get(name);
    if (existing) {
      if (existing.json === json) return;
      existing.value = JSON.parse(json);
      existing.json = json;
      this.store.updateVariable(existing.key, json);
      this.record({ type: "VARIABLE_UPDATED", key: existing.key, name, scopeKey, value: existing.value });
      return;
    }
    const key = this.ids.next();
    scope.set(name, { key, value: JSON.parse(json), json });
    this.store.insertVariable({ key, processInstanceKey: this.processInstanceKey, scopeKey, name, value: json });
    this.record({ type: "VARIABLE_CREATED", key, name, scopeKey, value: JSON.parse(json) });
  }

  /** Sets `name` on the nearest scope of the chain (innermost first) that has it, else on the root. */
  propagate(chain: readonly number[], name: string, value: unknown): void {
    for (const scopeKey of chain) {
      if (this.has(scopeKey, name)) {
        this.setLocal(scopeKey, name, value);
        return;
      }
    }
    this.setLocal(chain[chain.length - 1]!, name, value);
  }

  /** Value currently visible for `name` from the chain, for nested-path merges. */
  visible(chain: readonly number[], name: string): unknown {
    for (const scopeKey of chain) {
      const entry = this.scopes.get(scopeKey)?.get(name);
      if (entry) return entry.value;
    }
    return undefined;
  }

  deleteScope(scopeKey: number): void {
    if (!this.scopes.has(scopeKey)) return;
    this.scopes.delete(scopeKey);
    this.store.deleteVariablesOfScope(scopeKey);
  }
}

/** Returns a copy of `base` (a context or nothing) with `value` set at `path`. */
export function setPath(base: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  const object = base !== null && typeof base === "object" && !Array.isArray(base) ? { ...(base as Record<string, unknown>) } : {};
  setOwn(object, head, setPath(Object.hasOwn(object, head) ? object[head] : undefined, rest, value));
  return object;
}
