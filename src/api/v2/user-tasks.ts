/**
 * User tasks: search, get, assignment, unassignment, completion, form, variables. A caller sees
 * and acts only on tasks assigned to them, offered to them or to one of their groups, unless the
 * role allows all (`tasks.all`); a hidden task answers 404, as if it did not exist. Assigning to
 * someone else, or taking a task from someone, needs `tasks.assign`.
 */
import { Router, type Response } from "express";
import type { Principal } from "../../identity/identity.js";
import { ApiError } from "../errors.js";
import { allow, can, principalOf } from "../auth/guard.js";
import type { V2Context } from "./context.js";
import { formWire } from "./read/definitions.js";
import { numericKey } from "./read/sql.js";
import {
  canSee, taskProjectionSource, taskProjectionSqlSearch, taskRows, taskSearch, taskSqlSearch, taskWire, toTaskView, visibleSql, type TaskView,
} from "./read/tasks.js";
import { variableRows, variableSearch, variableSearchWire, type VariableView } from "./read/variables.js";
import { exact, parseSearch, runSearch } from "./search/query.js";
import { compileSqlSearch } from "./search/sql-search.js";
import { body, keyParam, optBool, optString, optVariables } from "./wire.js";

const withoutKey = (o: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));

export function userTaskRoutes({ engine, sql, searchLimits }: V2Context): Router {
  const router = Router();
  const wire = taskWire(engine);

  /** The task, if the caller may see it. */
  function visibleTask(res: Response, key: number): { task: TaskView; me: Principal } {
    const me = principalOf(res);
    const [task] = taskRows(sql, { key });
    if (!task || !canSee(me, task)) throw new ApiError("NOT_FOUND", `Expected to find a user task with key '${key}', but none was found`);
    return { task, me };
  }

  function mayActOn(me: Principal, task: TaskView, action: string): void {
    if (task.assignee && task.assignee !== me.username && !can(me, "tasks.assign")) {
      throw new ApiError("FORBIDDEN", `Expected user task '${task.key}' to be assigned to '${me.username}' or to nobody to ${action} it, but it is assigned to '${task.assignee}'`);
    }
  }

  router.post("/user-tasks/search", allow("tasks.read"), (req, res) => {
    const me = principalOf(res);
    const search = parseSearch(req.body, taskSearch, searchLimits); // validates; the SQL form runs it when it can
    const state = exact(search.filter, "state");
    const stateName = typeof state === "string" ? state : undefined;
    // The inbox's searches: from the candidate projection's covering index, then only the page's rows.
    const source = taskProjectionSource(me, search.filter, stateName);
    const projected = source && compileSqlSearch({ ...(req.body as object), filter: withoutKey(search.filter, "candidateGroup") }, taskProjectionSqlSearch, searchLimits);
    if (source && projected) {
      const found = projected.run(sql, { ...source, countInline: true });
      const keys = found.items.map((r) => r["key"] as number);
      const byKey = new Map(keys.length ? sql.all(`SELECT * FROM user_task WHERE key IN (${keys.map(() => "?").join(", ")})`, ...keys).map((r) => [r["key"] as number, r]) : []);
      const items = keys.flatMap((k) => (byKey.has(k) ? [wire(toTaskView(byKey.get(k)!))] : []));
      return void res.json({ items, page: found.page });
    }
    const compiled = compileSqlSearch(req.body, taskSqlSearch, searchLimits);
    if (compiled) {
      const visible = visibleSql(me, stateName);
      const found = compiled.run(sql, visible ? { where: visible.where, params: visible.params } : {});
      return void res.json({ items: found.items.map((r) => wire(toTaskView(r))), page: found.page });
    }
    const assignee = exact(search.filter, "assignee");
    const rows = taskRows(sql, {
      key: numericKey(exact(search.filter, "userTaskKey")),
      state: typeof state === "string" ? state : undefined,
      assignee: typeof assignee === "string" ? assignee : undefined,
      process_instance_key: numericKey(exact(search.filter, "processInstanceKey")),
      element_instance_key: numericKey(exact(search.filter, "elementInstanceKey")),
    });
    res.json(runSearch(rows.filter((t) => canSee(me, t)), search, wire));
  });

  router.get("/user-tasks/:userTaskKey", allow("tasks.read"), (req, res) => {
    res.json(wire(visibleTask(res, keyParam(req, "userTaskKey")).task));
  });

  router.post("/user-tasks/:userTaskKey/completion", allow("tasks.work"), async (req, res) => {
    const { task, me } = visibleTask(res, keyParam(req, "userTaskKey"));
    mayActOn(me, task, "complete");
    const b = body(req);
    optString(b, "action");
    await engine.completeUserTask(task.key, optVariables(b));
    res.status(204).end();
  });

  router.post("/user-tasks/:userTaskKey/assignment", allow("tasks.work"), async (req, res) => {
    const { task, me } = visibleTask(res, keyParam(req, "userTaskKey"));
    const b = body(req);
    const assignee = optString(b, "assignee");
    if (!assignee) throw new ApiError("INVALID_ARGUMENT", "Expected an 'assignee', but found none");
    const allowOverride = optBool(b, "allowOverride") ?? true;
    if (assignee !== me.username && !can(me, "tasks.assign")) {
      throw new ApiError("FORBIDDEN", `Expected to assign user task '${task.key}' to yourself ('${me.username}'), but found '${assignee}': assigning to others needs the permission 'tasks.assign'`);
    }
    mayActOn(me, task, "claim");
    await engine.assignUserTask(task.key, assignee, { allowOverride });
    res.status(204).end();
  });

  router.delete("/user-tasks/:userTaskKey/assignee", allow("tasks.work"), async (req, res) => {
    const { task, me } = visibleTask(res, keyParam(req, "userTaskKey"));
    mayActOn(me, task, "unassign");
    await engine.unassignUserTask(task.key);
    res.status(204).end();
  });

  router.get("/user-tasks/:userTaskKey/form", allow("tasks.read"), (req, res) => {
    const { task } = visibleTask(res, keyParam(req, "userTaskKey"));
    const form = task.formKey !== null ? engine.store.form(task.formKey) : undefined;
    if (!form) return void res.status(204).end();
    res.json(formWire(form));
  });

  router.post("/user-tasks/:userTaskKey/variables/search", allow("tasks.read"), (req, res) => {
    const { task } = visibleTask(res, keyParam(req, "userTaskKey"));
    const search = parseSearch(req.body, { ...variableSearch, filter: { name: variableSearch.filter["name"]! } }, searchLimits);
    res.json(runSearch(effectiveVariables(task), search, variableSearchWire));
  });

  /** Variables visible from the task's element: its own scope first, then outward (inner names shadow outer ones). */
  function effectiveVariables(task: TaskView): VariableView[] {
    const all = variableRows(sql, { process_instance_key: task.processInstanceKey });
    const scopes: number[] = [];
    for (let key: number | undefined = task.elementInstanceKey; key !== undefined && !scopes.includes(key); ) {
      scopes.push(key);
      key = key === task.processInstanceKey ? undefined : (engine.store.elementInstance(key)?.flowScopeKey ?? task.processInstanceKey);
    }
    if (!scopes.includes(task.processInstanceKey)) scopes.push(task.processInstanceKey);
    const seen = new Set<string>();
    const out: VariableView[] = [];
    for (const scope of scopes) {
      for (const v of all) if (v.scopeKey === scope && !seen.has(v.name)) (seen.add(v.name), out.push(v));
    }
    return out;
  }

  return router;
}
