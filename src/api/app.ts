/**
 * The express app factory (no listen()). For now a small engine API under /api; the Camunda 8
 * compatible /v2 API, identity and the web app come with their own issues.
 */
import express, { type Express } from "express";
import helmet from "helmet";
import type { Engine } from "../engine/engine.js";
import { EngineError } from "../engine/errors.js";
import { problemHandler, sendProblem } from "./problem.js";

export interface AppDeps {
  engine: Engine;
  log?: (message: string) => void;
}

const keyParam = (value: string | undefined, what: string): number => {
  if (!value || !/^\d{1,16}$/.test(value)) throw new EngineError("INVALID_ARGUMENT", `Expected ${what} to be a numeric key, but found '${value ?? ""}'`);
  return Number(value);
};

const stringKeys = <T extends object>(row: T): T => {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) out[name] = typeof value === "number" && /Key$|^key$/.test(name) ? String(value) : value;
  return out as T;
};

export function createApp({ engine, log = console.error }: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(helmet());
  app.use(express.json({ limit: "1mb" }));

  app.get("/api/health", (_req, res) => {
    res.json({ status: "UP", processDefinitions: engine.definitions.all().length });
  });

  app.get("/api/process-definitions", (_req, res) => {
    res.json(
      engine.definitions.all().map((d) => ({
        processDefinitionKey: String(d.key), bpmnProcessId: d.bpmnProcessId, version: d.version, name: d.process.name ?? null,
        versionTag: d.versionTag, resourceName: d.resourceName,
      })),
    );
  });

  app.post("/api/deployments", express.text({ type: ["application/xml", "text/xml"], limit: "5mb" }), async (req, res) => {
    const name = typeof req.query["name"] === "string" ? req.query["name"] : "model.bpmn";
    if (typeof req.body !== "string" || req.body === "") throw new EngineError("INVALID_ARGUMENT", "Expected a BPMN XML body (Content-Type: application/xml), but found none");
    res.json(await engine.deploy([{ name, content: req.body }]));
  });

  app.post("/api/process-instances", async (req, res) => {
    const body = (req.body ?? {}) as { bpmnProcessId?: unknown; processDefinitionKey?: unknown; variables?: Record<string, unknown> };
    const created = await engine.createProcessInstance({
      ...(typeof body.bpmnProcessId === "string" ? { bpmnProcessId: body.bpmnProcessId } : {}),
      ...(body.processDefinitionKey !== undefined ? { processDefinitionKey: keyParam(String(body.processDefinitionKey), "processDefinitionKey") } : {}),
      ...(body.variables !== undefined ? { variables: body.variables } : {}),
    });
    res.status(201).json(stringKeys(created));
  });

  app.get("/api/process-instances/:key", (req, res) => {
    const key = keyParam(req.params["key"], "the process instance key");
    const instance = engine.processInstance(key);
    if (!instance) return sendProblem(res, 404, "NOT_FOUND", `Expected to find process instance '${key}', but none was found`);
    res.json({
      ...stringKeys(instance),
      variables: engine.variables(key),
      activeElements: engine.activeElements(key).map(stringKeys),
      incidents: engine.incidents({ processInstanceKey: key, state: "ACTIVE" }).map(stringKeys),
    });
  });

  app.get("/api/process-instances/:key/history", (req, res) => {
    res.json(engine.history(keyParam(req.params["key"], "the process instance key")));
  });

  app.post("/api/process-instances/:key/cancellation", async (req, res) => {
    await engine.cancelProcessInstance(keyParam(req.params["key"], "the process instance key"));
    res.status(204).end();
  });

  app.get("/api/user-tasks", (req, res) => {
    const state = typeof req.query["state"] === "string" ? req.query["state"] : "CREATED";
    const assignee = typeof req.query["assignee"] === "string" ? req.query["assignee"] : undefined;
    res.json(engine.userTasks({ state, ...(assignee ? { assignee } : {}) }).map(stringKeys));
  });

  app.post("/api/user-tasks/:key/completion", async (req, res) => {
    const body = (req.body ?? {}) as { variables?: Record<string, unknown> };
    await engine.completeUserTask(keyParam(req.params["key"], "the user task key"), body.variables);
    res.status(204).end();
  });

  app.get("/api/incidents", (_req, res) => {
    res.json(engine.incidents({ state: "ACTIVE" }).map(stringKeys));
  });

  app.post("/api/incidents/:key/resolution", async (req, res) => {
    await engine.resolveIncident(keyParam(req.params["key"], "the incident key"));
    res.status(204).end();
  });

  app.use((req, res) => sendProblem(res, 404, "NOT_FOUND", `No route for ${req.method} ${req.path}`));
  app.use(problemHandler(log));
  return app;
}
