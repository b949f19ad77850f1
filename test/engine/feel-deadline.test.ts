import { expect } from "chai";
import { FeelBudget, FeelBudgetExceeded } from "../../src/engine/feel-budget.js";

/** The FEEL deadline stops expressions that compute too long, not a thread the machine did not schedule. */
describe("FEEL deadline on a loaded machine", () => {
  const limits = { timeoutMs: 50, commandBudgetMs: 1000, maxResultBytes: 1024 };

  it("should run an expression again when its thread was stalled past the deadline without computing", () => {
    // given an evaluation whose first run is held off the CPU for longer than the deadline (as a descheduled thread is)
    const budget = new FeelBudget(limits);
    let runs = 0;
    const stall = new Int32Array(new SharedArrayBuffer(4));
    // when it runs
    const value = budget.run(() => {
      runs++;
      if (runs === 1) Atomics.wait(stall, 0, 0, 120); // blocked: wall clock moves, CPU does not
      return "DEM-20261208";
    });
    // then the stall is not taken for a slow expression
    expect(value).to.equal("DEM-20261208");
    expect(runs).to.equal(2);
  });

  it("should still stop an expression that computes past the deadline", () => {
    // given an evaluation that keeps the CPU busy
    const budget = new FeelBudget(limits);
    // then it is stopped, naming the setting
    expect(() => budget.run(() => {
      for (;;) Math.sqrt(Math.random());
    })).to.throw(FeelBudgetExceeded, /FEEL_TIMEOUT_MS/);
  });
});
