/**
 * BPMN files in other encodings and from other vendors (issue 8): bytes are decoded by the encoding
 * their byte order mark or XML declaration names; vendor elements (Signavio, Trisotech), also outside
 * extensionElements, are skipped; what cannot be read or run is refused, naming the encoding or the
 * element id. Fixtures in test/fixtures/encodings/ are shaped like those vendors' exports, with French
 * names in ISO-8859-1, windows-1252 and UTF-16LE bytes.
 */
import { expect } from "chai";
import { EngineError } from "../../src/engine/errors.js";
import { decodeText, parseBpmn } from "../../src/engine/model/parse.js";
import { fixture, startTestEngine, type TestEngine } from "../helpers/engine.js";

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
    expect(error, String(error)).to.be.instanceOf(EngineError);
    return error as EngineError;
  }
  return expect.fail("Expected an EngineError, but the promise resolved");
}

const names = (elementsById: Record<string, { name?: string }>) =>
  Object.fromEntries(Object.entries(elementsById).filter(([, e]) => e.name).map(([id, e]) => [id, e.name]));

const declared = (body: string, encoding: string) => `<?xml version="1.0" encoding="${encoding}"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" name="${body}"/>`;

describe("model: encodings and vendor files", () => {
  describe("decodeText", () => {
    it("should decode ISO-8859-1 bytes as their XML declaration says, and declare UTF-8 in the text", () => {
      // given
      const bytes = Buffer.from(declared("Réception de la demande", "ISO-8859-1"), "latin1");

      // when
      const text = decodeText("latin1.bpmn", bytes);

      // then
      expect(text).to.contain('name="Réception de la demande"');
      expect(text).to.match(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    });

    it("should decode windows-1252 bytes, œ (0x9C), € (0x80) and ’ (0x92) included", () => {
      // given: "Mise en œuvre – 1 200 € l’unité"
      const head = Buffer.from(declared("Mise en @uvre ~ 1 200 # l'unité", "windows-1252"), "latin1");
      const bytes = Buffer.from(head.map((b) => (b === 0x40 ? 0x9c : b === 0x7e ? 0x96 : b === 0x23 ? 0x80 : b === 0x27 && head.indexOf(b) > 60 ? 0x92 : b)));

      // when
      const text = decodeText("cp1252.bpmn", bytes);

      // then
      expect(text).to.contain("Mise en œuvre – 1 200 € l’unité");
    });

    it("should read a file declaring ISO-8859-1 that holds windows-1252 characters (œ), as browsers do", () => {
      // given: many tools declare ISO-8859-1 and write windows-1252
      const bytes = Buffer.from(declared("man@uvre", "ISO-8859-1"), "latin1").map((b) => (b === 0x40 ? 0x9c : b));

      // when / then
      expect(decodeText("latin1-oe.bpmn", Buffer.from(bytes))).to.contain('name="manœuvre"');
    });

    it("should decode ISO-8859-15 (the € at 0xA4)", () => {
      const bytes = Buffer.from(declared("Coût : 5 ¤", "ISO-8859-15"), "latin1");
      expect(decodeText("latin9.bpmn", bytes)).to.contain("Coût : 5 €");
    });

    it("should decode UTF-16LE and UTF-16BE with a byte order mark, and UTF-16LE without one", () => {
      // given
      const xml = declared("Réception de la demande", "UTF-16");
      const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, "utf16le")]);
      const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(xml, "utf16le").swap16()]);
      const bare = Buffer.from(xml, "utf16le");

      // when / then
      for (const [name, bytes] of [["le.bpmn", le], ["be.bpmn", be], ["bare.bpmn", bare]] as const) {
        const text = decodeText(name, bytes);
        expect(text, name).to.contain('name="Réception de la demande"').and.match(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
      }
    });

    it("should refuse an encoding it cannot decode, naming the encoding found and the ones it reads", () => {
      // given
      const bytes = Buffer.from(declared("x", "Shift_JIS"), "latin1");

      // when
      const error = thrown(() => decodeText("sjis.bpmn", bytes));

      // then
      const problem = error.details[0]!;
      expect(error.code).to.equal("INVALID_BPMN");
      expect(problem.resource).to.equal("sjis.bpmn");
      expect(problem.message).to.contain("'Shift_JIS'").and.contain("UTF-8").and.contain("UTF-16").and.contain("ISO-8859-1").and.contain("windows-1252");
    });

    it("should refuse Latin-1 bytes without a declaration, saying on which line and how to declare the encoding", () => {
      // given: no declaration means UTF-8 in XML
      const bytes = Buffer.from('<bpmn:definitions id="d">\n  <bpmn:process id="p" name="Réception"/>\n</bpmn:definitions>', "latin1");

      // when
      const error = thrown(() => decodeText("undeclared.bpmn", bytes));

      // then
      expect(error.details[0]!.message).to.contain("not valid UTF-8 (line 2)").and.contain('encoding="windows-1252"');
    });

    it("should refuse a UTF-16 file whose declaration names an 8-bit encoding", () => {
      const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(declared("x", "ISO-8859-1"), "utf16le")]);
      expect(thrown(() => decodeText("mixed.bpmn", bytes)).details[0]!.message).to.contain("says 'ISO-8859-1'").and.contain("UTF-16LE");
    });

    it("should still refuse binary content in UTF-16 clothing", () => {
      const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("<a>\u0000</a>", "utf16le")]);
      expect(thrown(() => decodeText("nul16.bpmn", bytes)).details[0]!.message).to.contain("binary content");
    });
  });

  describe("parseBpmn", () => {
    it("should parse a Signavio export in ISO-8859-1 with vendor elements in and outside extensionElements", async () => {
      // when
      const { elementsById } = await parseBpmn("signavio.bpmn", fixture("encodings/signavio-iso-8859-1.bpmn"));

      // then
      expect(names(elementsById)).to.include({
        "demande-de-pret": "Traitement d'une demande de prêt",
        "sid-start": "Réception de la demande",
        "sid-verif": "Vérification des pièces justificatives",
        "sid-decision": "Décision du conseiller",
        "sid-end": "Demande traitée",
      });
    });

    it("should parse a Trisotech export in windows-1252 with triso: elements outside extensionElements and an external message reference", async () => {
      // when
      const { elementsById } = await parseBpmn("trisotech.bpmn", fixture("encodings/trisotech-windows-1252.bpmn"));

      // then
      expect(names(elementsById)).to.include({
        "mise-en-oeuvre": "Mise en œuvre des travaux",
        _planifier: "Planifier l’intervention (coût estimé : 1 200 €)",
        _reception: "Réception de l’œuvre “sans réserve”",
      });
    });

    it("should parse a UTF-16LE file with a byte order mark", async () => {
      const { elementsById } = await parseBpmn("utf16.bpmn", fixture("encodings/utf-16le-bom.bpmn"));
      expect(elementsById["sid-end"].name).to.equal("Demande traitée — dossier complété");
    });

    it("should refuse a zeebe element outside extensionElements, naming the element it sits in", async () => {
      // given: the job type the designer expected to apply would be silently lost
      const xml = fixture("encodings/signavio-iso-8859-1.bpmn").toString("latin1")
        .replace('<signavio:signavioStencil id="Task" reference="Tâche"/>', '<zeebe:taskDefinition type="perdu"/>');

      // when
      const error = await rejected(parseBpmn("misplaced.bpmn", Buffer.from(xml, "latin1")));

      // then
      const problem = error.details.find((p) => p.message.includes("zeebe:taskDefinition"));
      expect(problem, JSON.stringify(error.details)).to.include({ resource: "misplaced.bpmn", elementId: "sid-verif" });
    });

    it("should name the element of an unknown BPMN element type", async () => {
      const xml = fixture("deploy/review-case.bpmn").toString("utf8").replace("<bpmn:endEvent", "<bpmn:finishEvent").replace("</bpmn:endEvent>", "</bpmn:finishEvent>");
      const error = await rejected(parseBpmn("typo.bpmn", xml));
      expect(error.details.find((p) => p.message.includes("bpmn:FinishEvent"))).to.include({ elementId: "EndEvent_CaseReviewed" });
    });
  });

  describe("deploying vendor files", () => {
    let t: TestEngine;
    beforeEach(async () => { t = await startTestEngine(); });
    afterEach(async () => { await t.close(); });

    it("should deploy and run an executable Signavio export in ISO-8859-1, French names intact", async () => {
      // given
      await t.engine.deploy([{ name: "demande.bpmn", content: fixture("encodings/signavio-iso-8859-1.bpmn") }]);
      t.engine.createWorker({ type: "verifier-pieces", handler: async () => ({ complet: true }) });

      // when
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "demande-de-pret" });
      let tasks = t.engine.userTasks({ processInstanceKey });
      for (let i = 0; i < 50 && tasks.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        tasks = t.engine.userTasks({ processInstanceKey });
      }

      // then
      expect(tasks.map((task) => [task.elementId, task.name])).to.deep.equal([["sid-decision", "Décision du conseiller"]]);
    });

    it("should deploy a Trisotech export in windows-1252 and a UTF-16LE file", async () => {
      const result = await t.engine.deploy([
        { name: "travaux.bpmn", content: fixture("encodings/trisotech-windows-1252.bpmn") },
        { name: "utf16.bpmn", content: fixture("encodings/utf-16le-bom.bpmn") },
      ]);
      expect(JSON.stringify(result)).to.contain("mise-en-oeuvre").and.contain("demande-utf16");
    });

    it("should refuse an executable vendor file with every problem naming its element id", async () => {
      // when: a service task without a job type, a DMN business rule task
      const error = await rejected(t.engine.deploy([{ name: "dmn.bpmn", content: fixture("encodings/signavio-iso-8859-1-unsupported.bpmn") }]));

      // then
      expect(error.details.map((p) => p.elementId).sort()).to.deep.equal(["sid-decision", "sid-verif"]);
      expect(error.details.every((p) => p.resource === "dmn.bpmn")).to.equal(true);
    });
  });
});
