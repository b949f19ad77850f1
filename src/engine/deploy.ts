/**
 * Deployments. Resources are parsed, hardened and validated outside the write lane (async, CPU);
 * versioning happens inside it so concurrent deployments of the same id get distinct versions.
 * Per BPMN process id (and form id): the same resource name with the same content as the latest
 * version is a no-op returning that version; anything else becomes version n+1. A deployment with
 * any invalid resource is refused as a whole, listing every problem.
 */
import { createHash } from "node:crypto";
import { EngineError, type Problem } from "./errors.js";
import { compileDefinitions } from "./model/compile.js";
import { decodeText, parseBpmn } from "./model/parse.js";
import type { ExecutableProcess } from "./model/types.js";
import type { IdGenerator } from "./ids.js";
import type { SqliteStore } from "../persistence/sqlite-store.js";
import { replaceStartSubscriptions } from "./runtime/start-events.js";
import { checkBpmnCharacters, checkBpmnSizes, type BpmnTextLimits } from "./model/limits.js";
import { DEFAULT_LIMITS } from "./limits.js";

export interface DeployResource {
  name: string;
  content: Buffer | string;
}

export interface DeployedProcessInfo {
  bpmnProcessId: string;
  version: number;
  processDefinitionKey: number;
  resourceName: string;
  versionTag: string | null;
  /** true when the resource was identical to the latest version, which is returned instead. */
  duplicate: boolean;
}

export interface DeployedFormInfo {
  formId: string;
  version: number;
  formKey: number;
  resourceName: string;
  duplicate: boolean;
}

export interface DeploymentResult {
  deploymentKey: number;
  processes: DeployedProcessInfo[];
  forms: DeployedFormInfo[];
}

interface PreparedProcess {
  resourceName: string;
  checksum: string;
  xml: string;
  compiled: ExecutableProcess;
}

interface PreparedForm {
  resourceName: string;
  checksum: string;
  formId: string;
  schema: string;
}

export interface PreparedDeployment {
  processes: PreparedProcess[];
  forms: PreparedForm[];
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Parses and validates every resource; throws one error listing all problems. */
export async function prepareDeployment(resources: DeployResource[], limits: BpmnTextLimits = DEFAULT_LIMITS): Promise<PreparedDeployment> {
  if (!Array.isArray(resources) || resources.length === 0) throw new EngineError("INVALID_ARGUMENT", "Expected at least one resource to deploy, but found none");
  resources.forEach((resource, i) => {
    const name = (resource as Partial<DeployResource> | undefined)?.name;
    const content = (resource as Partial<DeployResource> | undefined)?.content;
    if (typeof name !== "string" || name === "") throw new EngineError("INVALID_ARGUMENT", `Expected resource #${i + 1} to have a file name, but found none`);
    if (typeof content !== "string" && !Buffer.isBuffer(content)) throw new EngineError("INVALID_ARGUMENT", `Expected resource '${name}' to have content (text or bytes), but found ${content === undefined ? "none" : typeof content}`);
  });
  const problems: Problem[] = [];
  const prepared: PreparedDeployment = { processes: [], forms: [] };
  for (const resource of resources) {
    const name = resource.name;
    try {
      if (/\.(bpmn|bpmn20\.xml|xml)$/i.test(name)) {
        const xml = decodeText(name, resource.content);
        // Before parsing: a 4 MB name or an undefined entity is refused without building a model of it.
        const tooLong = checkBpmnSizes(name, xml, limits);
        if (tooLong.length > 0) {
          problems.push(...tooLong);
          continue;
        }
        const { definitions } = await parseBpmn(name, resource.content);
        const { processes, problems: found } = compileDefinitions(name, definitions);
        problems.push(...checkBpmnCharacters(name, xml), ...found);
        const checksum = sha256(xml);
        for (const compiled of processes) prepared.processes.push({ resourceName: name, checksum, xml, compiled });
      } else if (/\.(form|json)$/i.test(name)) {
        prepared.forms.push(prepareForm(name, resource.content));
      } else {
        problems.push({ resource: name, message: `Expected a .bpmn or .form resource, but found '${name}'` });
      }
    } catch (error) {
      if (error instanceof EngineError) problems.push(...(error.details.length ? error.details : [{ resource: name, message: error.message }]));
      else throw error;
    }
  }
  const seen = new Map<string, string>();
  for (const p of prepared.processes) {
    const other = seen.get(p.compiled.bpmnProcessId);
    if (other) problems.push({ resource: p.resourceName, elementId: p.compiled.bpmnProcessId, message: `Expected each process id once per deployment, but '${p.compiled.bpmnProcessId}' is in both '${other}' and '${p.resourceName}'` });
    seen.set(p.compiled.bpmnProcessId, p.resourceName);
  }
  if (problems.length > 0) {
    const bpmnProblem = problems.some((p) => p.resource !== undefined && /\.(bpmn|bpmn20\.xml|xml)$/i.test(p.resource));
    const summary = problems.map((p) => `${p.resource ?? ""}${p.elementId ? `#${p.elementId}` : ""}: ${p.message}`).join("\n");
    throw new EngineError(bpmnProblem ? "INVALID_BPMN" : "INVALID_RESOURCE", `Deployment refused, ${problems.length} problem(s):\n${summary}`, problems);
  }
  return prepared;
}

function prepareForm(name: string, content: Buffer | string): PreparedForm {
  const text = typeof content === "string" ? content : content.toString("utf8");
  if (Buffer.byteLength(text) > 1024 * 1024) throw new EngineError("INVALID_RESOURCE", `'${name}': expected a form of at most 1 MB`, [{ resource: name, message: "Expected a form of at most 1 MB, but found a larger file" }]);
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    throw new EngineError("INVALID_RESOURCE", `'${name}' is not JSON`, [{ resource: name, message: `Expected a form-js JSON schema, but the JSON does not parse: ${(error as Error).message}` }]);
  }
  const id = (schema as { id?: unknown })?.id;
  if (typeof schema !== "object" || schema === null || Array.isArray(schema) || typeof id !== "string" || id === "") {
    throw new EngineError("INVALID_RESOURCE", `'${name}' has no form id`, [{ resource: name, message: "Expected a form-js schema object with a string 'id', but found none" }]);
  }
  if (!Array.isArray((schema as { components?: unknown }).components)) {
    throw new EngineError("INVALID_RESOURCE", `'${name}' has no components`, [{ resource: name, message: "Expected a form-js schema with a 'components' list, but found none" }]);
  }
  return { resourceName: name, checksum: sha256(text), formId: id, schema: text };
}

/** Writes a prepared deployment (inside the write lane). */
export function applyDeployment(store: SqliteStore, ids: IdGenerator, now: number, prepared: PreparedDeployment): { result: DeploymentResult; added: PreparedProcess[]; keys: number[]; versions: number[] } {
  const deploymentKey = ids.next();
  store.insertDeployment(deploymentKey, now);
  const result: DeploymentResult = { deploymentKey, processes: [], forms: [] };
  const added: PreparedProcess[] = [];
  const keys: number[] = [];
  const versions: number[] = [];
  for (const p of prepared.processes) {
    const latest = store.latestProcessDefinition(p.compiled.bpmnProcessId);
    if (latest && latest.checksum === p.checksum && latest.resourceName === p.resourceName) {
      result.processes.push({ bpmnProcessId: latest.bpmnProcessId, version: latest.version, processDefinitionKey: latest.key, resourceName: latest.resourceName, versionTag: latest.versionTag, duplicate: true });
      continue;
    }
    const key = ids.next();
    const version = (latest?.version ?? 0) + 1;
    store.insertProcessDefinition({
      key, bpmnProcessId: p.compiled.bpmnProcessId, version, name: p.compiled.name ?? null, versionTag: p.compiled.versionTag ?? null,
      resourceName: p.resourceName, checksum: p.checksum, xml: p.xml, deploymentKey, tenantId: "<default>", createdAt: now,
    });
    result.processes.push({ bpmnProcessId: p.compiled.bpmnProcessId, version, processDefinitionKey: key, resourceName: p.resourceName, versionTag: p.compiled.versionTag ?? null, duplicate: false });
    replaceStartSubscriptions(store, ids, now, key, p.compiled);
    added.push(p);
    keys.push(key);
    versions.push(version);
  }
  for (const f of prepared.forms) {
    const latest = store.latestForm(f.formId);
    if (latest && latest.checksum === f.checksum && latest.resourceName === f.resourceName) {
      result.forms.push({ formId: f.formId, version: latest.version, formKey: latest.key, resourceName: f.resourceName, duplicate: true });
      continue;
    }
    const key = ids.next();
    const version = (latest?.version ?? 0) + 1;
    store.insertForm({ key, formId: f.formId, version, resourceName: f.resourceName, checksum: f.checksum, schema: f.schema, deploymentKey, tenantId: "<default>", createdAt: now });
    result.forms.push({ formId: f.formId, version, formKey: key, resourceName: f.resourceName, duplicate: false });
  }
  return { result, added, keys, versions };
}
