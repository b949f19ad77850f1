/** Compiled process definitions, by key and by BPMN process id (latest version). */
import type { ExecutableProcess } from "./model/types.js";
import type { ProcessDefinitionRow } from "./state.js";

export interface DeployedProcess {
  readonly key: number;
  readonly bpmnProcessId: string;
  readonly version: number;
  readonly versionTag: string | null;
  readonly resourceName: string;
  readonly process: ExecutableProcess;
}

export class DefinitionRegistry {
  private readonly byKeyMap = new Map<number, DeployedProcess>();
  private readonly latestMap = new Map<string, DeployedProcess>();

  add(row: Pick<ProcessDefinitionRow, "key" | "bpmnProcessId" | "version" | "versionTag" | "resourceName">, process: ExecutableProcess): DeployedProcess {
    const deployed: DeployedProcess = { key: row.key, bpmnProcessId: row.bpmnProcessId, version: row.version, versionTag: row.versionTag, resourceName: row.resourceName, process };
    this.byKeyMap.set(row.key, deployed);
    const latest = this.latestMap.get(row.bpmnProcessId);
    if (!latest || latest.version < row.version) this.latestMap.set(row.bpmnProcessId, deployed);
    return deployed;
  }

  /** Forgets a definition whose deployment did not commit. */
  remove(key: number): void {
    const removed = this.byKeyMap.get(key);
    if (!removed) return;
    this.byKeyMap.delete(key);
    if (this.latestMap.get(removed.bpmnProcessId)?.key !== key) return;
    this.latestMap.delete(removed.bpmnProcessId);
    for (const d of this.byKeyMap.values()) {
      const latest = this.latestMap.get(d.bpmnProcessId);
      if (d.bpmnProcessId === removed.bpmnProcessId && (!latest || latest.version < d.version)) this.latestMap.set(d.bpmnProcessId, d);
    }
  }

  byKey(key: number): DeployedProcess | undefined {
    return this.byKeyMap.get(key);
  }

  latest(bpmnProcessId: string): DeployedProcess | undefined {
    return this.latestMap.get(bpmnProcessId);
  }

  version(bpmnProcessId: string, version: number): DeployedProcess | undefined {
    for (const d of this.byKeyMap.values()) if (d.bpmnProcessId === bpmnProcessId && d.version === version) return d;
    return undefined;
  }

  /** Latest version of a process id carrying a version tag. */
  byVersionTag(bpmnProcessId: string, versionTag: string): DeployedProcess | undefined {
    let found: DeployedProcess | undefined;
    for (const d of this.byKeyMap.values()) {
      if (d.bpmnProcessId === bpmnProcessId && d.versionTag === versionTag && (!found || d.version > found.version)) found = d;
    }
    return found;
  }

  all(): DeployedProcess[] {
    return [...this.byKeyMap.values()];
  }
}
