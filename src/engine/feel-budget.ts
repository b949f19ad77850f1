/**
 * The time and size a FEEL evaluation may take. Expressions whose work is bounded by their input
 * (comparisons, arithmetic, paths, linear built-ins: see feel-analysis.ts) run directly, as they
 * always did; the others (loops, ranges, filters, function definitions) run under a deadline:
 * node:vm's `timeout` stops the evaluation wherever it is (V8 TerminateExecution), which bounds the
 * memory it can allocate as well. Starting that watchdog costs ~0.1 ms, so the hot path never pays
 * for it. One budget per command caps the sum of those evaluations, so a multi-instance body of a
 * thousand slow expressions cannot hold the server for a thousand deadlines.
 */
import vm from "node:vm";

export interface FeelLimits {
  /** Longest one evaluation with loops, ranges or filters may run, ms (FEEL_TIMEOUT_MS). */
  timeoutMs: number;
  /** Longest all such evaluations of one command (or request) may run together, ms (FEEL_COMMAND_BUDGET_MS). */
  commandBudgetMs: number;
  /** Largest result (as JSON) an evaluation may produce, bytes (the variable size limit). */
  maxResultBytes: number;
  /** Deepest nesting of lists and contexts in a result (the variable depth limit); 64 when not given. */
  maxResultDepth?: number;
}

export const DEFAULT_FEEL_LIMITS: Readonly<Required<FeelLimits>> = { timeoutMs: 100, commandBudgetMs: 1000, maxResultBytes: 1024 * 1024, maxResultDepth: 64 };

/** An evaluation over budget: a FEEL error (an incident at run time, a 400 from the API). */
export class FeelBudgetExceeded extends Error {
  constructor(readonly limit: "FEEL_TIMEOUT_MS" | "FEEL_COMMAND_BUDGET_MS" | "MAX_VARIABLE_BYTES" | "MAX_VARIABLE_DEPTH", message: string) {
    super(message);
    this.name = "FeelBudgetExceeded";
  }
}

/** Runs functions under a deadline; one per engine (a vm context costs ~1 ms to create). */
export class FeelSandbox {
  private readonly context = vm.createContext({ task: null as null | (() => unknown) });
  private readonly script = new vm.Script("task()");

  run<T>(task: () => T, timeoutMs: number): T {
    this.context["task"] = task;
    try {
      return this.script.runInContext(this.context, { timeout: Math.max(1, Math.floor(timeoutMs)) }) as T;
    } finally {
      this.context["task"] = null;
    }
  }
}

/** What is left of one command's FEEL time; create one per command with `new FeelBudget(…)`. */
export class FeelBudget {
  private remainingMs: number;

  constructor(readonly limits: Readonly<FeelLimits> = DEFAULT_FEEL_LIMITS, private readonly sandbox: FeelSandbox = new FeelSandbox()) {
    this.remainingMs = limits.commandBudgetMs;
  }

  /** Runs `task` within the per-evaluation deadline and what is left of the command's budget. */
  run<T>(task: () => T): T {
    const { timeoutMs, commandBudgetMs } = this.limits;
    if (this.remainingMs <= 0) {
      throw new FeelBudgetExceeded("FEEL_COMMAND_BUDGET_MS", `Expected the FEEL evaluations of one command to take at most ${commandBudgetMs} ms together (FEEL_COMMAND_BUDGET_MS), but they already took ${commandBudgetMs - this.remainingMs} ms`);
    }
    const deadline = Math.min(timeoutMs, this.remainingMs);
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    try {
      try {
        return this.sandbox.run(task, deadline);
      } catch (error) {
        // The watchdog counts wall-clock time: on a loaded machine the thread can be descheduled past the
        // deadline while the expression itself barely ran. When the process used less than half the deadline
        // in CPU, the stop says nothing about the expression: run it once more (still within the budget).
        const cpu = process.cpuUsage(cpuBefore);
        if ((error as { code?: string }).code !== "ERR_SCRIPT_EXECUTION_TIMEOUT" || (cpu.user + cpu.system) / 1000 >= deadline / 2) throw error;
        return this.sandbox.run(task, Math.max(1, Math.min(deadline, this.remainingMs - (performance.now() - started))));
      }
    } catch (error) {
      if ((error as { code?: string }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
        const which = deadline < timeoutMs ? `what was left of the command's ${commandBudgetMs} ms (FEEL_COMMAND_BUDGET_MS)` : `${timeoutMs} ms (FEEL_TIMEOUT_MS)`;
        throw new FeelBudgetExceeded(deadline < timeoutMs ? "FEEL_COMMAND_BUDGET_MS" : "FEEL_TIMEOUT_MS", `Expected the evaluation to finish within ${which}, but it was stopped after ${Math.round(performance.now() - started)} ms`);
      }
      throw error;
    } finally {
      this.remainingMs -= performance.now() - started;
    }
  }
}
