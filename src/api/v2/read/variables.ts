/** Variables as the /v2 API shows them: values are JSON text; long values are cut in searches. */
import type { SearchSpec } from "../search/query.js";
import type { SqlSearchSpec } from "../search/sql-search.js";
import { TENANT, wireKey } from "../wire.js";
import type { Row, Sql } from "./sql.js";

export interface VariableView {
  key: number;
  processInstanceKey: number;
  scopeKey: number;
  name: string;
  value: string;
}

const TRUNCATE_AT = 8191;

export function variableRows(sql: Sql, where: { key?: number; process_instance_key?: number; scope_key?: number; name?: string }): VariableView[] {
  return sql.select("variable", where).map(toVariableView);
}

export const toVariableView = (r: Row): VariableView => ({ key: r.key, processInstanceKey: r.process_instance_key, scopeKey: r.scope_key, name: r.name, value: r.value });

export function variableWire(v: VariableView) {
  return {
    variableKey: wireKey(v.key), name: v.name, value: v.value, scopeKey: wireKey(v.scopeKey), processInstanceKey: wireKey(v.processInstanceKey),
    rootProcessInstanceKey: wireKey(v.processInstanceKey), tenantId: TENANT,
  };
}

export function variableSearchWire(v: VariableView) {
  const truncated = v.value.length > TRUNCATE_AT;
  return { ...variableWire(v), value: truncated ? v.value.slice(0, TRUNCATE_AT) : v.value, isTruncated: truncated };
}

export const variableSearch: SearchSpec<VariableView> = {
  filter: {
    variableKey: { kind: "key", get: (v) => v.key },
    name: { kind: "string", get: (v) => v.name },
    value: { kind: "string", get: (v) => v.value },
    scopeKey: { kind: "key", get: (v) => v.scopeKey },
    processInstanceKey: { kind: "key", get: (v) => v.processInstanceKey },
    tenantId: { kind: "string", get: () => TENANT },
    isTruncated: { kind: "bool", get: (v) => v.value.length > TRUNCATE_AT },
  },
  sort: {
    value: (v) => v.value, name: (v) => v.name, tenantId: () => TENANT, variableKey: (v) => v.key, scopeKey: (v) => v.scopeKey,
    processInstanceKey: (v) => v.processInstanceKey,
  },
  defaultSort: (v) => v.key,
};

/** variableSearch in SQL (sql-search.ts); `$like` on values reads their first SEARCH_LIKE_VALUE_PREFIX characters. */
export const variableSqlSearch: SqlSearchSpec = {
  from: "variable v",
  select: "v.key, v.process_instance_key, v.scope_key, v.name, v.value",
  filter: {
    variableKey: { kind: "key", expr: "v.key" },
    name: { kind: "string", expr: "v.name" },
    value: { kind: "string", expr: "v.value" },
    scopeKey: { kind: "key", expr: "v.scope_key" },
    processInstanceKey: { kind: "key", expr: "v.process_instance_key" },
    tenantId: { kind: "string", expr: `'${TENANT}'` },
    isTruncated: { kind: "bool", expr: `(length(v.value) > ${TRUNCATE_AT})` },
  },
  sort: { value: "v.value", name: "v.name", tenantId: `'${TENANT}'`, variableKey: "v.key", scopeKey: "v.scope_key", processInstanceKey: "v.process_instance_key" },
  key: "v.key",
};
