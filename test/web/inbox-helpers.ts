/**
 * What the inbox specs do through the public API, as the demo administrator (HTTP Basic): deploy a
 * fixture, start instances, read tasks, push a job into an incident.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "puppeteer-core";
import { basicClient } from "../helpers/http.js";

/** Browser globals, for the callbacks that run in the page (this test program has no DOM lib). */
declare const document: any, window: any, getComputedStyle: any, localStorage: any;

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "web");

export interface ApiTask {
  userTaskKey: string;
  elementId: string;
  state: string;
  assignee: string | null;
  processInstanceKey: string;
}

export function demoApi(base: string, user = "demo") {
  const call = basicClient(base, user);
  return {
    call,
    /** Deploys fixtures of test/fixtures/web together (a model and its forms). */
    async deploy(...fixtures: string[]): Promise<void> {
      const form = new FormData();
      for (const fixture of fixtures) form.append("resources", new Blob([readFileSync(path.join(FIXTURES, fixture))]), fixture);
      await call("POST", "/v2/deployments", form);
    },
    async start(processDefinitionId: string, variables: Record<string, unknown>): Promise<string> {
      const created = await call<{ processInstanceKey: string }>("POST", "/v2/process-instances", { processDefinitionId, variables });
      return created.processInstanceKey;
    },
    async tasks(filter: Record<string, unknown>): Promise<ApiTask[]> {
      return (await call<{ items: ApiTask[] }>("POST", "/v2/user-tasks/search", { filter, page: { limit: 1000 } })).items;
    },
    /** The open task of an element in an instance, once the engine has created it. */
    async openTask(processInstanceKey: string, elementId: string): Promise<ApiTask> {
      for (let i = 0; i < 50; i++) {
        const [task] = await this.tasks({ processInstanceKey, elementId, state: "CREATED" });
        if (task) return task;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`Expected an open task '${elementId}' in instance ${processInstanceKey}, but found none`);
    },
    /** Activates the job of `type` of one instance and fails it with no retries left: an incident. */
    async failJob(processInstanceKey: string, type: string, errorMessage: string): Promise<void> {
      for (let i = 0; i < 50; i++) {
        const { jobs } = await call<{ jobs: Array<{ jobKey: string; processInstanceKey: string }> }>("POST", "/v2/jobs/activation", { type, timeout: 60_000, maxJobsToActivate: 100, requestTimeout: -1 });
        const job = jobs.find((j) => j.processInstanceKey === processInstanceKey);
        for (const other of jobs) if (other !== job) await call("POST", `/v2/jobs/${other.jobKey}/failure`, { retries: 1, errorMessage: "not this one" });
        if (job) return void (await call("POST", `/v2/jobs/${job.jobKey}/failure`, { retries: 0, errorMessage }));
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`Expected a job of type ${type} in instance ${processInstanceKey}, but found none`);
    },
    /** Open tasks of an instance other than `except` (waits a little for the engine to create them). */
    async nextTasks(processInstanceKey: string, except: string): Promise<ApiTask[]> {
      for (let i = 0; i < 30; i++) {
        const open = (await this.tasks({ processInstanceKey, state: "CREATED" })).filter((t) => t.userTaskKey !== except);
        if (open.length) return open;
        await new Promise((r) => setTimeout(r, 100));
      }
      return [];
    },
  };
}

/** The list row of the task of `elementId` whose dossier reference is `reference` (waits for it). */
export async function waitForRow(page: Page, elementId: string, reference: string, timeout = 15_000) {
  await page.waitForFunction((id, ref) => [...document.querySelectorAll(`a.task-row[data-element="${id}"]`)].some((a) => a.textContent?.includes(ref)),
    { timeout }, elementId, reference);
  return rowKey(page, elementId, reference);
}

export async function rowKey(page: Page, elementId: string, reference: string): Promise<string | null> {
  return page.evaluate((id, ref) => {
    const row = [...document.querySelectorAll(`a.task-row[data-element="${id}"]`)].find((a) => a.textContent?.includes(ref));
    return row?.getAttribute("data-key") ?? null;
  }, elementId, reference);
}

export async function openTab(page: Page, view: "mine" | "group" | "team"): Promise<void> {
  await page.click(`button.tab[data-view=${view}]`);
  await page.waitForSelector(`button.tab[data-view=${view}][aria-selected=true]`);
}

/** Waits until the open task's form (form-js or variables) is rendered. */
export async function waitForTask(page: Page, key: string): Promise<void> {
  await page.waitForSelector(`article.task-detail[data-key="${key}"] .form-host[data-ready=true]`, { timeout: 15_000 });
}

export const uniqueRef = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e4)}`;
