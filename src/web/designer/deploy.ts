/**
 * Deploys one resource through the public API (POST /v2/deployments, multipart `resources`) and
 * says which version it became. The engine answers an identical resource with the version already
 * deployed: that is "unchanged". A refusal comes back as an ApiProblem whose `problems` name the
 * elements at fault.
 */
import { api } from "../shared/api.js";
import type { ResourceKind } from "./drafts.js";

interface DeploymentResponse {
  deploymentKey: string;
  deployments: Array<{
    processDefinition: { processDefinitionId: string; processDefinitionVersion: number; processDefinitionKey: string; resourceName: string } | null;
    form: { formId: string; version: number; formKey: string; resourceName: string } | null;
  }>;
}

export interface DeployOutcome {
  id: string;
  version: number;
  key: string;
  /** The engine already had exactly this resource: nothing new was deployed. */
  unchanged: boolean;
  /** Other processes deployed from the same file (a collaboration with several pools). */
  others: Array<{ id: string; version: number }>;
}

export async function deployResource(kind: ResourceKind, resourceName: string, content: string, mainId: string, previousKey?: string): Promise<DeployOutcome> {
  const body = new FormData();
  const type = kind === "bpmn" ? "application/xml" : "application/json";
  body.append("resources", new File([content], resourceName, { type }));
  const response = await api<DeploymentResponse>("POST", "/v2/deployments", body);
  const deployed = response.deployments.map((d) => d.processDefinition
    ? { id: d.processDefinition.processDefinitionId, version: d.processDefinition.processDefinitionVersion, key: d.processDefinition.processDefinitionKey }
    : d.form ? { id: d.form.formId, version: d.form.version, key: d.form.formKey } : undefined).filter((d) => d !== undefined);
  const main = deployed.find((d) => d.id === mainId) ?? deployed[0];
  if (!main) throw new Error(`The deployment of '${resourceName}' returned no ${kind === "bpmn" ? "process" : "form"}`);
  return { ...main, unchanged: previousKey !== undefined && main.key === previousKey, others: deployed.filter((d) => d !== main).map(({ id, version }) => ({ id, version })) };
}

/** Starts a download of a text file (export). */
export function download(fileName: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
