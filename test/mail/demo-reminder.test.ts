/**
 * The shipped customer-file-validation, opened by a new "Client" dossier, with the mail.send worker
 * and a real SMTP sink: two days without the documents and the reminder arrives at the sink with the
 * dossier reference in its subject and the Reply-To plus address that threads the answer back.
 */
import { expect } from "chai";
import { deployFolder } from "../../src/main.js";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.js";
import { PROCESSES, startMailWorld, type MailWorld } from "./support.js";

const DAY = 24 * 60 * 60 * 1000;

describe("demo: the documents reminder of a new customer file reaches the SMTP sink", function () {
  this.timeout(60_000);
  let sink: SmtpSink;
  let w: MailWorld | undefined;
  afterEach(async () => {
    await w?.stop();
    w = undefined;
    await sink.stop();
  });

  it("should e-mail the customer the missing documents two days after the file was opened", async () => {
    // given a new customer file (its opening process asks for the documents)
    sink = await startSmtpSink();
    w = await startMailWorld({ MAIL_SMTP_URL: sink.url, MAIL_FROM: "Horizon Assurances <dossiers@horizon-assurances.fr>" });
    await deployFolder(w.t.engine, PROCESSES);
    const { dossier, processInstanceKey } = await w.domain.service.create(null, {
      type: "client", title: "Menuiserie Rousseau", data: { segment: "professionnel", origine: "telephone" },
      parties: [{ role: "customer", party: { kind: "organisation", name: "MENUISERIE ROUSSEAU", emails: ["contact@menuiserie-rousseau.fr"] } }],
    });
    expect(processInstanceKey).to.be.a("number");
    const pi = processInstanceKey!;
    const collect = w.t.engine.userTasks({ processInstanceKey: pi, elementId: "CollectDocuments", state: "CREATED" });
    await w.t.engine.completeUserTask(collect[0]!.key, { kbis: true, rib: false, decisionMakerId: true });

    // when two days pass
    w.t.clock.advance(2 * DAY);
    await w.t.engine.fireDueTimers();

    // then the reminder arrives, threaded to the dossier, and the process moved on past the mail task
    const [got] = await sink.until(1, 20_000);
    const m = got!.parsed;
    expect(m.subject).to.equal(`Pièces manquantes pour votre dossier « Menuiserie Rousseau » [${dossier.reference}]`);
    expect(m.replyTo?.value[0]?.address).to.equal(`dossiers+${dossier.reference}@horizon-assurances.fr`);
    expect(m.text).to.include("- un RIB").and.not.include("Kbis de moins");
    expect(got!.envelope.to).to.deep.equal(["contact@menuiserie-rousseau.fr"]);
    const deadline = Date.now() + 10_000;
    while (!w.t.engine.history(pi).some((r) => r.type === "ELEMENT_COMPLETED" && r.elementId === "CustomerReminded") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(w.t.engine.history(pi).some((r) => r.type === "ELEMENT_COMPLETED" && r.elementId === "CustomerReminded")).to.equal(true);
    const sent = w.domain.journal.entries(dossier.id, { includePrivate: true, actions: ["mail.sent"] });
    expect(sent.map((e) => (e.after as { messageId: string }).messageId)).to.deep.equal([m.messageId]);
  });
});
