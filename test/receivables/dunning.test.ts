/**
 * Dunning scenarios walked day by day under a pinned clock over 60+ days, on the real server:
 *   A small business (relance-standard): J-3 mail, J+5 level-1 mail, J+12 SMS, J+20 call, J+30 letter, J+45 formal notice;
 *   B large account (relance-grands-comptes, formal): J-7, J+10, J+25 call, J+40 mail, J+55 letter — no SMS, no notice yet;
 *   C pays after the level-1 mail: its scenario ends on the payment, nothing more is sent;
 *   D bad payer (relance-mauvais-payeur) promises at the J+7 call, the promise passes unpaid: broken, and the notice follows;
 *   E has two invoices due the same day: ONE level-1 mail lists both.
 * Then the print run: the batch PDF (address sheet + letter) and its manifest, the notice read back (pdftotext, pdftoppm → PNG).
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { OUTPUT } from "../helpers/browser.js";
import { addDays, startWorld, type World } from "./support.js";

const DUE = "2026-05-04";

describe("receivables: dunning scenarios over 60 days (pinned clock)", function () {
  this.timeout(240_000);
  let w: World;
  const refs: Record<string, string> = {};

  const customer = async (key: string, name: string, email: string, extra: Record<string, unknown> = {}) => {
    const res = await w.api.call("POST", "/api/dossiers", {
      as: "agent",
      body: { type: "client", title: name, data: { segment: "professionnel" }, parties: [{ role: "customer", party: { kind: "organisation", name, emails: [email], phones: [{ number: "06 11 22 33 44", label: "mobile" }], address: { street: "rue des Lilas", number: "3", postcode: "69003", city: "Lyon", country: "FR" }, preferredChannel: "email", language: "fr", ...extra } }] },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    refs[key] = res.body.reference ?? res.body.dossier?.reference;
    return refs[key]!;
  };

  before(async () => {
    w = await startWorld();
    await w.at("2026-04-01", 8);
    const r = w.receivables;
    for (const [key, name, email] of [["A", "ATELIER DUBOIS", "compta@atelier-dubois.fr"], ["B", "GROUPE LOGISTA", "fournisseurs@logista.fr"], ["C", "CAFÉ DU PORT", "contact@cafeduport.fr"], ["D", "TRANSPORTS RAPIDO", "compta@rapido.fr"], ["E", "FLEURS & CO", "bonjour@fleurs-co.fr"]] as const) {
      await customer(key, name, email);
    }
    const partyOf = (key: string) => r.invoices.customerParty(w.api.server.domain.service.byReference(refs[key]!).id)!;
    r.dunning.saveAccount(partyOf("B"), { segment: "large_account" }, "test");
    r.dunning.saveAccount(partyOf("D"), { segment: "bad_payer", collector: "agent" }, "test");
    const inv = (number: string, key: string, gross: number) => r.invoices.upsert({ number, customer: { dossierReference: refs[key]! }, issueDate: "2026-04-01", dueDate: DUE, netCents: gross - gross / 6, vatCents: gross / 6, grossCents: gross, source: "api" }, "erp");
    await inv("A-100", "A", 60000);
    await inv("B-100", "B", 1_200_000);
    await inv("C-100", "C", 24000);
    await inv("D-100", "D", 180000);
    await inv("E-100", "E", 30000);
    await inv("E-101", "E", 42000);
    await w.settle();
  });
  after(async () => {
    await w?.stop();
  });

  const actions = (number: string) =>
    (w.receivables.invoices as any).deps.db.prepare(`SELECT a.level, a.channel, a.on_date AS day, a.outcome FROM dunning_action a JOIN invoice i ON i.id = a.invoice_id WHERE i.number = ? ORDER BY a.id`).all(number) as Array<{ level: number | null; channel: string; day: string; outcome: string }>;

  it("walks five customers day by day from J-8 to J+62", async () => {
    const r = w.receivables;
    const engine = w.api.server.engine;
    const db = (r.invoices as any).deps.db;
    const keyOf = (number: string) => db.prepare(`SELECT process_instance_key AS k FROM dunning_case c JOIN invoice i ON i.id = c.invoice_id WHERE i.number = ?`).get(number)?.k as number | undefined;
    for (let d = -8; d <= 62; d++) {
      const day = addDays(DUE, d);
      await w.at(day);
      await r.dunning.run({ today: day });
      await w.settle();
      if (d === 6) await r.invoices.recordPayment({ invoiceNumber: "C-100", amountCents: 24000, receivedOn: day, source: "csv", method: "virement" }, "bank");
      // The collectors' call tasks: D promises to pay at J+10, the others do not answer.
      for (const t of engine.userTasks({}).filter((t) => t.state === "CREATED" && t.elementId === "Call")) {
        const vars = engine.variables(t.processInstanceKey);
        const promise = vars["invoiceNumber"] === "D-100" && !vars["promiseId"];
        await engine.completeUserTask(t.key, promise ? { outcome: "promise", promisedOn: addDays(DUE, 10), contactName: "M. Rapido" } : { outcome: "no_answer" });
      }
      await w.settle();
    }
    const sent = (n: string) => actions(n).filter((a) => a.outcome !== "skipped").map((a) => `${a.day} ${a.channel}${a.level ?? ""} ${a.outcome}`);
    expect(sent("A-100")).to.deep.equal([
      `${addDays(DUE, -3)} email0 sent`, `${addDays(DUE, 5)} email1 sent`, `${addDays(DUE, 12)} sms2 sent`, `${addDays(DUE, 20)} call3 no_answer`,
      `${addDays(DUE, 30)} letter4 sent`, `${addDays(DUE, 45)} notice5 sent`,
    ]);
    expect(sent("B-100")).to.deep.equal([
      `${addDays(DUE, -7)} email0 sent`, `${addDays(DUE, 10)} email1 sent`, `${addDays(DUE, 25)} call3 no_answer`, `${addDays(DUE, 40)} email2 sent`, `${addDays(DUE, 55)} letter4 sent`,
    ]);
    // C: paid at J+6, its scenario ended on the payment message.
    expect(sent("C-100")).to.deep.equal([`${addDays(DUE, -3)} email0 sent`, `${addDays(DUE, 5)} email1 sent`]);
    expect(engine.processInstance(keyOf("C-100")!)?.state).to.equal("COMPLETED");
    expect(engine.history(keyOf("C-100")!).some((h) => h.elementId === "End_Paid")).to.equal(true);
    expect((await w.api.call("GET", "/api/invoices/C-100", { as: "agent" })).body).to.include({ status: "paid", paidOn: addDays(DUE, 6), balanceCents: 0 });
    // D: bad payer; the promise for J+10 was broken at J+11 and the notice went at J+15.
    expect(sent("D-100")).to.deep.equal([
      `${addDays(DUE, 1)} email1 sent`, `${addDays(DUE, 4)} sms2 sent`, `${addDays(DUE, 7)} call3 promise`, `${addDays(DUE, 11)} call promise_broken`, `${addDays(DUE, 15)} notice5 sent`,
    ]);
    expect(db.prepare(`SELECT p.promised_on, p.status, p.settled_on FROM payment_promise p JOIN invoice i ON i.id = p.invoice_id WHERE i.number = 'D-100'`).all()).to.deep.equal([{ promised_on: addDays(DUE, 10), status: "broken", settled_on: addDays(DUE, 11) }]);
    // E: one reminder per level for both invoices (the second folded into the first).
    expect(actions("E-101").filter((a) => a.level === 1).map((a) => a.outcome)).to.deep.equal(["grouped"]);
    const eMails = w.sink.mails.filter((m) => m.envelope.to.includes("bonjour@fleurs-co.fr") && /échues/.test(m.parsed.subject ?? ""));
    expect(eMails.length, "one level-1 mail for two invoices").to.equal(1);
    expect(eMails[0]!.parsed.subject).to.match(/^2 factures échues — 720,00\s€ à régler/);
    expect(eMails[0]!.parsed.text).to.include("facture E-100").and.to.include("facture E-101");
    // The dossier's journal has every reminder and call.
    const journal = (await w.api.call("GET", `/api/dossiers/${refs["A"]}/journal?limit=200`, { as: "agent" })).body;
    const entries = journal.items ?? journal.entries ?? journal;
    expect(entries.filter((e: any) => /^Relance niveau/.test(e.summary ?? "")).length).to.equal(5);
    expect(entries.filter((e: any) => e.action === "call.logged").length).to.equal(1);
  });

  it("prints the letters in one batch (address sheet + letter, manifest) with the notice's legal mentions", async () => {
    const batch = await w.receivables.diffusion.printRun();
    expect(batch, "a batch").to.not.equal(null);
    const manifest = JSON.parse(readFileSync(batch!.manifestPath, "utf8"));
    expect(manifest.letters.map((l: any) => l.kind).sort()).to.deep.equal(["letter", "letter", "letter", "notice", "notice", "notice"]);
    expect(existsSync(batch!.manifestPath.replace(/\.json$/, ".csv"))).to.equal(true);
    const text = execFileSync("pdftotext", [batch!.pdfPath, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
    expect(text).to.include("mise en demeure de payer").and.to.include("TRANSPORTS RAPIDO");
    expect(text).to.match(/indemnité forfaitaire pour frais de recouvrement de 40,00\s€/);
    expect(text).to.include("L441-10").and.to.include("D441-5");
    expect(text).to.include("LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION");
    const notice = manifest.letters.find((l: any) => l.kind === "notice");
    mkdirSync(OUTPUT, { recursive: true });
    execFileSync("pdftoppm", ["-png", "-r", "60", "-f", String(notice.firstPage), "-l", String(notice.firstPage + 1), batch!.pdfPath, path.join(OUTPUT, "receivables-notice")]);
    expect(readdirSync(OUTPUT).filter((f) => f.startsWith("receivables-notice")).length).to.be.at.least(2);
    // Every send of the batch is sent, and the letters are documents of their dossiers.
    const sends = (w.receivables.invoices as any).deps.db.prepare(`SELECT status, batch FROM invoice_send WHERE channel = 'paper'`).all();
    expect(sends.every((s: any) => s.status === "sent" && s.batch === manifest.batch)).to.equal(true);
  });
});
