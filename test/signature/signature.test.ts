import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import type { ApiServer } from "../api/v2/server.js";
import type { SignatureService } from "../../src/signature/service.js";
import { until } from "../dossiers/support.js";
import { codeOf, httpPhone, martinFile, nextSms, pageCsrf, pagePost, startSignatureServer, threePagePdf, tokenOf, uploadPdf, realMessaging, type Recorded } from "./support.js";

const out = mkdtempSync(path.join(tmpdir(), "signature-spec-"));

describe("electronic signature: request, SMS code, seal, evidence, verification", function () {
  this.timeout(60_000);
  let api: ApiServer;
  let recorded: Recorded;
  let service: SignatureService;
  let file: Awaited<ReturnType<typeof martinFile>>;
  let documentId: number;

  let phone: Awaited<ReturnType<typeof httpPhone>>;
  let seen = 0;
  /** The SMS the last code request sent, as the phone (an HTTP gateway) received it. */
  const newCode = async () => {
    const sms = await nextSms(recorded, seen);
    seen = recorded.sms.length;
    return sms;
  };
  before(async () => {
    // a real HTTP SMS gateway (SMS_HTTP_URL, read from the process environment by the mail module): the test's server is the phone
    phone = await httpPhone();
    process.env["SMS_HTTP_URL"] = phone.url;
    try {
      ({ api } = await startSignatureServer());
    } finally {
      delete process.env["SMS_HTTP_URL"];
    }
    recorded = realMessaging(api, phone.received);
    // zero freed space, so that a text set to NULL (the sensitive SMS once sent) leaves the file
    api.server.domain.db.pragma("secure_delete = ON");
    service = api.server.capabilities.signature.service;
    file = await martinFile(api);
    documentId = await uploadPdf(api, file.reference, await threePagePdf());
  });
  after(async () => {
    await api.stop();
    await phone.close();
  });

  const create = (body: Record<string, unknown>, as = "agent") => api.call("POST", `/api/dossiers/${file.reference}/signatures`, { as, body });
  const lastMailTo = (name: string) => [...recorded.mails].reverse().find((m) => m.text.includes(`Bonjour ${name}`))!;

  it("should refuse to start when a signer party has no mobile phone, naming the party", async () => {
    const res = await create({ documents: [documentId], signers: [{ role: "customer" }] });
    expect(res.status).to.equal(400);
    expect(res.body.detail).to.match(new RegExp(`^Expected party #${file.customer} \\(BOULANGERIE MARTIN SARL, role Customer\\) to have a mobile phone number for the SMS code, but found none`));
    expect((await api.call("GET", `/api/dossiers/${file.reference}/signatures`, { as: "agent" })).body.items).to.have.length(0);
  });

  it("should refuse a document that is not a PDF of the dossier", async () => {
    const res = await create({ documents: [999999], signers: [{ role: "decisionMaker" }] });
    expect(res.status).to.equal(400);
    expect(res.body.detail).to.contain("documents[0]: expected a document of");
  });

  it("should walk the customer then the countersigner to a sealed contract and a sealed evidence file", async () => {
    const created = await create({ documents: [documentId], signers: [{ role: "decisionMaker", order: 1 }, { username: "agent", order: 2 }], message: "Merci de signer votre contrat.", expiresIn: "P10D", title: "Contrat multirisque Boulangerie Martin" });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body.status).to.equal("sent");
    expect(created.body.signers.map((s: any) => s.status)).to.deep.equal(["invited", "waiting"]);
    const id = created.body.id as number;
    const mail = lastMailTo("Julie Martin");
    expect(mail.purpose).to.equal("signature.invitation");
    expect(mail.to).to.deep.equal(["julie.martin@boulangerie-martin.fr"]);
    expect(mail.subject).to.contain("Contrat multirisque Boulangerie Martin");
    const token = tokenOf(mail);
    expect(token).to.have.length(43);
    // only the hash of the token is stored, and the dossier's journal (mail excerpts included) never holds it
    expect(JSON.stringify(api.server.domain.db.prepare("SELECT * FROM access_link").all())).not.to.contain(token);
    const journalRows = JSON.stringify(api.server.domain.db.prepare("SELECT * FROM dossier_journal").all());
    expect(journalRows).to.contain("signature.invitation"); // the mail's entry is there…
    expect(journalRows).not.to.contain(token); // …without the link

    // the countersigner may not sign before the customer
    const early = await api.call("POST", `/api/signatures/${id}/sign`, { as: "agent", body: { consent: true } });
    expect(early.status).to.equal(409);
    expect(early.body.detail).to.equal("Expected Julie Martin to sign first (signing order 2), but that signer has not signed yet");

    const page = await fetch(`${api.base}/signature/${token}`);
    expect(page.status).to.equal(200);
    expect(page.headers.get("cache-control")).to.contain("no-store");
    const csrf = await pageCsrf(api, token);
    const state = (await (await fetch(`${api.base}/signature/${token}/state`)).json()) as any;
    expect(state.signer).to.include({ name: "Julie Martin", status: "invited", maskedPhone: "+336******78" });
    expect(state.consent).to.contain("eIDAS");
    const pdf = Buffer.from(await (await fetch(`${api.base}${state.documents[0].url}`)).arrayBuffer());

    expect((await pagePost(api, token, "/code", {}, "forged")).status).to.equal(403);
    const sent = await pagePost(api, token, "/code", {}, csrf);
    expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    expect(sent.body.maskedPhone).to.equal("+336******78");
    const sms = await newCode();
    expect(sms.to).to.equal("+33612345678");
    // the outbox keeps no sensitive text once the gateway has it (its UPDATE commits just after the gateway's answer)
    const outbound = await until(() => {
      const row = api.server.domain.db.prepare(`SELECT purpose, sensitive, text, status FROM sms_outbound ORDER BY id DESC LIMIT 1`).get() as any;
      return row?.status === "sent" ? row : undefined;
    }, "the SMS marked sent");
    expect(outbound).to.deep.equal({ purpose: "signature.otp", sensitive: 1, text: null, status: "sent" });
    const code = codeOf(sms);
    expect(code).to.match(/^\d{6}$/);
    const again = await pagePost(api, token, "/code", {}, csrf);
    expect(again.status).to.equal(429);
    expect(again.body.detail).to.match(/^A code was sent less than a minute ago/);

    const wrong = await pagePost(api, token, "/sign", { code: code === "000000" ? "111111" : "000000", consent: true }, csrf);
    expect(wrong.status).to.equal(400);
    expect(wrong.body.detail).to.equal("Wrong code: 4 tries left");
    expect((await pagePost(api, token, "/sign", { code, consent: false }, csrf)).status).to.equal(400);
    const { createHash } = await import("node:crypto");
    const signed = await pagePost(api, token, "/sign", { code, consent: true, localTime: "Tue Dec 08 2026 10:00:00 GMT+0100", timeZone: "Europe/Paris", documentSha256: [createHash("sha256").update(pdf).digest("hex")] }, csrf);
    expect(signed.status, JSON.stringify(signed.body)).to.equal(200);
    expect(signed.body.status).to.equal("partially_signed");
    const twice = await pagePost(api, token, "/sign", { code, consent: true }, csrf);
    expect(twice.status).to.equal(409);
    expect(twice.body.detail).to.equal("Julie Martin has already signed this request");

    // the code is nowhere at rest. Our rows: only its HMAC (and not even that once used).
    const standalone = new RegExp(`(?<![0-9A-Za-z])${code}(?![0-9A-Za-z])`);
    for (const table of ["signature_request", "signature_signer", "signature_event", "signature_document", "access_link"]) {
      expect(standalone.test(JSON.stringify(api.server.domain.db.prepare(`SELECT * FROM ${table}`).all())), table).to.equal(false);
    }
    expect(api.logs.join("\n")).not.to.match(standalone);
    // The SQLite files: the SMS text ("<code> est votre code …") must not survive in them once the
    // gateway has it. The outbox row's text is set to NULL; its old bytes leave the pages only with
    // secure_delete (zeroed free space) and a checkpoint of the WAL — set here, see the report.
    const db = api.server.domain.db;
    const dataDir = path.dirname(db.name);
    db.pragma("wal_checkpoint(TRUNCATE)");
    const smsText = Buffer.from(`${code} est votre code`);
    const leaks = readdirSync(dataDir).filter((n) => n.startsWith("dossier.sqlite")).filter((n) => readFileSync(path.join(dataDir, n)).includes(smsText));
    expect(leaks, "files holding the SMS text after the gateway took it (secure_delete on)").to.deep.equal([]);

    const counter = await api.call("POST", `/api/signatures/${id}/sign`, { as: "agent", body: { consent: true } });
    expect(counter.status, JSON.stringify(counter.body)).to.equal(200);
    await service.idle();
    const done = (await api.call("GET", `/api/signatures/${id}`, { as: "agent" })).body;
    expect(done.status, done.sealError).to.equal("completed");
    expect(done.certificate.selfSigned).to.equal(true);
    const signedPdf = service.sealedContent(done.sealedDocumentId);
    const evidencePdf = service.sealedContent(done.evidenceDocumentId);
    writeFileSync(path.join(out, "signed.pdf"), signedPdf);
    writeFileSync(path.join(out, "evidence.pdf"), evidencePdf);

    for (const name of ["signed.pdf", "evidence.pdf"]) {
      const report = spawnSync("pdfsig", [path.join(out, name)], { encoding: "utf8" }).stdout;
      expect(report, name).to.contain("Signature is Valid.");
      expect(report, name).to.contain("Certificate issuer is unknown.");
      expect(report, name).to.contain("ETSI.CAdES.detached");
      expect(report, name).to.contain("Total document signed");
    }
    const text = execFileSync("pdftotext", ["-layout", path.join(out, "signed.pdf"), "-"], { encoding: "utf8" });
    expect(execFileSync("pdfinfo", [path.join(out, "signed.pdf")], { encoding: "utf8" })).to.match(/Pages:\s+4/);
    expect(text).to.contain("Page de signature");
    expect(text).to.contain("Julie Martin");
    expect(text).to.contain(`demande de signature n° ${id}`);
    expect(text).to.match(/Agent|agent/);
    const evidenceText = execFileSync("pdftotext", [path.join(out, "evidence.pdf"), "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
    expect(evidenceText).to.contain("otp.verified");
    expect(evidenceText).to.contain(done.documents[0].sha256);
    expect(evidenceText).to.contain("eIDAS");
    expect(evidenceText).to.contain("AUTO-SIGNÉ");

    const journal = (await api.call("GET", `/api/dossiers/${file.reference}/journal?pageSize=100`, { as: "agent" })).body.items.map((e: any) => e.action);
    for (const action of ["signature.created", "signature.sent", "signature.invited", "signature.signed", "signature.completed"]) expect(journal).to.include(action);

    // verification page: authentic, then one byte changed
    const verify = async (bytes: Buffer) => ((await fetch(`${api.base}/verification`, { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(bytes) })).json()) as any;
    const ok = await verify(signedPdf);
    expect(ok.verdict).to.equal("authentic");
    expect(ok.registered).to.include({ requestId: id, kind: "contract", dossierReference: file.reference });
    expect((await verify(evidencePdf)).verdict).to.equal("authentic");
    const altered = Buffer.from(signedPdf);
    const at = Math.floor(altered.indexOf("/ByteRange") / 2);
    altered[at] = altered[at]! ^ 0x01;
    writeFileSync(path.join(out, "altered.pdf"), altered);
    const bad = await verify(altered);
    expect(bad.verdict).to.equal("altered");
    expect(bad.seal.problem).to.equal("the document was altered after it was sealed");
    expect(spawnSync("pdfsig", [path.join(out, "altered.pdf")], { encoding: "utf8" }).stdout).not.to.contain("Signature is Valid.");
    expect((await verify(await threePagePdf())).verdict).to.equal("unknown");
    const notPdf = await fetch(`${api.base}/verification`, { method: "POST", headers: { "content-type": "application/pdf" }, body: "hello" });
    expect(notPdf.status).to.equal(415);

    // the finished page offers the signed document
    const finalState = (await (await fetch(`${api.base}/signature/${token}/state`)).json()) as any;
    expect(finalState.request.status).to.equal("completed");
    expect(finalState.signedDocument).to.be.a("string");
  });

  it("should lock a signer after 5 wrong codes, let the dossier's agent unlock it, and expire a code after 10 minutes (engine clock pinned)", async () => {
    const created = await create({ documents: [documentId], signers: [{ role: "decisionMaker" }] });
    const id = created.body.id as number;
    const token = tokenOf(lastMailTo("Julie Martin"));
    const csrf = await pageCsrf(api, token);
    const clock = api.server.engine.clock as unknown as { pin(ms: number): void; reset(): void };
    const t0 = Date.now();
    try {
      clock.pin(t0);
      expect((await pagePost(api, token, "/code", {}, csrf)).status).to.equal(201);
      const code = codeOf(await newCode());
      clock.pin(t0 + 10 * 60_000 + 1);
      const late = await pagePost(api, token, "/sign", { code, consent: true }, csrf);
      expect(late.status).to.equal(409);
      expect(late.body.detail).to.match(/^This code has expired/);
      expect((await pagePost(api, token, "/code", {}, csrf)).status).to.equal(201);
      const fresh = codeOf(await newCode());
      const other = fresh === "123456" ? "654321" : "123456";
      for (let i = 1; i <= 4; i++) expect((await pagePost(api, token, "/sign", { code: other, consent: true }, csrf)).body.detail).to.equal(`Wrong code: ${5 - i} tr${5 - i > 1 ? "ies" : "y"} left`);
      const fifth = await pagePost(api, token, "/sign", { code: other, consent: true }, csrf);
      expect(fifth.status).to.equal(429);
      expect(fifth.body.detail).to.match(/locked until the sender unlocks it/);
      // even the right code no longer signs
      expect((await pagePost(api, token, "/sign", { code: fresh, consent: true }, csrf)).status).to.equal(429);
      const view = (await api.call("GET", `/api/signatures/${id}`, { as: "agent" })).body;
      expect(view.signers[0]).to.include({ status: "locked", failedAttempts: 5 });
      const unlocked = await api.call("POST", `/api/signatures/${id}/signers/${view.signers[0].id}/unlock`, { as: "agent" });
      expect(unlocked.status).to.equal(200);
      expect(unlocked.body.signers[0]).to.include({ status: "invited", failedAttempts: 0 });
      clock.pin(t0 + 12 * 60_000);
      expect((await pagePost(api, token, "/code", {}, csrf)).status).to.equal(201);
      expect((await pagePost(api, token, "/sign", { code: codeOf(await newCode()), consent: true }, csrf)).status).to.equal(200);
    } finally {
      clock.reset();
    }
    await service.idle();
  });

  it("should limit the codes a signer can ask for", async () => {
    const created = await create({ documents: [documentId], signers: [{ role: "decisionMaker" }] });
    const token = tokenOf(lastMailTo("Julie Martin"));
    const csrf = await pageCsrf(api, token);
    const clock = api.server.engine.clock as unknown as { pin(ms: number): void; reset(): void };
    const t0 = Date.now();
    try {
      for (let i = 0; i < 5; i++) {
        clock.pin(t0 + i * 61_000);
        expect((await pagePost(api, token, "/code", {}, csrf)).status).to.equal(201);
        await newCode();
      }
      clock.pin(t0 + 6 * 61_000);
      const sixth = await pagePost(api, token, "/code", {}, csrf);
      expect(sixth.status).to.equal(429);
      expect(sixth.body.detail).to.equal("Expected at most 5 codes for one signature, but 5 were sent already: ask the sender for help");
    } finally {
      clock.reset();
    }
    await api.call("POST", `/api/signatures/${created.body.id}/cancel`, { as: "agent", body: { reason: "test" } });
    expect((await fetch(`${api.base}/signature/${token}`)).status).to.equal(410);
  });

  it("should answer 404 for a link of another purpose and 410 for an expired request, which the periodic check closes", async () => {
    const other = await api.server.engine.transaction(() => api.server.capabilities.links.issue({ partyId: file.julie, purpose: "portal.task", subject: "task:1" }));
    expect((await fetch(`${api.base}/signature/${other.token}`)).status).to.equal(404);
    expect((await fetch(`${api.base}/signature/${"x".repeat(43)}/state`)).status).to.equal(404);
    const created = await create({ documents: [documentId], signers: [{ role: "decisionMaker" }], expiresIn: "PT1H", reminders: { every: "PT20M", count: 1 } });
    const token = tokenOf(lastMailTo("Julie Martin"));
    const mails = recorded.mails.length;
    const clock = api.server.engine.clock as unknown as { pin(ms: number): void; reset(): void };
    try {
      clock.pin(Date.now() + 30 * 60_000);
      expect(await service.tick()).to.deep.equal({ expired: 0, reminded: 1 });
      const reminder = recorded.mails.at(-1)!;
      expect(recorded.mails.length).to.equal(mails + 1);
      expect(reminder.subject).to.match(/Rappel : /);
      expect((await fetch(`${api.base}/signature/${token}`)).status, "the old link was replaced").to.equal(410);
      clock.pin(Date.now() + 2 * 3600_000);
      expect(await service.tick()).to.deep.equal({ expired: 1, reminded: 0 });
      const page = await fetch(`${api.base}/signature/${tokenOf(reminder)}`);
      expect(page.status).to.equal(410);
      const state = (await (await fetch(`${api.base}/signature/${tokenOf(reminder)}/state`)).json()) as any;
      expect(state.request.status).to.equal("expired");
      const csrf = await pageCsrf(api, tokenOf(reminder));
      expect((await pagePost(api, tokenOf(reminder), "/code", {}, csrf)).status).to.equal(410);
    } finally {
      clock.reset();
    }
    expect((await api.call("GET", `/api/signatures/${created.body.id}`, { as: "agent" })).body.status).to.equal("expired");
  });

  it("should record a decline with its reason", async () => {
    await create({ documents: [documentId], signers: [{ role: "decisionMaker" }] });
    const token = tokenOf(lastMailTo("Julie Martin"));
    const csrf = await pageCsrf(api, token);
    expect((await pagePost(api, token, "/decline", { reason: "" }, csrf)).status).to.equal(400);
    const declined = await pagePost(api, token, "/decline", { reason: "Le montant de la prime ne correspond pas au devis." }, csrf);
    expect(declined.status).to.equal(200);
    expect(declined.body.status).to.equal("declined");
    expect((await fetch(`${api.base}/signature/${token}`)).status).to.equal(410);
  });

  it("should show a request only to those who see its dossier (404 otherwise, as for the dossier)", async () => {
    const created = await create({ documents: [documentId], signers: [{ role: "decisionMaker" }] });
    const id = created.body.id as number;
    // designer: dossiers.read but no sector, no task of this dossier
    expect((await api.call("GET", `/api/dossiers/${file.reference}`, { as: "designer" })).status).to.equal(404);
    expect((await api.call("GET", `/api/signatures/${id}`, { as: "designer" })).status).to.equal(404);
    expect((await api.call("GET", `/api/dossiers/${file.reference}/signatures`, { as: "designer" })).status).to.equal(404);
    // manager (sales): may write, sees the request exactly when it sees the dossier
    const dossierStatus = (await api.call("GET", `/api/dossiers/${file.reference}`, { as: "manager" })).status;
    expect((await api.call("GET", `/api/signatures/${id}`, { as: "manager" })).status).to.equal(dossierStatus);
    if (dossierStatus === 404) expect((await api.call("POST", `/api/signatures/${id}/cancel`, { as: "manager", body: {} })).status).to.equal(404);
    expect((await api.call("GET", `/api/signatures/${id}`, { as: "auditor" })).status, "dossiers.all").to.equal(200);
    await api.call("POST", `/api/signatures/${id}/cancel`, { as: "agent", body: { reason: "test" } });
  });
});

describe("signature: the portal section lists a party's own requests only", function () {
  this.timeout(60_000);
  it("should list the requests a party signs, in the dossiers given, and nothing of another party's", async () => {
    const { api } = await startSignatureServer();
    try {
      const service = api.server.capabilities.signature.service as SignatureService;
      const martin = await martinFile(api);
      const doc = await uploadPdf(api, martin.reference, await threePagePdf());
      expect((await api.call("POST", `/api/dossiers/${martin.reference}/signatures`, { as: "agent", body: { documents: [doc], signers: [{ role: "decisionMaker" }], title: "Contrat Martin" } })).status).to.equal(201);
      const martinId = api.server.domain.service.byReference(martin.reference).id;
      const own = service.forParty(martin.julie, [martinId]);
      expect(own.map((r) => r.request.title)).to.deep.equal(["Contrat Martin"]);
      expect(service.forParty(martin.julie, []), "no dossier of hers given: nothing").to.deep.equal([]);
      expect(service.forParty(martin.customer, [martinId]), "the company party signs nothing").to.deep.equal([]);
      const other = (await api.call("GET", "/api/dossiers?type=client&pageSize=50", { as: "agent" })).body.items.find((d: any) => d.title === "Sophie Lefèvre");
      expect(service.forParty(martin.julie, [api.server.domain.service.byReference(other.reference).id])).to.deep.equal([]);
    } finally {
      await api.stop();
    }
  });
});
