/**
 * Refused deployments: every broken input gets an EngineError with a stable code whose `details`
 * list each problem with its resource, the element id when there is one, what was expected and
 * what was found. The summary message repeats each problem. Broken inputs live in
 * test/fixtures/invalid/; the 10 MB and most binary inputs are generated here.
 */
import { expect } from "chai";
import type { DeployResource } from "../../src/engine/deploy.js";
import type { Engine } from "../../src/engine/engine.js";
import { EngineError, type Problem } from "../../src/engine/errors.js";
import { fixture, startTestEngine, type TestEngine } from "../helpers/engine.js";

async function refusal(engine: Engine, resources: DeployResource[]): Promise<EngineError> {
  try {
    await engine.deploy(resources);
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(EngineError);
    return error as EngineError;
  }
  return expect.fail(`Expected the deployment of ${resources.map((r) => r.name).join(", ")} to be refused, but it was accepted`);
}

/** Deploys fixtures from test/fixtures/invalid/ under their own file names. */
function refusalOf(engine: Engine, ...names: string[]): Promise<EngineError> {
  return refusal(engine, names.map((name) => ({ name, content: fixture(`invalid/${name}`) })));
}

/** Finds the problem about `elementId` in `resource` whose message says every fragment, and checks the summary repeats it. */
function expectProblem(error: EngineError, where: { resource: string; elementId?: string }, ...says: string[]): Problem {
  const problem = error.details.find((p) => p.resource === where.resource && p.elementId === where.elementId && says.every((s) => p.message.includes(s)));
  const label = `${where.resource}${where.elementId ? `#${where.elementId}` : ""}`;
  expect(problem, `a problem about ${label} saying ${says.map((s) => `'${s}'`).join(" and ")}; found ${JSON.stringify(error.details, null, 2)}`).to.not.equal(undefined);
  expect(error.message).to.contain(label).and.contain(problem!.message);
  return problem!;
}

function lineOf(text: string, fragment: string): number {
  return text.split("\n").findIndex((l) => l.includes(fragment)) + 1;
}

describe("model: refused deployments", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
  });

  afterEach(async () => {
    await t.close();
  });

  describe("hostile or unreadable files", () => {
    it("should refuse malformed XML (an unclosed tag) as not well-formed, naming the tag where it broke", async () => {
      // given: the closing </bpmn:userTask> is missing

      // when
      const error = await refusalOf(t.engine, "unclosed-tag.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expect(error.details).to.have.length(1);
      expectProblem(error, { resource: "unclosed-tag.bpmn" }, "Expected well-formed BPMN 2.0 XML", "</bpmn:process>");
    });

    it("should name the line at which malformed XML was detected", async () => {
      // given
      const text = fixture("invalid/unclosed-tag.bpmn").toString("utf8");
      const line = lineOf(text, "</bpmn:process>");

      // when
      const error = await refusalOf(t.engine, "unclosed-tag.bpmn");

      // then
      expectProblem(error, { resource: "unclosed-tag.bpmn" }, "Expected well-formed BPMN 2.0 XML", `line ${line}`);
    });

    it("should refuse a DOCTYPE with nested entities (billion laughs) without expanding them", async () => {
      // given: nine levels of entities that would expand to a billion 'lol'

      // when
      const error = await refusalOf(t.engine, "billion-laughs.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expectProblem(error, { resource: "billion-laughs.bpmn" }, "Expected no document type declaration", "<!DOCTYPE>");
    });

    it("should refuse a binary file (a PNG image saved as .bpmn) as binary content", async () => {
      // given
      const png = fixture("invalid/tiny-image.png");

      // when
      const error = await refusal(t.engine, [{ name: "diagram.bpmn", content: png }]);

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expectProblem(error, { resource: "diagram.bpmn" }, "Expected an XML text file", "binary content");
    });

    it("should refuse bytes that are not UTF-8 text", async () => {
      // given: 4 KB of high bytes, no NUL among them
      const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => 0x80 + ((i * 37) % 0x7f)));

      // when
      const error = await refusal(t.engine, [{ name: "scrambled.bpmn", content: bytes }]);

      // then
      expectProblem(error, { resource: "scrambled.bpmn" }, "Expected UTF-8 encoded XML", "not valid UTF-8");
    });

    it("should refuse 10 MB of XML, naming the 5 MB cap and the size found", async () => {
      // given: a valid model padded with a 10 MB comment
      const valid = fixture("deploy/review-case.bpmn").toString("utf8");
      const huge = Buffer.from(valid.replace("</bpmn:definitions>", `<!-- ${"padding ".repeat(10 * 1024 * 128)} -->\n</bpmn:definitions>`));
      expect(huge.length).to.be.greaterThan(10 * 1024 * 1024);

      // when
      const error = await refusal(t.engine, [{ name: "huge.bpmn", content: huge }]);

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expectProblem(error, { resource: "huge.bpmn" }, `at most ${5 * 1024 * 1024} bytes`, `found ${huge.length} bytes`);
    });

    it("should refuse XML nested deeper than 100 levels (120 nested sub-processes)", async () => {
      // given / when
      const error = await refusalOf(t.engine, "deeply-nested.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expectProblem(error, { resource: "deeply-nested.bpmn" }, "Expected XML nested at most 100 levels deep");
    });

    it("should refuse an empty file, saying an XML document was expected", async () => {
      // given / when
      const error = await refusal(t.engine, [{ name: "empty.bpmn", content: Buffer.alloc(0) }]);

      // then
      expectProblem(error, { resource: "empty.bpmn" }, "Expected an XML document starting with '<'");
    });
  });

  describe("broken models", () => {
    it("should refuse duplicate ids, naming the id used twice", async () => {
      // given / when
      const error = await refusalOf(t.engine, "duplicate-ids.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expectProblem(error, { resource: "duplicate-ids.bpmn", elementId: "Activity_Review" }, "Expected unique element ids", "'Activity_Review' more than once");
    });

    it("should refuse a condition that is not valid FEEL, naming the flow and the expression", async () => {
      // given / when
      const error = await refusalOf(t.engine, "feel-condition-syntax.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expectProblem(error, { resource: "feel-condition-syntax.bpmn", elementId: "Flow_Large" }, "Expected a valid FEEL expression for the condition", "'=amount >' does not parse");
    });

    it("should report a broken condition once, not also as a missing condition", async () => {
      // given: Flow_Large has a condition, only it does not parse

      // when
      const error = await refusalOf(t.engine, "feel-condition-syntax.bpmn");

      // then
      expect(error.details.map((p) => p.message)).to.have.length(1);
      expect(error.message).to.not.contain("but it has neither");
    });

    it("should refuse an input mapping that is not valid FEEL, naming the task, the mapping and the expression", async () => {
      // given / when
      const error = await refusalOf(t.engine, "feel-io-mapping-syntax.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expect(error.details).to.have.length(1);
      expectProblem(error, { resource: "feel-io-mapping-syntax.bpmn", elementId: "Activity_SendLetter" }, "Expected a valid FEEL expression for the input mapping 'greeting'", `'="Dear " + customer.name +' does not parse`);
    });

    it("should refuse a zeebe:script that is not valid FEEL, naming the script task and the expression", async () => {
      // given / when
      const error = await refusalOf(t.engine, "feel-script-syntax.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expectProblem(error, { resource: "feel-script-syntax.bpmn", elementId: "Activity_Total" }, "Expected a valid FEEL expression for the script", "'=sum(invoices.amount' does not parse");
    });

    it("should refuse a sequence flow whose targetRef names no element, naming the flow and the missing id", async () => {
      // given: Flow_ToArchive leads to Activity_Archive, which was deleted

      // when
      const error = await refusalOf(t.engine, "unknown-target-ref.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expectProblem(error, { resource: "unknown-target-ref.bpmn", elementId: "Flow_ToArchive" }, "'Activity_Archive'", "does not exist");
    });

    it("should refuse a gateway whose default flow is not one of its outgoing flows", async () => {
      // given: Gateway_Amount's default is Flow_ToCheck, which leaves the start event

      // when
      const error = await refusalOf(t.engine, "default-flow-not-outgoing.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expectProblem(error, { resource: "default-flow-not-outgoing.bpmn", elementId: "Gateway_Amount" }, "Expected the default flow 'Flow_ToCheck' of 'Gateway_Amount' to be one of its outgoing flows");
    });

    it("should refuse a file whose only process is not executable, naming the process", async () => {
      // given / when
      const error = await refusalOf(t.engine, "not-executable.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expectProblem(error, { resource: "not-executable.bpmn", elementId: "not-executable" }, 'Expected at least one executable process (isExecutable="true")', "'not-executable' is not executable");
    });

    it("should refuse a process without a start event", async () => {
      // given / when
      const error = await refusalOf(t.engine, "no-start-event.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expectProblem(error, { resource: "no-start-event.bpmn", elementId: "no-start-event" }, "Expected process 'no-start-event' to have a start event", "found none");
    });

    it("should refuse a process with two none start events, naming both", async () => {
      // given / when
      const error = await refusalOf(t.engine, "two-start-events.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expectProblem(error, { resource: "two-start-events.bpmn", elementId: "two-start-events" }, "at most one none start event", "found 2: StartEvent_ByMail, StartEvent_ByPortal");
    });

    it("should refuse sequence flows without a source or a target, naming each flow and the missing end", async () => {
      // given / when
      const error = await refusalOf(t.engine, "dangling-flows.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expect(error.details).to.have.length(2);
      expectProblem(error, { resource: "dangling-flows.bpmn", elementId: "Flow_NoTarget" }, "Expected sequence flow 'Flow_NoTarget' to connect two elements", "its target is missing");
      expectProblem(error, { resource: "dangling-flows.bpmn", elementId: "Flow_NoSource" }, "Expected sequence flow 'Flow_NoSource' to connect two elements", "its source is missing");
    });

    it("should refuse a service task without zeebe:taskDefinition", async () => {
      // given / when
      const error = await refusalOf(t.engine, "service-task-without-definition.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expectProblem(error, { resource: "service-task-without-definition.bpmn", elementId: "Activity_SendLetter" }, "Expected 'Activity_SendLetter' to have a zeebe:taskDefinition with a job type", "found none");
    });

    it("should refuse a complex gateway as not supported yet", async () => {
      // given / when
      const error = await refusalOf(t.engine, "complex-gateway.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expectProblem(error, { resource: "complex-gateway.bpmn", elementId: "Activity_KycCheck" }, "ComplexGateway", "not supported yet");
    });

    it("should refuse a conditional boundary event as not supported yet", async () => {
      // given / when
      const error = await refusalOf(t.engine, "conditional-boundary-event.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expectProblem(error, { resource: "conditional-boundary-event.bpmn", elementId: "Event_ReviewOverdue" }, "Conditional", "not supported yet");
    });

    it("should refuse a gateway without outgoing flow as having no way out", async () => {
      // given / when
      const error = await refusalOf(t.engine, "gateway-no-way-out.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expectProblem(error, { resource: "gateway-no-way-out.bpmn", elementId: "Gateway_Decision" }, "Expected gateway 'Gateway_Decision' to have at least one outgoing sequence flow", "no way out");
    });

    it("should refuse an exclusive gateway flow that has no condition and is not the default", async () => {
      // given / when
      const error = await refusalOf(t.engine, "unconditioned-flow.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expectProblem(error, { resource: "unconditioned-flow.bpmn", elementId: "Flow_Small" }, "leaving gateway 'Gateway_Amount' to have a condition or to be the default flow", "it has neither");
    });

    it("should refuse a condition on a flow leaving a task", async () => {
      // given / when
      const error = await refusalOf(t.engine, "condition-on-task-flow.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expectProblem(error, { resource: "condition-on-task-flow.bpmn", elementId: "Flow_Sent" }, "Expected conditions only on flows leaving exclusive or inclusive gateways", "leaves 'Activity_SendLetter'");
    });

    it("should refuse static job retries that are not a whole number", async () => {
      // given / when
      const error = await refusalOf(t.engine, "non-numeric-retries.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expectProblem(error, { resource: "non-numeric-retries.bpmn", elementId: "Activity_SendLetter" }, "Expected the job retries of 'Activity_SendLetter' to be a whole number", "found 'three'");
    });

    it("should refuse empty static job retries (retries=\"\") instead of accepting a task that cannot start", async () => {
      // given / when
      const error = await refusalOf(t.engine, "empty-retries.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expectProblem(error, { resource: "empty-retries.bpmn", elementId: "Activity_SendLetter" }, "retries");
    });

    it("should refuse a static priority that is not a number", async () => {
      // given / when
      const error = await refusalOf(t.engine, "invalid-priority.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expectProblem(error, { resource: "invalid-priority.bpmn", elementId: "Activity_Review" }, "Expected the priority of 'Activity_Review' to be a whole number from 0 to 100", "found 'urgent'");
    });

    it("should refuse a static priority above 100", async () => {
      // given / when
      const error = await refusalOf(t.engine, "priority-out-of-range.bpmn");

      // then
      expectProblem(error, { resource: "priority-out-of-range.bpmn", elementId: "Activity_Review" }, "from 0 to 100", "found '150'");
    });

    it("should refuse a static due date that is not a date", async () => {
      // given / when
      const error = await refusalOf(t.engine, "invalid-due-date.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expectProblem(error, { resource: "invalid-due-date.bpmn", elementId: "Activity_Review" }, "Expected the due date of 'Activity_Review' to be an ISO 8601 date-time", "found 'next friday'");
    });

    it("should refuse a static due date written in English rather than ISO 8601 ('May 5, 2026')", async () => {
      // given / when
      const error = await refusalOf(t.engine, "due-date-not-iso.bpmn");

      // then
      expectProblem(error, { resource: "due-date-not-iso.bpmn", elementId: "Activity_Review" }, "ISO 8601", "found 'May 5, 2026'");
    });
  });

  describe("bad resource lists", () => {
    it("should refuse an empty resource list with INVALID_ARGUMENT", async () => {
      // given / when
      const error = await refusal(t.engine, []);

      // then
      expect(error.code).to.equal("INVALID_ARGUMENT");
      expect(error.message).to.equal("Expected at least one resource to deploy, but found none");
    });

    it("should refuse a resource without content with INVALID_ARGUMENT naming the resource", async () => {
      // given: what a client sending JSON without the file body produces
      const resource = { name: "review-case.bpmn" } as unknown as DeployResource;

      // when
      const error = await refusal(t.engine, [resource]);

      // then
      expect(error.code).to.equal("INVALID_ARGUMENT");
      expect(error.message).to.contain("review-case.bpmn");
    });

    it("should refuse a .txt resource, naming the accepted kinds and the file found", async () => {
      // given / when
      const error = await refusalOf(t.engine, "notes.txt");

      // then
      expectProblem(error, { resource: "notes.txt" }, "Expected a .bpmn or .form resource", "found 'notes.txt'");
    });

    it("should refuse an image under its own name as an unsupported resource kind", async () => {
      // given / when
      const error = await refusalOf(t.engine, "tiny-image.png");

      // then
      expectProblem(error, { resource: "tiny-image.png" }, "Expected a .bpmn or .form resource", "found 'tiny-image.png'");
    });

    it("should refuse a form that is not JSON, with the JSON parser's reason", async () => {
      // given / when
      const error = await refusalOf(t.engine, "not-json.form");

      // then
      expectProblem(error, { resource: "not-json.form" }, "Expected a form-js JSON schema", "the JSON does not parse");
    });

    it("should refuse a form without an id", async () => {
      // given / when
      const error = await refusalOf(t.engine, "form-without-id.form");

      // then
      expectProblem(error, { resource: "form-without-id.form" }, "Expected a form-js schema object with a string 'id'", "found none");
    });

    it("should refuse a deployment whose only problems are in non-BPMN resources with INVALID_RESOURCE", async () => {
      // given / when
      const badForm = await refusalOf(t.engine, "not-json.form");
      const textFile = await refusalOf(t.engine, "notes.txt");

      // then
      expect(badForm.code).to.equal("INVALID_RESOURCE");
      expect(textFile.code).to.equal("INVALID_RESOURCE");
    });
  });

  describe("every problem is listed", () => {
    it("should list all three problems of one model, each with its element id", async () => {
      // given: a broken output mapping, a service task without job type, a gateway with no way out

      // when
      const error = await refusalOf(t.engine, "three-problems.bpmn");

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expect(error.details.map((p) => p.elementId)).to.deep.equal(["Activity_Review", "Activity_SendLetter", "Gateway_Archive"]);
      expectProblem(error, { resource: "three-problems.bpmn", elementId: "Activity_Review" }, "output mapping 'approved'", "'=decision +' does not parse");
      expectProblem(error, { resource: "three-problems.bpmn", elementId: "Activity_SendLetter" }, "zeebe:taskDefinition");
      expectProblem(error, { resource: "three-problems.bpmn", elementId: "Gateway_Archive" }, "no way out");
      expect(error.message).to.contain("3 problem(s)");
    });

    it("should list the problems of every resource of a deployment, each with its resource name", async () => {
      // given: two broken models and a broken form, next to a valid model

      // when
      const error = await refusal(t.engine, [
        { name: "review-case.bpmn", content: fixture("deploy/review-case.bpmn") },
        { name: "no-start-event.bpmn", content: fixture("invalid/no-start-event.bpmn") },
        { name: "complex-gateway.bpmn", content: fixture("invalid/complex-gateway.bpmn") },
        { name: "form-without-id.form", content: fixture("invalid/form-without-id.form") },
      ]);

      // then
      expect(error.details.map((p) => p.resource)).to.deep.equal(["no-start-event.bpmn", "complex-gateway.bpmn", "form-without-id.form"]);
      expectProblem(error, { resource: "no-start-event.bpmn", elementId: "no-start-event" }, "start event");
      expectProblem(error, { resource: "complex-gateway.bpmn", elementId: "Activity_KycCheck" }, "not supported yet");
      expectProblem(error, { resource: "form-without-id.form" }, "'id'");
      expect(t.engine.definitions.all()).to.deep.equal([]);
    });
  });

  describe("valid input that must not be refused", () => {
    it("should accept a model that writes '>' unescaped in attribute values (legal XML)", async () => {
      // given: 100 input mappings like source="=answers.q1 > 2", as tools that do not escape '>' write them
      const content = fixture("deploy/unescaped-comparisons.bpmn");

      // when
      const { processes } = await t.engine.deploy([{ name: "unescaped-comparisons.bpmn", content }]);

      // then
      expect(processes.map((p) => [p.bpmnProcessId, p.version])).to.deep.equal([["score-questionnaire", 1]]);
    });

    it("should accept a UTF-8 file starting with a byte-order mark", async () => {
      // given
      const content = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fixture("deploy/review-case.bpmn")]);

      // when
      const { processes } = await t.engine.deploy([{ name: "review-case.bpmn", content }]);

      // then
      expect(processes.map((p) => [p.bpmnProcessId, p.version])).to.deep.equal([["review-case", 1]]);
    });
  });
});
