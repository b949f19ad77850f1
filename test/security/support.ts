/**
 * What the security specs share: the real server (test/api/v2/server.ts), deploying a model over
 * HTTP, and the "other client" probe — while a hostile request runs, another client asks for
 * /v2/topology again and again; the slowest answer says whether the server stayed responsive
 * (the server runs in this process, so a blocked event loop delays the probe too).
 */
import { readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { PROCESSES } from "../demo/support.js";
import { startApiServer, type ApiServer } from "../api/v2/server.js";

export { startApiServer, type ApiServer };

/**
 * A time limit scaled by the machine's load (the CI machine is shared: at a load of 6 per core
 * everything is 6× slower). Capped at 8×: the failures these specs guard against took 30 to 60 s
 * on an idle machine.
 */
export function within(ms: number): number {
  return ms * Math.max(1, Math.min(8, loadavg()[0]! / cpus().length));
}

export const basic = (user: string, password = user) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

/** Deploys BPMN text through POST /v2/deployments as `as`. */
export async function deployXml(api: ApiServer, name: string, xml: string, as = "designer"): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append("resources", new File([xml], name, { type: "application/xml" }));
  const res = await fetch(`${api.base}/v2/deployments`, { method: "POST", headers: { authorization: basic(as) }, body: form });
  return { status: res.status, body: await res.json() };
}

/** Deploys a model of the shipped library (processes/) with the forms it names, in one deployment. */
export async function deployLibraryModel(api: ApiServer, model = "dossier-client.bpmn"): Promise<void> {
  const form = new FormData();
  const xml = readFileSync(path.join(PROCESSES, model), "utf8");
  const forms = new Set([...xml.matchAll(/formId="([^"]+)"/g)].map((m) => `${m[1]}.form`));
  for (const name of readdirSync(PROCESSES).filter((n) => n === model || forms.has(n))) {
    form.append("resources", new File([readFileSync(path.join(PROCESSES, name))], name, { type: name.endsWith(".bpmn") ? "application/xml" : "application/json" }));
  }
  const res = await fetch(`${api.base}/v2/deployments`, { method: "POST", headers: { authorization: basic("designer") }, body: form });
  if (res.status !== 200) throw new Error(`Expected the library to deploy, but got ${res.status}: ${await res.text()}`);
}

export interface Timed<T> {
  result: T;
  ms: number;
  /** Slowest /v2/topology answer to another client while `result` was awaited, ms. */
  slowestOtherMs: number;
  /** How many answers the other client got meanwhile. */
  otherAnswers: number;
}

/** Runs `hostile` while another client (the auditor) keeps asking for the topology. */
export async function whileOtherClientAsks<T>(api: ApiServer, hostile: () => Promise<T>): Promise<Timed<T>> {
  let done = false;
  let slowest = 0;
  let answers = 0;
  const probe = (async () => {
    await new Promise((r) => setTimeout(r, 5));
    do {
      const started = performance.now();
      const res = await fetch(`${api.base}/v2/topology`, { headers: { authorization: basic("auditor") } });
      await res.arrayBuffer();
      slowest = Math.max(slowest, performance.now() - started);
      answers++;
      await new Promise((r) => setTimeout(r, 10));
    } while (!done);
  })();
  const started = performance.now();
  let result: T;
  let ms: number;
  try {
    result = await hostile();
    ms = performance.now() - started;
  } finally {
    done = true;
    await probe; // the other client's request under way is part of the measure
  }
  return { result, ms, slowestOtherMs: slowest, otherAnswers: answers };
}

/** A raw HTTP request with any Host header (fetch does not let a caller choose it). */
export function rawRequest(api: ApiServer, options: { method?: string; path: string; host: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: any; headers: Record<string, unknown> }> {
  const port = Number(new URL(api.base).port);
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: options.method ?? "GET", path: options.path, headers: { host: options.host, ...options.headers, ...(options.body !== undefined ? { "content-type": "application/json", "content-length": Buffer.byteLength(options.body) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
      });
    });
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** A minimal executable process as the modeler writes it, with extra content inside the process. */
export function processXml(id: string, inner: string, name = id): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_${id}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${id}" name="${name}" isExecutable="true">
${inner}
  </bpmn:process>
</bpmn:definitions>`;
}
