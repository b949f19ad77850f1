/**
 * The small engine API under /api that predates /v2 (kept for scripts written against it). Same
 * authentication and permissions as /v2; prefer /v2 for anything new.
 */
import express, { Router } from "express";
import type { Engine } from "../engine/engine.js";
import { EngineError } from "../engine/errors.js";
import { allow, can, principalOf } from "./auth/guard.js";
import { ApiError } from "./errors.js";
import { canSee } from "./v2/read/tasks.js";

const keyParam = (raw: unknown, what: string): number => {
  const value = typeof raw === "string" ? raw : undefined;
  if (!value || !/^\d{1,16}$/.test(value)) throw new EngineError("INVALID_ARGUMENT", `Expected ${what} to be a numeric key, but found '${value ?? ""}'`);
  return Number(value);
};

const stringKeys = <T extends object>(row: T): T => {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) out[name] = typeof value === "number" && /Key$|^key$/.test(name) ? String(value) : value;
  return out as T;
};

export function legacyRouter(engine: Engine): Router {
  const router = Router();

  router.get("/api/health", allow("public"), (_req, res) => {
    res.json({ status: "UP", processDefinitions: engine.definitions.all().length });
  });

  router.get("/api/process-definitions", allow("definitions.read"), (_req, res) => {
    res.json(
      engine.definitions.all().map((d) => ({
        processDefinitionKey: String(d.key), bpmnProcessId: d.bpmnProcessId, version: d.version, name: d.process.name ?? null,
        versionTag: d.versionTag, resourceName: d.resourceName,
      })),
    );
  });

  router.post("/api/deployments", allow("definitions.deploy"), express.text({ type: ["application/xml", "text/xml"], limit: "5mb" }), async (req, res) => {
    const name = typeof req.query["name"] === "string" ? req.query["name"] : "model.bpmn";
    if (typeof req.body !== "string" || req.body === "") throw new EngineError("INVALID_ARGUMENT", "Expected a BPMN XML body (Content-Type: application/xml), but found none");
    res.json(await engine.deploy([{ name, content: req.body }]));
  });

  router.post("/api/process-instances", allow("instances.start"), async (req, res) => {
    const body = (req.body ?? {}) as { bpmnProcessId?: unknown; processDefinitionKey?: unknown; variables?: Record<string, unknown> };
    const created = await engine.createProcessInstance({
      ...(typeof body.bpmnProcessId === "string" ? { bpmnProcessId: body.bpmnProcessId } : {}),
      ...(body.processDefinitionKey !== undefined ? { processDefinitionKey: keyParam(String(body.processDefinitionKey), "processDefinitionKey") } : {}),
      ...(body.variables !== undefined ? { variables: body.variables } : {}),
    });
    res.status(201).json(stringKeys(created));
  });

  router.get("/api/process-instances/:key", allow("instances.read"), (req, res) => {
    const key = keyParam(req.params["key"], "the process instance key");
    const instance = engine.processInstance(key);
    if (!instance) throw new ApiError("NOT_FOUND", `Expected to find process instance '${key}', but none was found`);
    res.json({
      ...stringKeys(instance),
      variables: engine.variables(key),
      activeElements: engine.activeElements(key).map(stringKeys),
      incidents: engine.incidents({ processInstanceKey: key, state: "ACTIVE" }).map(stringKeys),
    });
  });

  router.get("/api/process-instances/:key/history", allow("instances.read"), (req, res) => {
    res.json(engine.history(keyParam(req.params["key"], "the process instance key")));
  });

  router.post("/api/process-instances/:key/cancellation", allow("instances.operate"), async (req, res) => {
    await engine.cancelProcessInstance(keyParam(req.params["key"], "the process instance key"));
    res.status(204).end();
  });

  router.get("/api/user-tasks", allow("tasks.read"), (req, res) => {
    const me = principalOf(res);
    const state = typeof req.query["state"] === "string" ? req.query["state"] : "CREATED";
    const assignee = typeof req.query["assignee"] === "string" ? req.query["assignee"] : undefined;
    res.json(engine.userTasks({ state, ...(assignee ? { assignee } : {}) }).filter((t) => canSee(me, t)).map(stringKeys));
  });

  router.post("/api/user-tasks/:key/completion", allow("tasks.work"), async (req, res) => {
    const key = keyParam(req.params["key"], "the user task key");
    const me = principalOf(res);
    const task = engine.store.userTask(key);
    if (task && !canSee(me, task)) throw new ApiError("NOT_FOUND", `Expected to find a user task with key '${key}', but none was found`);
    if (task?.assignee && task.assignee !== me.username && !can(me, "tasks.assign")) throw new ApiError("FORBIDDEN", `Expected user task '${key}' to be assigned to '${me.username}' or to nobody, but it is assigned to '${task.assignee}'`);
    const body = (req.body ?? {}) as { variables?: Record<string, unknown> };
    await engine.completeUserTask(key, body.variables);
    res.status(204).end();
  });

  router.get("/api/incidents", allow("instances.read"), (_req, res) => {
    res.json(engine.incidents({ state: "ACTIVE" }).map(stringKeys));
  });

  router.post("/api/incidents/:key/resolution", allow("instances.operate"), async (req, res) => {
    await engine.resolveIncident(keyParam(req.params["key"], "the incident key"));
    res.status(204).end();
  });

  return router;
}
