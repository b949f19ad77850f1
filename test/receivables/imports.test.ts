/**
 * Invoices in: the virtual printer's unmatched file (kept in review/ with a review task, then read
 * again for the dossier the reviewer names), a file dropped twice (read once), the idempotent CSV
 * import (dry run, real run, the same file again), the bank CSV (matched by the label's number,
 * unmatched → a review task, the same line twice counted once), and bad input named line by line.
 */
import { expect } from "chai";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { drop, invoicePdf, startWorld, type World } from "./support.js";

describe("receivables: imports and the virtual printer", function () {
  this.timeout(120_000);
  let w: World;
  let martin: string;

  const upload = async (url: string, name: string, content: string, dryRun: boolean) => {
    const form = new FormData();
    form.append("file", new Blob([content], { type: "text/csv" }), name);
    form.append("dryRun", String(dryRun));
    const res = await fetch(`${w.api.base}${url}`, { method: "POST", body: form, headers: { authorization: `Basic ${Buffer.from("manager:manager").toString("base64")}` } });
    return { status: res.status, body: (await res.json()) as any };
  };

  before(async () => {
    w = await startWorld();
    await w.at("2026-03-10", 8);
    const list = (await w.api.call("GET", "/api/dossiers?q=Boulangerie%20Martin", { as: "manager" })).body;
    martin = (list.items ?? list).find((d: any) => /^CLI-/.test(d.reference) && /Martin/.test(d.title)).reference;
  });
  after(async () => {
    await w?.stop();
  });

  it("keeps an unmatched printer file for review and reads it again for the dossier the reviewer names", async () => {
    const inbox = w.receivables.config.inboxDir;
    const bytes = await invoicePdf({ number: "F-2026-0500", customer: "SARL INCONNUE", issue: "09/03/2026", due: "08/04/2026", net: "100,00", vat_amount: "20,00", gross: "120,00" });
    drop(inbox, "f-0500.pdf", bytes);
    const scan = (await w.api.call("POST", "/api/receivables/printer/scan", { as: "manager" })).body.results;
    expect(scan).to.have.length(1);
    expect(scan[0]).to.include({ file: "f-0500.pdf", state: "review", invoiceNumber: "F-2026-0500" });
    expect(scan[0].problems.join(" ")).to.match(/Expected a customer dossier for \{"name":"SARL INCONNUE"\}, but none matches/);
    const review = path.join(path.dirname(inbox), "review", "f-0500.pdf");
    expect(existsSync(review), "kept, never lost").to.equal(true);
    expect((await w.api.call("GET", "/api/invoices/F-2026-0500", { as: "manager" })).status).to.equal(404);
    await w.settle();
    const task = w.api.server.engine.userTasks({}).find((t) => t.state === "CREATED" && t.elementId === "Review");
    expect(task, "a review task").to.be.an("object");
    expect(w.api.server.engine.variables(task!.processInstanceKey)["summary"]).to.match(/f-0500\.pdf.*n° F-2026-0500.*SARL INCONNUE/);
    await w.api.server.engine.completeUserTask(task!.key, { resolveDossierReference: martin });
    await w.settle();
    const inv = (await w.api.call("GET", "/api/invoices/F-2026-0500", { as: "manager" })).body;
    expect(inv).to.include({ dossierReference: martin, grossCents: 12000, source: "printer" });
    expect(existsSync(review)).to.equal(false);
    expect(readdirSync(path.join(path.dirname(inbox), "processed"))).to.include("f-0500.pdf");
    // The same file dropped again is known by its content: read once.
    drop(inbox, "copie.pdf", bytes);
    const again = (await w.api.call("POST", "/api/receivables/printer/scan", { as: "manager" })).body.results;
    expect(again).to.deep.equal([{ file: "copie.pdf", state: "duplicate" }]);
  });

  it("imports invoices from a CSV idempotently, with a dry run first and wrong lines named", async () => {
    const csv = `numero;client;date;echeance;ht;tva;ttc\nF-2026-0600;${martin};01/03/2026;31/03/2026;1 000,00;200,00;1 200,00\nF-2026-0601;${martin};02/03/2026;01/04/2026;50,00;10,00;60,00\n`;
    const dry = await upload("/api/invoices/import", "factures.csv", csv, true);
    expect(dry.status).to.equal(200);
    expect(dry.body).to.include({ total: 2, errors: 0, imported: false });
    expect(dry.body.counts).to.deep.equal({ create: 2 });
    expect((await w.api.call("GET", "/api/invoices/F-2026-0600", { as: "manager" })).status, "a dry run writes nothing").to.equal(404);
    const real = await upload("/api/invoices/import", "factures.csv", csv, false);
    expect(real.status).to.equal(201);
    expect(real.body.counts).to.deep.equal({ create: 2 });
    const again = await upload("/api/invoices/import", "factures.csv", csv, false);
    expect(again.body.counts, "the same file again changes nothing").to.deep.equal({ unchanged: 2 });
    const bad = await upload("/api/invoices/import", "factures.csv", `numero;client;date;echeance;ht;tva;ttc\nF-2026-0602;${martin};31/02/2026;01/04/2026;10,00;2,00;13,00\nF-2026-0603;CLI-2099-99999;01/03/2026;01/04/2026;10,00;2,00;12,00\n`, false);
    expect(bad.status).to.equal(400);
    const lines = bad.body.report.lines;
    expect(lines[0].problems.join(" ")).to.match(/Expected issueDate to be a date YYYY-MM-DD, but found "2026-02-31"/);
    expect(lines[0].problems.join(" ")).to.match(/Expected grossCents to be netCents \+ vatCents/);
    expect(lines[1].problems.join(" ")).to.match(/Expected a customer dossier for \{"dossierReference":"CLI-2099-99999"\}, but none matches/);
    expect((await w.api.call("GET", "/api/invoices/F-2026-0602", { as: "manager" })).status, "nothing of a wrong file is written").to.equal(404);
  });

  it("imports a bank statement: matched by the number in the label, partial payments, the rest to review; the same line twice counts once", async () => {
    const bank = `date operation;libelle;montant;id\n12/03/2026;VIR BOULANGERIE MARTIN FACT F-2026-0600;500,00;B-1\n12/03/2026;VIR SEPA INCONNU;77,00;B-2\n`;
    const r = await upload("/api/payments/import", "releve.csv", bank, false);
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    expect(r.body.lines.map((l: any) => l.status)).to.deep.equal(["matched", "unmatched"]);
    const inv = (await w.api.call("GET", "/api/invoices/F-2026-0600", { as: "manager" })).body;
    expect(inv).to.include({ status: "partially_paid", paidCents: 50000, balanceCents: 70000 });
    const again = await upload("/api/payments/import", "releve.csv", bank, false);
    expect(again.body.lines.map((l: any) => l.status)).to.deep.equal(["duplicate", "duplicate"]);
    expect((await w.api.call("GET", "/api/invoices/F-2026-0600", { as: "manager" })).body.paidCents).to.equal(50000);
    const unmatched = (await w.api.call("GET", "/api/payments/unmatched", { as: "manager" })).body.items;
    expect(unmatched.map((p: any) => [p.reference, Number(p.amount_cents)])).to.deep.equal([["VIR SEPA INCONNU", 7700]]);
    // The rest, paid by hand: the invoice is paid and its paid_on is the payment's day.
    const paid = await w.api.call("POST", `/api/invoices/${inv.id}/payments`, { as: "agent", body: { amountCents: 70000, receivedOn: "2026-03-15", kind: "payment" } });
    expect(paid.status).to.equal(201);
    expect(paid.body.invoice).to.include({ status: "paid", paidOn: "2026-03-15", balanceCents: 0 });
    const wrong = await w.api.call("POST", `/api/invoices/${inv.id}/payments`, { as: "agent", body: { amountCents: -5, receivedOn: "2026-03-15" } });
    expect(wrong.status).to.equal(400);
    expect(wrong.body.detail).to.equal("Expected amountCents to be a whole number of cents above 0, but found -5");
  });
  it("creates the demo invoices once, and the collector's day ranks their customers with the reason", async () => {
    const first = await w.api.call("POST", "/api/receivables/demo", { as: "manager" });
    expect(first.status).to.equal(201);
    expect(first.body.created).to.equal(4);
    expect((await w.api.call("POST", "/api/receivables/demo", { as: "manager" })).body.created).to.equal(0);
    const day = (await w.api.call("GET", "/api/receivables/worklist", { as: "manager" })).body;
    expect(day.lines[0].customer).to.equal("Garage Dupuis & Fils");
    expect(day.lines[0].explanation).to.match(/^7\s200,00\s€ × 40 j de retard × risque 0\.8 \(segment large_account ×0\.8\) = 230400$/);
    expect(day.overLimit.map((o: any) => o.customer)).to.deep.equal(["GARAGE DUPUIS & FILS"]);
  });
  it("sends by e-invoicing to a customer who chose it (the fake platform: deposited, then delivered) and says why it cannot without a VAT number", async () => {
    const { domain, engine } = w.api.server;
    const r = w.receivables;
    const dupuis = domain.service.byReference((r.invoices as any).deps.db.prepare(`SELECT reference FROM dossier WHERE type_id = 'client' AND title = 'Garage Dupuis & Fils'`).get().reference);
    const partyId = r.invoices.customerParty(dupuis.id)!;
    await engine.transaction(() => domain.parties.update(partyId, { preferredChannel: "einvoicing" }, domain.parties.get(partyId)!.version, "test"));
    const { invoice } = await r.invoices.upsert({ number: "EI-2026-0001", customer: { dossierReference: dupuis.reference }, issueDate: "2026-03-10", dueDate: "2026-04-09", netCents: 10000, vatCents: 2000, grossCents: 12000, source: "api" }, "erp");
    const sendOf = () => r.diffusion.sends({ invoiceId: invoice.id })[0]!;
    for (let i = 0; i < 50 && sendOf().status === "queued"; i++) await new Promise((ok) => setTimeout(ok, 50));
    expect(sendOf()).to.include({ channel: "einvoicing", status: "sent" });
    expect(String(sendOf().detail["platformId"])).to.match(/^CPP-\d{6}$/);
    await r.diffusion.pollEInvoicing();
    expect(sendOf().status).to.equal("delivered");
    await engine.transaction(() => domain.parties.update(partyId, { vatNumber: null, vatSubject: false }, domain.parties.get(partyId)!.version, "test"));
    const second = await w.api.call("POST", `/api/invoices/${invoice.id}/send`, { as: "agent", body: {} });
    expect(second.status).to.equal(201);
    for (let i = 0; i < 50 && sendOf().status === "queued"; i++) await new Promise((ok) => setTimeout(ok, 50));
    expect(sendOf()).to.include({ status: "failed" });
    expect(sendOf().detail["error"]).to.equal("Expected the buyer's VAT number or SIRET, but GARAGE DUPUIS & FILS has none");
  });
});
