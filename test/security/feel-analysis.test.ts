/**
 * What parsing a FEEL expression tells the engine before it ever runs it: the syntax error and
 * where, the names it uses (only those variables are handed to it), and whether it runs under the
 * deadline (its work may exceed its input) or directly (the hot path).
 */
import { expect } from "chai";
import { analyseFeel } from "../../src/engine/feel-analysis.js";
import { compileProperty, FeelSyntaxError } from "../../src/engine/feel.js";

describe("security: FEEL analysis at deploy", () => {
  it("should name the identifiers an expression uses", () => {
    // given / when
    const { names, error } = analyseFeel('if customer.vip and count(items) > limit then "a" else other');

    // then
    expect(error).to.equal(null);
    expect([...names]).to.include.members(["customer", "items", "limit", "other", "count"]);
    expect([...names]).not.to.include("a");
  });

  const direct = ["x + 1", "amount > 1000 and approved", 'if a then "x" else "y"', "customer.address.city", "items[1]", "count(items) + sum(items)", 'string length(name) > 3', 'matches(name, "^D")', 'date and time(d) + duration("P1D")', "now()"];
  const deadline = ["for i in 1..n return i", "some i in items satisfies i > 3", "every i in items satisfies i > 3", "items[item > 1]", "{f: function(n) f(n)}.f(1)", "sort(items, function(a, b) a < b)", "distinct values(items)", "1..10", "myFunction(x)"];

  for (const source of direct) {
    it(`should run '${source}' directly, without the deadline's cost`, () => {
      expect(analyseFeel(source).bounded).to.equal(false);
    });
  }
  for (const source of deadline) {
    it(`should run '${source}' under the deadline`, () => {
      expect(analyseFeel(source).bounded).to.equal(true);
    });
  }

  it("should report a syntax error with its position, and never run the expression to find it", () => {
    // given an expression that would run for minutes if it were evaluated, and a broken one
    const started = performance.now();
    const runaway = compileProperty("=count(for i in 1..1000000000 return i)");
    const broken = analyseFeel("amount > 1 +* 2");

    // then
    expect(performance.now() - started).to.be.below(200);
    expect(runaway.isStatic).to.equal(false);
    expect(broken.error).to.match(/position \d+/);
    expect(() => compileProperty("=amount >")).to.throw(FeelSyntaxError, /does not parse: the expression ends too early/);
  });
});
