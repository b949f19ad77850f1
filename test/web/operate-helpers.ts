/**
 * What the operate specs do through the public API as the demo administrator (HTTP Basic): deploy
 * the fixture, start instances, complete a task, push a job into an incident, read the state back.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "puppeteer-core";
import { basicClient } from "../helpers/http.js";

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "web");
export const REVIEW = "web-operate-review";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function operateApi(base: string, user = "demo") {
  const call = basicClient(base, user);
  const api = {
    call,
    async deployReview(): Promise<string> {
      const form = new FormData();
      form.append("resources", new Blob([readFileSync(path.join(FIXTURES, "operate-review.bpmn"))], { type: "application/xml" }), "operate-review.bpmn");
      const deployed = await call<{ deployments: Array<{ processDefinition?: { processDefinitionKey: string } }> }>("POST", "/v2/deployments", form);
      return deployed.deployments.find((d) => d.processDefinition)!.processDefinition!.processDefinitionKey;
    },
    async start(processDefinitionId: string, variables: Record<string, unknown> = {}): Promise<string> {
      return (await call<{ processInstanceKey: string }>("POST", "/v2/process-instances", { processDefinitionId, variables })).processInstanceKey;
    },
    instance: (key: string) => call<{ state: string; hasIncident: boolean; processDefinitionKey: string }>("GET", `/v2/process-instances/${key}`),
    history: (key: string) => call<{ entries: Array<{ type: string; elementId: string | null; details: Record<string, unknown> }> }>("GET", `/api/ui/operate/instances/${key}/history`),
    incidents: async (key: string) => (await call<{ items: Array<{ incidentKey: string; state: string; errorType: string; elementId: string }> }>("POST", "/v2/incidents/search", { filter: { processInstanceKey: key } })).items,
    /** The open user task of an element of an instance, once the engine has created it. */
    async openTask(processInstanceKey: string, elementId: string): Promise<string> {
      for (let i = 0; i < 50; i++) {
        const { items } = await call<{ items: Array<{ userTaskKey: string }> }>("POST", "/v2/user-tasks/search", { filter: { processInstanceKey, elementId, state: "CREATED" } });
        if (items[0]) return items[0].userTaskKey;
        await sleep(100);
      }
      throw new Error(`Expected an open task '${elementId}' in instance ${processInstanceKey}, but found none`);
    },
    async completeTask(processInstanceKey: string, elementId: string, variables: Record<string, unknown>): Promise<void> {
      const key = await api.openTask(processInstanceKey, elementId);
      await call("POST", `/v2/user-tasks/${key}/completion`, { variables });
    },
    /** Activates the job of `type` of one instance (others are handed back), then fails or completes it. */
    async job(processInstanceKey: string, type: string, outcome: { fail: string } | { complete: Record<string, unknown> }): Promise<string> {
      for (let i = 0; i < 50; i++) {
        const { jobs } = await call<{ jobs: Array<{ jobKey: string; processInstanceKey: string }> }>("POST", "/v2/jobs/activation", { type, worker: "operate-spec", timeout: 60_000, maxJobsToActivate: 100, requestTimeout: -1 });
        const job = jobs.find((j) => j.processInstanceKey === processInstanceKey);
        for (const other of jobs) if (other !== job) await call("POST", `/v2/jobs/${other.jobKey}/failure`, { retries: 1, errorMessage: "not this one" });
        if (job) {
          if ("fail" in outcome) await call("POST", `/v2/jobs/${job.jobKey}/failure`, { retries: 0, errorMessage: outcome.fail });
          else await call("POST", `/v2/jobs/${job.jobKey}/completion`, { variables: outcome.complete });
          return job.jobKey;
        }
        await sleep(100);
      }
      throw new Error(`Expected a job of type ${type} in instance ${processInstanceKey}, but found none`);
    },
    /** Polls until the instance reached a state (or has an incident), as the engine commits asynchronously. */
    async until(key: string, check: (i: { state: string; hasIncident: boolean }) => boolean): Promise<void> {
      for (let i = 0; i < 50; i++) {
        if (check(await api.instance(key))) return;
        await sleep(100);
      }
      throw new Error(`Instance ${key} did not reach the expected state: ${JSON.stringify(await api.instance(key))}`);
    },
  };
  return api;
}

let counter = 0;
export const uniqueRef = (prefix: string) => `${prefix}-${++counter}-${Date.now().toString(36).toUpperCase()}`;

/** The diagram marker of an element (state class), once the page painted it. */
export const marker = (elementId: string, cls: string) => `.djs-element.${cls}[data-element-id="${elementId}"]`;

/** Text of the first element matching a selector ("" when none). */
export async function textOf(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (e) => e.textContent ?? "").catch(() => "");
}

/** Every text of the elements matching a selector. */
export async function textsOf(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (list) => list.map((e) => (e.textContent ?? "").trim()));
}
