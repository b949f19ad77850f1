/**
 * The reference: bpmn-engine (paed01) running the same XML. Each instance is one `new Engine()` +
 * `execute()`; the model is parsed and serialized once (the documented `sourceContext` recipe), so
 * only execution is measured. Its debug logger is replaced by a silent one. The service task gets a
 * service that calls back at once (an extension reading nothing from zeebe:taskDefinition); the user
 * task is signalled from the listener's `wait` event. bpmn-engine keeps everything in memory: it has
 * no durability, so (c) on it is not comparable with a durable run — `getState()` serialization at the
 * wait is measured as its nearest "persistence equivalent".
 */
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Engine } from "bpmn-engine";
import * as Elements from "bpmn-elements";
import { BpmnModdle } from "bpmn-moddle";
import serializer, { TypeResolver, type SerializableContext } from "moddle-context-serializer";
import { collectGarbage, sleep, timeBoxed, type RunResult } from "./measure.js";
import { SERVICE_USER, modelXml, type BenchModel } from "./models.js";

export function bpmnEngineVersion(): string {
  const main = createRequire(import.meta.url).resolve("bpmn-engine");
  const pkg = JSON.parse(readFileSync(path.join(path.dirname(main), "..", "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/** Parses and serializes a model once; every instance reuses the result. */
export async function loadContext(model: BenchModel): Promise<SerializableContext> {
  const moddleContext = await new BpmnModdle().fromXML(modelXml(model));
  return serializer(moddleContext as never, TypeResolver({ ...Elements }));
}

const silentLogger = () => ({ debug() {}, error() {}, warn() {} });

/** A service that completes at once, like our worker's handler returning {}. */
function ImmediateService(this: { activity: unknown }, activity: unknown) {
  this.activity = activity;
}
ImmediateService.prototype.execute = function execute(_message: unknown, callback: (err: Error | null, output?: unknown) => void) {
  callback(null, {});
};

/**
 * An extension is called once per activity; returning nothing adds no per-activity hook (bpmn-elements
 * skips falsy extensions, though its types demand an object, hence the cast).
 */
const extensions = {
  immediateServiceTasks(activity: { type: string; behaviour: Record<string, unknown> }): undefined {
    if (activity.type === "bpmn:ServiceTask") activity.behaviour["Service"] = ImmediateService;
    return undefined;
  },
} as unknown as Record<string, never>;

interface WaitApi {
  id: string;
  signal(message?: unknown): void;
}

export interface InstanceOptions {
  /** Called on each `wait` (the user task); signal through `api` to go on. Default: signal at once. */
  onWait?: (api: WaitApi, engine: Engine) => void;
  /** Counts `activity.end` events. */
  countEnds?: { n: number };
}

function newEngine(sourceContext: SerializableContext): Engine {
  return new Engine({ name: "bench", sourceContext, Logger: silentLogger, extensions });
}

/** Runs one instance to its end. */
export function runInstance(sourceContext: SerializableContext, options: InstanceOptions = {}): Promise<void> {
  const engine = newEngine(sourceContext);
  let listener: EventEmitter | undefined;
  if (options.onWait || options.countEnds) {
    listener = new EventEmitter();
    const onWait = options.onWait;
    listener.on("wait", (api: WaitApi) => (onWait ? onWait(api, engine) : api.signal()));
    const counter = options.countEnds;
    if (counter) listener.on("activity.end", () => counter.n++);
  }
  return new Promise<void>((resolve, reject) => {
    void engine.execute(listener ? { listener } : {}, (err: Error | null) => (err ? reject(err) : resolve()));
  });
}

/** Element executions (activity.end events) of one instance. */
export async function elementsCompleted(sourceContext: SerializableContext): Promise<number> {
  const countEnds = { n: 0 };
  await runInstance(sourceContext, { countEnds });
  return countEnds.n;
}

/** (a)/(b): one instance after the other (faster than many concurrent executions on this engine). */
export function runStraightThrough(sourceContext: SerializableContext, seconds: number): Promise<RunResult> {
  return timeBoxed(seconds, async () => {
    await runInstance(sourceContext);
    return 1;
  });
}

/** Signals the user task straight away. */
const signalNow: InstanceOptions = { onWait: (api) => api.signal() };

/** Serializes the whole engine state (what one would store) before signalling. */
const snapshotThenSignal: InstanceOptions = {
  onWait: (api, engine) => {
    void engine.getState().then((state) => {
      JSON.stringify(state);
      api.signal();
    });
  },
};

/** (c) in memory: service called back at once, user task signalled through the API. */
export function runServiceUser(sourceContext: SerializableContext, seconds: number, withState: boolean): Promise<RunResult> {
  const options = withState ? snapshotThenSignal : signalNow;
  return timeBoxed(seconds, async () => {
    await runInstance(sourceContext, options);
    return 1;
  });
}

/** Memory per instance waiting at the user task: bpmn-engine keeps each one as live objects. */
export async function waitingMemory(n: number): Promise<{ instances: number; rssDelta: number; heapDelta: number; seconds: number }> {
  const sourceContext = await loadContext(SERVICE_USER);
  for (let i = 0; i < 50; i++) await runInstance(sourceContext, signalNow);
  collectGarbage();
  await sleep(50);
  collectGarbage();
  const before = process.memoryUsage();
  const start = performance.now();
  const held: Engine[] = [];
  for (let i = 0; i < n; i++) {
    await new Promise<void>((resolve, reject) => {
      const engine = newEngine(sourceContext);
      const listener = new EventEmitter();
      listener.on("wait", () => resolve());
      held.push(engine);
      engine.execute({ listener }).catch(reject);
    });
  }
  const seconds = (performance.now() - start) / 1000;
  collectGarbage();
  await sleep(50);
  collectGarbage();
  const after = process.memoryUsage();
  const waiting = held.filter((e) => e.execution?.getPostponed().some((api) => api.id === "Task_Review")).length;
  if (waiting !== n) throw new Error(`Expected ${n} bpmn-engine instances waiting at Task_Review, but found ${waiting}`);
  return { instances: n, seconds, rssDelta: (after.rss - before.rss) / n, heapDelta: (after.heapUsed - before.heapUsed) / n };
}
