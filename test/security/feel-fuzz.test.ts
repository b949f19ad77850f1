/**
 * FEEL fuzz: random expressions (loops, ranges, recursion, regular expressions, deep nesting, huge
 * literals, broken syntax) evaluated with a small budget never throw, never crash the process and
 * never run much past their deadline. Seeded: FEEL_FUZZ_SEED replays a run, FEEL_FUZZ_COUNT sets
 * how many expressions (bounded: the machine is shared).
 */
import { expect } from "chai";
import { compileExpression, evaluateOnce, FeelBudget, FeelSandbox, type EvalResult } from "../../src/engine/feel.js";

/** mulberry32: small, seedable, good enough to pick grammar rules. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generator(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const big = () => pick(["10", "1000", "100000", "10000000", "1000000000"]);
  const leaf = () => pick(["x", "items", "name", "1", "-3.5", '"abc"', "null", "true", big(), '"' + "a".repeat(Math.floor(random() * 40)) + '!"']);
  const expr = (depth: number): string => {
    if (depth <= 0) return leaf();
    const e = () => expr(depth - 1);
    return pick([
      () => `${e()} + ${e()}`,
      () => `${e()} * ${e()}`,
      () => `(${e()}) > ${e()}`,
      () => `if ${e()} then ${e()} else ${e()}`,
      () => `for i in 1..${big()} return ${pick(["i", "i * i", e()])}`,
      () => `count(for i in 1..${big()} return i)`,
      () => `sum(for i in 1..${big()}, j in 1..${big()} return i + j)`,
      () => `some i in 1..${big()} satisfies i = ${e()}`,
      () => `every i in 1..${big()} satisfies i > 0`,
      () => `[${e()}, ${e()}][item != null]`,
      () => `items[item > ${e()}]`,
      () => `{f: function(n) if n <= 0 then 0 else f(n - 1) + f(n - 1)}.f(${pick(["5", "30", "60"])})`,
      () => `matches(${pick(["name", '"' + "a".repeat(40) + '!"'])}, "${pick(["^(a+)+$", "(a|aa)*b", "(x+x+)+y", "[", "(a)\\\\1"])}")`,
      () => `replace(${pick(["name", '"aaaa"'])}, "${pick(["a*", "", "(a+)+"])}", "$0$0")`,
      () => `string join(for i in 1..${big()} return "ab", "")`,
      () => `distinct values(for i in 1..${big()} return i mod 7)`,
      () => "(".repeat(Math.floor(random() * 3000)) + "1" + ")".repeat(Math.floor(random() * 3000)),
      () => `${e()} ${pick(["+", "and", ")", "in", "..", "[", "return"])}`,
      () => `date and time(${e()}) + duration("P1D")`,
      () => `sort(for i in 1..${big()} return -i, function(a, b) a < b)`,
    ])();
  };
  return expr;
}

describe("security: FEEL fuzz", function () {
  this.timeout(120_000);
  const seed = Number(process.env["FEEL_FUZZ_SEED"] ?? Date.now() % 100_000);
  const count = Math.min(Number(process.env["FEEL_FUZZ_COUNT"] ?? 150), 2000);
  const limits = { timeoutMs: 25, commandBudgetMs: 200, maxResultBytes: 64 * 1024 };

  it(`should evaluate ${count} random expressions (seed ${seed}) without throwing, each within its deadline`, () => {
    // given
    const random = prng(seed);
    const expr = generator(random);
    const sandbox = new FeelSandbox();
    const variables = { x: 3, name: "a".repeat(30) + "!", items: Array.from({ length: 2000 }, (_, i) => i) };
    let slowest = { ms: 0, source: "" };
    let overBudget = 0;

    for (let i = 0; i < count; i++) {
      const source = "=" + expr(1 + Math.floor(random() * 3));
      // a fresh budget per expression: the per-command total is checked below
      const budget = new FeelBudget(limits, sandbox);

      // when
      const started = performance.now();
      let result: EvalResult;
      try {
        result = evaluateOnce(source, variables, Date.now(), budget);
      } catch (error) {
        expect.fail(`seed ${seed}: '${source.slice(0, 200)}' threw ${(error as Error).stack}`);
      }
      const ms = performance.now() - started;

      // then
      expect(result.ok === true || typeof result.message === "string", source).to.equal(true);
      if (!result.ok && /FEEL_TIMEOUT_MS|FEEL_COMMAND_BUDGET_MS|MAX_VARIABLE_BYTES/.test(result.message)) overBudget++;
      if (ms > slowest.ms) slowest = { ms, source };
    }

    // slack for the parse (outside the deadline) and a shared, loaded machine
    expect(slowest.ms, `seed ${seed}: slowest '${slowest.source.slice(0, 200)}'`).to.be.below(1000);
    expect(overBudget, "some expressions must have hit the budget").to.be.greaterThan(0);
  });

  it("should stop a command's evaluations once their total passes FEEL_COMMAND_BUDGET_MS", () => {
    // given one budget shared by many slow evaluations, as in one command
    const budget = new FeelBudget({ timeoutMs: 20, commandBudgetMs: 100, maxResultBytes: 1024 }, new FeelSandbox());
    const slow = compileExpression("=count(for i in 1..100000000 return i)");

    // when
    const started = performance.now();
    const messages = Array.from({ length: 50 }, () => slow.evaluate({}, Date.now(), budget)).map((r) => (r.ok ? "ok" : r.message));

    // then
    expect(performance.now() - started).to.be.below(1000);
    expect(messages.filter((m) => m.includes("FEEL_COMMAND_BUDGET_MS")).length).to.be.greaterThan(40);
  });

  it("should refuse a result larger than the variable size limit", () => {
    // given / when
    const result = evaluateOnce('=string join(for i in 1..10000 return "abcdefgh", "")', {}, Date.now(), new FeelBudget({ timeoutMs: 500, commandBudgetMs: 1000, maxResultBytes: 1000 }, new FeelSandbox()));

    // then
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.message).to.contain("MAX_VARIABLE_BYTES").and.contain("80000");
  });

  it("should refuse a result nested deeper than the variable depth limit", () => {
    // given / when
    const result = evaluateOnce("={f: function(n) if n = 0 then 1 else [f(n - 1)]}.f(100)", {}, Date.now(), new FeelBudget({ timeoutMs: 500, commandBudgetMs: 1000, maxResultBytes: 1024 * 1024, maxResultDepth: 64 }, new FeelSandbox()));

    // then
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.message).to.contain("MAX_VARIABLE_DEPTH");
  });

  it("should refuse a replace whose result would outgrow the size limit before building it", () => {
    // given
    const budget = new FeelBudget({ timeoutMs: 1000, commandBudgetMs: 2000, maxResultBytes: 100_000 }, new FeelSandbox());

    // when
    const started = performance.now();
    const result = evaluateOnce('=replace(s, "a", r)', { s: "a".repeat(10_000), r: "b".repeat(1000) }, Date.now(), budget);

    // then
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.message).to.contain("MAX_VARIABLE_BYTES").and.contain("10000 replacements");
    expect(performance.now() - started).to.be.below(500);
  });
});
