/**
 * Parser hardening (src/engine/model/parse.ts): what happens to untrusted bytes before and while the
 * XML parser sees them. Each refusal is an INVALID_BPMN EngineError naming the resource, what was
 * expected and what was found.
 */
import { expect } from "chai";
import { EngineError } from "../../src/engine/errors.js";
import { checkXmlShape, decodeText, LIMITS, parseBpmn } from "../../src/engine/model/parse.js";
import { fixture } from "../helpers/engine.js";

function thrown(run: () => unknown): EngineError {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(EngineError);
    return error as EngineError;
  }
  return expect.fail("Expected an EngineError, but nothing was thrown");
}

async function rejected(promise: Promise<unknown>): Promise<EngineError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(EngineError);
    return error as EngineError;
  }
  return expect.fail("Expected an EngineError, but the promise resolved");
}

/** The single problem of a refusal, checked to name the resource. */
function onlyProblem(error: EngineError, resource: string) {
  expect(error.code).to.equal("INVALID_BPMN");
  expect(error.details).to.have.length(1);
  const problem = error.details[0]!;
  expect(problem.resource).to.equal(resource);
  expect(error.message).to.contain(resource);
  return problem;
}

const nested = (levels: number) => "<a>".repeat(levels) + "</a>".repeat(levels);

describe("model: parser hardening", () => {
  describe("decodeText", () => {
    it("should return a string resource unchanged", () => {
      // given
      const xml = fixture("deploy/review-case.bpmn").toString("utf8");

      // when
      const text = decodeText("review-case.bpmn", xml);

      // then
      expect(text).to.equal(xml);
    });

    it("should decode UTF-8 bytes and drop a leading byte-order mark", () => {
      // given: what Windows editors save
      const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<bpmn:definitions name="Dossier reçu" />', "utf8")]);

      // when
      const text = decodeText("bom.bpmn", bytes);

      // then
      expect(text).to.equal('<bpmn:definitions name="Dossier reçu" />');
    });

    it("should refuse binary content (a PNG image) naming the resource and the NUL bytes found", () => {
      // given
      const png = fixture("invalid/tiny-image.png");

      // when
      const error = thrown(() => decodeText("diagram.bpmn", png));

      // then
      const problem = onlyProblem(error, "diagram.bpmn");
      expect(problem.message).to.contain("Expected an XML text file").and.contain("binary content");
    });

    it("should refuse text in another encoding than UTF-8 (Latin-1)", () => {
      // given
      const latin1 = Buffer.from('<bpmn:definitions name="Dossier reçu" />', "latin1");

      // when
      const error = thrown(() => decodeText("latin1.bpmn", latin1));

      // then
      const problem = onlyProblem(error, "latin1.bpmn");
      expect(problem.message).to.contain("Expected UTF-8").and.contain("not valid UTF-8");
    });

    it(`should accept exactly ${LIMITS.maxBytes} bytes and refuse one byte more, naming both sizes`, () => {
      // given
      const atLimit = Buffer.alloc(LIMITS.maxBytes, " ");
      const overLimit = Buffer.alloc(LIMITS.maxBytes + 1, " ");

      // when
      const accepted = decodeText("at-limit.bpmn", atLimit);
      const error = thrown(() => decodeText("over-limit.bpmn", overLimit));

      // then
      expect(accepted).to.have.length(LIMITS.maxBytes);
      const problem = onlyProblem(error, "over-limit.bpmn");
      expect(problem.message).to.contain(`at most ${LIMITS.maxBytes} bytes`).and.contain(`found ${LIMITS.maxBytes + 1} bytes`);
    });

    it("should measure a string resource in UTF-8 bytes, not in characters", () => {
      // given: 3 million 'é' are 3 million characters but 6 million bytes
      const text = "é".repeat(3_000_000);

      // when
      const error = thrown(() => decodeText("accents.bpmn", text));

      // then
      expect(onlyProblem(error, "accents.bpmn").message).to.contain("found 6000000 bytes");
    });
  });

  describe("checkXmlShape", () => {
    it("should refuse text that does not start with '<', quoting what it starts with", () => {
      // given / when
      const error = thrown(() => checkXmlShape("notes.bpmn", "Remember: second approver above 10 000 EUR"));

      // then
      const problem = onlyProblem(error, "notes.bpmn");
      expect(problem.message).to.contain("Expected an XML document starting with '<'").and.contain("'Remember: second app'");
    });

    it("should refuse a document type declaration before any entity could be expanded", () => {
      // given
      const xml = fixture("invalid/billion-laughs.bpmn").toString("utf8");

      // when
      const error = thrown(() => checkXmlShape("billion-laughs.bpmn", xml));

      // then
      expect(onlyProblem(error, "billion-laughs.bpmn").message).to.contain("Expected no document type declaration").and.contain("<!DOCTYPE>");
    });

    it("should refuse an entity declaration even without a DOCTYPE around it", () => {
      // given
      const xml = '<bpmn:definitions><!ENTITY xxe SYSTEM "file:///etc/passwd"></bpmn:definitions>';

      // when
      const error = thrown(() => checkXmlShape("xxe.bpmn", xml));

      // then
      expect(onlyProblem(error, "xxe.bpmn").message).to.contain("Expected no entity declaration").and.contain("<!ENTITY>");
    });

    it(`should accept nesting ${LIMITS.maxDepth} levels deep and refuse ${LIMITS.maxDepth + 1}`, () => {
      // given
      const atLimit = nested(LIMITS.maxDepth);
      const overLimit = nested(LIMITS.maxDepth + 1);

      // when
      checkXmlShape("at-limit.bpmn", atLimit);
      const error = thrown(() => checkXmlShape("too-deep.bpmn", overLimit));

      // then
      expect(onlyProblem(error, "too-deep.bpmn").message).to.contain(`Expected XML nested at most ${LIMITS.maxDepth} levels deep`);
    });

    it("should not count tags written inside comments, CDATA sections or processing instructions", () => {
      // given: 150 levels of tags that are text, not elements
      const fake = nested(150);
      const xml = `<?xml version="1.0"?><root><!-- ${fake} --><doc><![CDATA[${fake}]]></doc><?pi ${fake} ?></root>`;

      // when / then
      checkXmlShape("commented.bpmn", xml);
    });

    it("should not deepen the nesting for self-closing elements", () => {
      // given: 1 000 siblings
      const xml = `<root>${'<bpmn:incoming id="x" />'.repeat(1000)}</root>`;

      // when / then
      checkXmlShape("siblings.bpmn", xml);
    });

    it("should count a self-closing element whose attribute value contains '>' as closed (legal, unescaped XML)", () => {
      // given: what tools that do not escape '>' in attributes write, 150 times
      const xml = `<root>${'<zeebe:input source="=amount > 1000" target="large" />'.repeat(150)}</root>`;

      // when / then
      checkXmlShape("comparisons.bpmn", xml);
    });

    it(`should refuse more than ${LIMITS.maxElements} elements`, () => {
      // given
      const xml = `<root>${"<a/>".repeat(LIMITS.maxElements)}</root>`;

      // when
      const error = thrown(() => checkXmlShape("many.bpmn", xml));

      // then
      expect(onlyProblem(error, "many.bpmn").message).to.contain(`Expected at most ${LIMITS.maxElements} XML elements`);
    });
  });

  describe("parseBpmn", () => {
    it("should parse a Camunda Modeler file into definitions with an index of elements by id", async () => {
      // given
      const bytes = fixture("deploy/review-case.bpmn");

      // when
      const { definitions, elementsById } = await parseBpmn("review-case.bpmn", bytes);

      // then
      expect(definitions.$type).to.equal("bpmn:Definitions");
      expect(definitions.rootElements.map((e: { id: string }) => e.id)).to.deep.equal(["review-case"]);
      expect(elementsById["Activity_Review"].$type).to.equal("bpmn:UserTask");
      expect(elementsById["Flow_ToEnd"].targetRef.id).to.equal("EndEvent_CaseReviewed");
    });

    it("should read zeebe extension elements", async () => {
      // given
      const bytes = fixture("deploy/notify-customer.bpmn");

      // when
      const { elementsById } = await parseBpmn("notify-customer.bpmn", bytes);

      // then
      const [definition] = elementsById["Activity_SendLetter"].extensionElements.values;
      expect(definition.$type).to.equal("zeebe:TaskDefinition");
      expect(definition.type).to.equal("letter.send");
      expect(definition.retries).to.equal("5");
    });

    it("should ignore unknown attributes of other namespaces, such as Camunda 7 ones", async () => {
      // given
      const xml = fixture("deploy/review-case.bpmn")
        .toString("utf8")
        .replace('xmlns:modeler="', 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:modeler="')
        .replace('<bpmn:userTask id="Activity_Review"', '<bpmn:userTask id="Activity_Review" camunda:asyncBefore="true"');

      // when
      const { elementsById } = await parseBpmn("camunda7.bpmn", xml);

      // then
      expect(elementsById["Activity_Review"].$type).to.equal("bpmn:UserTask");
    });

    it("should refuse an element type BPMN does not define, naming it and its line", async () => {
      // given
      const xml = fixture("deploy/review-case.bpmn").toString("utf8").replace("<bpmn:endEvent", "<bpmn:finishEvent").replace("</bpmn:endEvent>", "</bpmn:finishEvent>");

      // when
      const error = await rejected(parseBpmn("typo.bpmn", xml));

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      const problem = error.details.find((p) => p.message.includes("bpmn:FinishEvent"));
      expect(problem, "a problem naming bpmn:FinishEvent").to.not.equal(undefined);
      expect(problem!.resource).to.equal("typo.bpmn");
      expect(problem!.message).to.match(/unknown type <bpmn:FinishEvent> \(line \d+\)/);
    });

    it("should refuse duplicate ids, naming each duplicated id", async () => {
      // given: a bad merge left two elements (and their diagram shapes) with the same ids
      const xml = fixture("invalid/duplicate-ids.bpmn");

      // when
      const error = await rejected(parseBpmn("duplicate-ids.bpmn", xml));

      // then
      expect(error.code).to.equal("INVALID_BPMN");
      expect(error.details.map((p) => p.elementId)).to.deep.equal(["Activity_Review", "Activity_Review_di"]);
      expect(error.details[0]!.message).to.contain("Expected unique element ids, but found id 'Activity_Review' more than once");
      expect(error.details[0]!.resource).to.equal("duplicate-ids.bpmn");
    });

    it("should report line numbers as editors show them, counting the first line as 1", async () => {
      // given
      const xml = fixture("invalid/duplicate-ids.bpmn").toString("utf8");
      const secondUse = xml.split("\n").findIndex((l) => l.includes('<bpmn:serviceTask id="Activity_Review"')) + 1;

      // when
      const error = await rejected(parseBpmn("duplicate-ids.bpmn", xml));

      // then
      expect(error.details[0]!.message).to.contain(`(line ${secondUse})`);
    });

    it("should refuse a document whose root is not <bpmn:definitions>", async () => {
      // given
      const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<html><body>Not a model</body></html>\n';

      // when
      const error = await rejected(parseBpmn("page.bpmn", xml));

      // then
      expect(onlyProblem(error, "page.bpmn").message).to.contain("Expected well-formed BPMN 2.0 XML").and.contain("bpmn:Definitions");
    });

    it("should run the hardening checks before the XML parser", async () => {
      // given: 10 MB and a DTD, each refused before parsing
      const big = Buffer.alloc(10 * 1024 * 1024, " ");
      const dtd = fixture("invalid/billion-laughs.bpmn");

      // when
      const tooBig = await rejected(parseBpmn("big.bpmn", big));
      const withDtd = await rejected(parseBpmn("billion-laughs.bpmn", dtd));

      // then
      expect(onlyProblem(tooBig, "big.bpmn").message).to.contain(`at most ${LIMITS.maxBytes} bytes`);
      expect(onlyProblem(withDtd, "billion-laughs.bpmn").message).to.contain("<!DOCTYPE>");
    });
  });
});
