/**
 * FEEL compile helpers (src/engine/feel.ts): the Camunda 8 `=` convention for properties, the deploy-time
 * syntax check, and the fast paths for plain variable paths and literals, which must give exactly what
 * full FEEL (feelin) gives for the same expression and variables.
 */
import { expect } from "chai";
import { evaluate as feelin } from "feelin";
import { compileExpression, compileProperty, evaluateOnce, FeelSyntaxError, toPlain, type EvalResult, type FeelContext } from "../../src/engine/feel.js";

/** What full FEEL answers, in the shape the engine stores (plain JSON values). */
function fullFeel(body: string, context: FeelContext): unknown {
  return toPlain(feelin(body, context).value);
}

function valueOf(result: EvalResult): unknown {
  if (!result.ok) expect.fail(`Expected the expression to evaluate, but it failed: ${result.message}`);
  return result.value;
}

function syntaxErrorOf(compile: () => unknown): FeelSyntaxError {
  try {
    compile();
  } catch (error) {
    expect(error).to.be.instanceOf(FeelSyntaxError);
    return error as FeelSyntaxError;
  }
  return expect.fail("Expected a FeelSyntaxError, but the expression compiled");
}

const variables: FeelContext = {
  amount: 1250,
  approved: true,
  nothing: null,
  name: "Dupont",
  customer: { name: "Léa Dupont", address: { city: "Lyon", zip: "69001" }, vip: false, note: null },
  tags: ["urgent", "kyc"],
};

describe("model: FEEL compile helpers", () => {
  describe("compileProperty", () => {
    it("should treat a property without a leading '=' as a static string, whatever the variables", () => {
      // given
      const property = compileProperty("letter.send");

      // when
      const withVariables = property.evaluate({ letter: { send: "other" } });
      const withoutVariables = property.evaluate({});

      // then
      expect(property.isStatic).to.equal(true);
      expect(property.source).to.equal("letter.send");
      expect(valueOf(withVariables)).to.equal("letter.send");
      expect(valueOf(withoutVariables)).to.equal("letter.send");
    });

    it("should keep a static value that looks like a number or FEEL as text", () => {
      // given / when
      const retries = compileProperty("3");
      const notAnExpression = compileProperty("amount > 1000");

      // then
      expect(valueOf(retries.evaluate({}))).to.equal("3");
      expect(valueOf(notAnExpression.evaluate({ amount: 5000 }))).to.equal("amount > 1000");
    });

    it("should treat a property starting with '=' as a FEEL expression evaluated against the variables", () => {
      // given
      const property = compileProperty("=customer.address.city");

      // when
      const result = property.evaluate(variables);

      // then
      expect(property.isStatic).to.equal(false);
      expect(property.source).to.equal("=customer.address.city");
      expect(valueOf(result)).to.equal("Lyon");
    });

    it("should evaluate a full FEEL expression that no fast path covers", () => {
      // given
      const property = compileProperty('=if amount > 1000 then "manager" else "clerk"');

      // when / then
      expect(valueOf(property.evaluate({ amount: 1250 }))).to.equal("manager");
      expect(valueOf(property.evaluate({ amount: 10 }))).to.equal("clerk");
    });

    it("should throw a FeelSyntaxError naming the source and the parser's reason when the FEEL does not parse", () => {
      // given / when
      const error = syntaxErrorOf(() => compileProperty("=amount >"));

      // then
      expect(error.source).to.equal("=amount >");
      expect(error.reason).to.be.a("string").and.not.equal("");
      expect(error.message).to.contain("=amount >").and.contain("does not parse");
    });

    it("should throw a FeelSyntaxError for an expression that is only '='", () => {
      // given / when
      const error = syntaxErrorOf(() => compileProperty("="));

      // then
      expect(error.reason).to.equal("the expression is empty");
    });

    for (const broken of ["=sum(invoices.amount", '="Dear " + customer.name +', "=if approved then", "={a: }", "=[1, 2", "=1 +* 2", "=)"]) {
      it(`should refuse the unparsable expression '${broken}' with a FeelSyntaxError`, () => {
        // given / when
        const error = syntaxErrorOf(() => compileProperty(broken));

        // then
        expect(error.source).to.equal(broken);
      });
    }

    it("should accept expressions that only fail when evaluated without their variables", () => {
      // given: functions over variables that are not there at deploy time
      const sources = ['=date and time(dueDate) + duration("P3D")', "=count(items) > 0", "=upper case(name)", "=string length(customer.name)"];

      // when
      const compiled = sources.map((source) => compileProperty(source));

      // then
      expect(compiled.map((c) => c.source)).to.deep.equal(sources);
    });
  });

  describe("compileExpression (sequence-flow conditions)", () => {
    it("should compile a condition with or without the leading '='", () => {
      // given
      const withEquals = compileExpression("=amount > 1000");
      const withoutEquals = compileExpression("amount > 1000");

      // when / then
      expect(valueOf(withEquals.evaluate({ amount: 1250 }))).to.equal(true);
      expect(valueOf(withoutEquals.evaluate({ amount: 1250 }))).to.equal(true);
      expect(withoutEquals.isStatic).to.equal(false);
    });

    it("should throw a FeelSyntaxError for a broken condition", () => {
      // given / when
      const error = syntaxErrorOf(() => compileExpression("amount >"));

      // then
      expect(error.message).to.contain("amount >");
    });
  });

  describe("evaluateOnce", () => {
    it("should return a failure value, not throw, for an expression that does not parse", () => {
      // given / when
      const result = evaluateOnce("=amount >", { amount: 1 });

      // then
      expect(result.ok).to.equal(false);
      if (!result.ok) expect(result.message).to.contain("does not parse");
    });

    it("should evaluate a parsable expression against the given variables", () => {
      // given / when
      const result = evaluateOnce("=amount * 2", { amount: 21 });

      // then
      expect(valueOf(result)).to.equal(42);
    });
  });

  describe("fast paths give the same results as full FEEL", () => {
    const samePaths: Array<[string, FeelContext]> = [
      ["amount", variables],
      ["approved", variables],
      ["nothing", variables],
      ["name", variables],
      ["customer", variables],
      ["customer.name", variables],
      ["customer.address.city", variables],
      ["customer.vip", variables],
      ["customer.note", variables],
      ["customer.phone", variables],
      ["customer.address.city.district", variables],
      ["nothing.field", variables],
      ["name.length", variables],
      ["tags", variables],
      ["unknown", variables],
      ["unknown.field", variables],
      ["order_total", { order_total: 99.5 }],
      ["_private", { _private: "x" }],
    ];
    for (const [body, context] of samePaths) {
      it(`should read the path '${body}' like full FEEL does`, () => {
        // given
        const expected = fullFeel(body, context);

        // when
        const fast = valueOf(compileProperty(`=${body}`).evaluate(context));

        // then
        expect(fast).to.deep.equal(expected);
      });
    }

    const literals = ["42", "-1", "007", "1.50", "0", "true", "false", "null", '"hello"', '""', '"Léa Dupont"'];
    for (const body of literals) {
      it(`should read the literal ${body} like full FEEL does`, () => {
        // given
        const expected = fullFeel(body, {});

        // when
        const fast = valueOf(compileProperty(`=${body}`).evaluate({ hello: "a variable, not the literal" }));

        // then
        expect(fast).to.deep.equal(expected);
      });
    }

    it("should report a missing top-level variable like full FEEL does", () => {
      // given
      const fullWarnings = feelin("unknown", {}).warnings.map((w) => w.type);

      // when
      const fast = compileProperty("=unknown").evaluate({});

      // then
      expect(fullWarnings).to.include("NO_VARIABLE_FOUND");
      expect(fast).to.deep.equal({ ok: true, value: null, missing: "unknown" });
    });

    it("should not report a missing variable for one that exists with the value null", () => {
      // given / when
      const fast = compileProperty("=nothing").evaluate(variables);

      // then
      expect(fast).to.deep.equal({ ok: true, value: null });
    });

    it("should project a path over a list of contexts like full FEEL does", () => {
      // given: FEEL reads `invoices.amount` as the list of every invoice's amount
      const context = { invoices: [{ amount: 100 }, { amount: 250 }] };
      expect(fullFeel("invoices.amount", context)).to.deep.equal([100, 250]);

      // when
      const fast = valueOf(compileProperty("=invoices.amount").evaluate(context));

      // then
      expect(fast).to.deep.equal([100, 250]);
    });

    it("should not read JavaScript object internals (constructor, __proto__) through a path", () => {
      // given: a context without these entries; FEEL finds no such entry
      const context = { building: { floors: 3 } };
      expect(fullFeel("building.constructor", context)).to.equal(null);

      // when
      const constructor = valueOf(compileProperty("=building.constructor").evaluate(context));
      const proto = valueOf(compileProperty("=building.__proto__").evaluate(context));
      const toString = valueOf(compileProperty("=building.toString").evaluate(context));

      // then
      expect(constructor).to.equal(null);
      expect(proto).to.equal(null);
      expect(toString).to.equal(null);
    });
  });
});
