/**
 * The issue's "Done when", as a new user would try it: an invoice PDF dropped in the virtual
 * printer is matched to its customer (the demo's Boulangerie Martin) and mailed with a portal link
 * (read at the SMTP sink); under a pinned clock it falls due, the customer gets the level-1 mail,
 * a collector gets the call task and records a promise; the customer contests it in the portal
 * (a dispute and its task); another customer of the portal gets a 404 on it.
 */
import { expect } from "chai";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { visitorClient } from "../portal/support.js";
import { addDays, drop, invoicePdf, startWorld, type World } from "./support.js";

describe("receivables: the Done-when walk (printer → mail with portal link → overdue → level 1 → call → promise → contested in the portal)", function () {
  this.timeout(120_000);
  let w: World;
  const issue = "2026-03-02";
  const due = "2026-04-01";

  before(async () => {
    w = await startWorld();
  });
  after(async () => {
    await w?.stop();
  });

  it("walks the whole path", async () => {
    const { api, sink, receivables } = w;
    await w.at(issue, 8);
    const martin = (await api.call("GET", "/api/dossiers?q=Boulangerie%20Martin", { as: "manager" })).body;
    const reference: string = (martin.items ?? martin.dossiers ?? martin).find((d: any) => /Martin/.test(d.title) && /^CLI-/.test(d.reference)).reference;

    // 1. The ERP prints the invoice into the folder; the printer reads and matches it (by the customer's VAT number).
    const inbox = receivables.config.inboxDir;
    drop(inbox, "F-2026-0042.pdf", await invoicePdf({ number: "F-2026-0042", customer: "BOULANGERIE MARTIN SARL", vat: "FR25812345678", issue: "02/03/2026", due: "01/04/2026", net: "1 000,00", vat_amount: "200,00", gross: "1 200,00" }));
    const scan = await api.call("POST", "/api/receivables/printer/scan", { as: "manager" });
    expect(scan.status, JSON.stringify(scan.body)).to.equal(200);
    expect(scan.body.results).to.deep.equal([{ file: "F-2026-0042.pdf", state: "imported", invoiceNumber: "F-2026-0042", dossierReference: reference }]);
    expect(readdirSync(inbox)).to.deep.equal([]);
    expect(existsSync(path.join(path.dirname(inbox), "processed", "F-2026-0042.pdf"))).to.equal(true);
    const inv = (await api.call("GET", "/api/invoices/F-2026-0042", { as: "agent" })).body;
    expect(inv).to.include({ number: "F-2026-0042", grossCents: 120000, netCents: 100000, vatCents: 20000, dueDate: due, issueDate: issue, status: "sent", source: "printer", dossierReference: reference });
    expect(inv.documentId, "the PDF is a document of the dossier").to.be.a("number");
    expect(inv.sends.map((s: any) => [s.kind, s.channel])).to.deep.equal([["invoice", "email"]]);

    // 2. The mail reaches the customer with the PDF and a personal portal link that opens the invoice.
    const [mail] = await sink.until(1, 15_000);
    expect(mail!.parsed.subject).to.match(/^Votre facture F-2026-0042 — 1\s200,00\s€/);
    expect(mail!.envelope.to).to.deep.equal(["contact@boulangerie-martin.fr"]);
    expect(mail!.parsed.attachments.map((a) => a.contentType)).to.deep.equal(["application/pdf"]);
    const token = /\/portail\/factures\/lien\/([A-Za-z0-9_-]{43})/.exec(mail!.parsed.text ?? "")?.[1];
    expect(token, mail!.parsed.text).to.be.a("string");
    const opened = await fetch(`${api.base}/portail/factures/api/lien/${token}`);
    expect(opened.status).to.equal(200);
    expect(((await opened.json()) as any).invoice.number).to.equal("F-2026-0042");
    const pdf = await fetch(`${api.base}/portail/factures/api/lien/${token}/pdf`);
    expect(pdf.headers.get("content-type")).to.match(/application\/pdf/);

    // 3. Three days before the due date the daily run starts the scenario (standard: small business) and the friendly reminder goes.
    await w.at(addDays(due, -3));
    const run = (await api.call("POST", "/api/receivables/dunning/run", { as: "manager", body: {} })).body;
    expect(run.started).to.equal(1);
    expect(run.byScenario).to.deep.equal({ "relance-standard": 1 });
    expect((await api.call("POST", "/api/receivables/dunning/run", { as: "manager", body: {} })).body.started, "the run is idempotent").to.equal(0);
    await w.settle();
    const [, reminder0] = await sink.until(2, 15_000);
    expect(reminder0!.parsed.subject).to.match(/^Rappel : facture F-2026-0042 à régler le 01\/04\/2026/);

    // 4. It goes overdue: the level-1 mail at J+5.
    await w.at(addDays(due, 5));
    const [, , level1] = await sink.until(3, 15_000);
    expect(level1!.parsed.subject).to.match(/Facture F-2026-0042 échue — 1\s200,00\s€ à régler/);
    expect(level1!.parsed.text).to.include("facture F-2026-0042 du 02/03/2026, échue le 01/04/2026 (5 j)");
    expect((await api.call("GET", "/api/invoices/F-2026-0042", { as: "agent" })).body.status, "still to pay").to.equal("sent");

    // (J+12: no SMS — the customer has a landline only; the failed step is recorded.)
    // 5. J+20: the collector gets the call task, with its script, and records a promise to pay.
    await w.at(addDays(due, 20));
    const tasks = (await api.call("GET", "/api/user-tasks", { as: "agent" })).body;
    const call = (tasks.items ?? tasks).find((t: any) => t.name === "Appeler le client");
    expect(call, JSON.stringify(tasks).slice(0, 500)).to.be.an("object");
    const promisedOn = addDays(due, 28);
    const done = await api.call("POST", `/api/user-tasks/${call.key ?? call.userTaskKey}/completion`, { as: "agent", body: { variables: { outcome: "promise", promisedOn, contactName: "Julie Martin", callNote: "Paiement prévu après encaissement d'un gros client." } } });
    expect(done.status, JSON.stringify(done.body)).to.be.within(200, 204);
    await w.settle();
    const detail = (await api.call("GET", "/api/invoices/F-2026-0042", { as: "agent" })).body;
    expect(detail.promises.map((p: any) => [p.promised_on, p.status])).to.deep.equal([[promisedOn, "open"]]);
    expect(detail.actions.map((a: any) => [a.channel, a.level, a.outcome])).to.deep.include.members([["email", 0, "sent"], ["email", 1, "sent"], ["sms", 2, "failed"], ["call", 3, "promise"]]);
    const journal = (await api.call("GET", `/api/dossiers/${reference}/journal?limit=200`, { as: "agent" })).body;
    const entries = journal.items ?? journal.entries ?? journal;
    expect(entries.some((e: any) => e.action === "call.logged" && /promesse de paiement/.test(e.summary))).to.equal(true);
    expect(entries.filter((e: any) => e.action === "note.added" && /^Relance niveau/.test(e.summary)).length).to.equal(3);

    // 6. The customer signs in to the portal and contests the invoice: a dispute, and the scenario's dispute task.
    const visitor = visitorClient(api.base);
    expect((await visitor.call("POST", "/portail/api/signin/code", { email: "contact@boulangerie-martin.fr" })).status).to.equal(202);
    const codeMail = (await sink.until(4, 15_000)).find((m) => /code/i.test(m.parsed.subject ?? "") && m.envelope.to.includes("contact@boulangerie-martin.fr"));
    const code = /\b(\d{6})\b/.exec(codeMail?.parsed.text ?? "")?.[1];
    expect((await visitor.call("POST", "/portail/api/signin/verify", { email: "contact@boulangerie-martin.fr", code })).status).to.equal(200);
    const list = await visitor.call("GET", "/portail/factures/api");
    expect(list.body.items.map((i: any) => [i.number, i.overdue])).to.deep.equal([["F-2026-0042", true]]);
    const contested = await visitor.call("POST", `/portail/factures/api/${inv.id}/contest`, { reason: "quantity_dispute", message: "Nous n'avons reçu que la moitié de la commande." });
    expect(contested.status, JSON.stringify(contested.body)).to.equal(201);
    expect(contested.body.status).to.equal("disputed");
    await w.settle();
    const disputeTask = api.server.engine.userTasks({}).find((t) => t.name === "Traiter le litige" && t.state === "CREATED");
    expect(disputeTask, "the dispute task").to.be.an("object");
    const after = (await api.call("GET", "/api/invoices/F-2026-0042", { as: "agent" })).body;
    expect(after.disputes.map((d: any) => [d.reason, d.closed_on])).to.deep.equal([["quantity_dispute", null]]);

    // 7. Another portal customer (the demo's Garage Dupuis) sees nothing of it: 404.
    const other = visitorClient(api.base);
    await other.call("POST", "/portail/api/signin/code", { email: "accueil@garage-dupuis.fr" });
    const otherMail = (await sink.until(5, 15_000)).find((m) => m.envelope.to.includes("accueil@garage-dupuis.fr"));
    const otherCode = /\b(\d{6})\b/.exec(otherMail?.parsed.text ?? "")?.[1];
    expect((await other.call("POST", "/portail/api/signin/verify", { email: "accueil@garage-dupuis.fr", code: otherCode })).status).to.equal(200);
    expect((await other.call("GET", `/portail/factures/api/${inv.id}`)).status).to.equal(404);
    expect((await other.call("GET", `/portail/factures/api/${inv.id}/pdf`)).status).to.equal(404);
    expect((await other.call("POST", `/portail/factures/api/${inv.id}/promise`, { promisedOn: addDays(due, 25) })).status).to.equal(404);
    expect((await other.call("GET", "/portail/factures/api")).body.items).to.deep.equal([]);
  });
});
