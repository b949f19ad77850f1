/** The benchmark models (bench/models/*.bpmn), run unchanged by both engines. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const MODELS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "models");

export interface BenchModel {
  /** Scenario letter from the issue. */
  scenario: "a" | "b" | "c";
  label: string;
  file: string;
  bpmnProcessId: string;
}

export const SEQUENCE: BenchModel = { scenario: "a", label: "(a) start → 10 tasks → end", file: "sequence-10-tasks.bpmn", bpmnProcessId: "bench-sequence" };
export const PARALLEL: BenchModel = { scenario: "b", label: "(b) 10-branch parallel fork/join", file: "parallel-10-branches.bpmn", bpmnProcessId: "bench-parallel" };
export const SERVICE_USER: BenchModel = {
  scenario: "c", label: "(c) service task → user task", file: "service-then-user-task.bpmn", bpmnProcessId: "bench-service-user",
};

export const ALL_MODELS = [SEQUENCE, PARALLEL, SERVICE_USER];

/** The job type of the service task in SERVICE_USER (its zeebe:taskDefinition). */
export const SERVICE_JOB_TYPE = "bench-work";

export function modelXml(model: BenchModel): string {
  return readFileSync(path.join(MODELS_DIR, model.file), "utf8");
}
