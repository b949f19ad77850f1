import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import type { ApiServer } from "../api/v2/server.js";
import type { SignatureService } from "../../src/signature/service.js";
import { until } from "../dossiers/support.js";
import { codeOf, nextSms, pageCsrf, pagePost, startSignatureServer, tokenOf, type Recorded } from "./support.js";

const out = mkdtempSync(path.join(tmpdir(), "contract-chain-"));

/** The demo chain of the insurance contract, from the catalogue action to a customer file holding the sealed contract. */
describe("demo chain: « nouveau contrat » → validation → signature by the prospect → countersignature → client", function () {
  this.timeout(90_000);
  let api: ApiServer;
  let recorded: Recorded;
  let service: SignatureService;
  before(async () => {
    ({ api, recorded } = await startSignatureServer());
    service = api.server.capabilities.signature.service;
  });
  after(() => api.stop());

  const view = async (reference: string, as = "agent") => (await api.call("GET", `/api/dossiers/${reference}`, { as })).body;
  const openTask = (as: string, reference: string, elementId: string) =>
    until(async () => (await view(reference, as)).tasks?.find((t: any) => t.elementId === elementId), `task ${elementId} of ${reference}`, 30_000);
  const complete = async (as: string, userTaskKey: string, variables: Record<string, unknown>) => {
    expect((await api.call("POST", `/v2/user-tasks/${userTaskKey}/assignment`, { as, body: { assignee: as } })).status).to.equal(204);
    const done = await api.call("POST", `/v2/user-tasks/${userTaskKey}/completion`, { as, body: { variables } });
    expect(done.status, JSON.stringify(done.body)).to.equal(204);
  };

  it("should turn the prospect Sophie Lefèvre into a customer whose contract file holds the sealed contract and the evidence file", async () => {
    const list = (await api.call("GET", "/api/dossiers?type=client&pageSize=50", { as: "agent" })).body.items as Array<{ reference: string; title: string; state: string }>;
    const prospect = list.find((d) => d.title === "Sophie Lefèvre")!;
    expect(prospect.state).to.equal("prospect");
    const started = await api.call("POST", `/api/dossiers/${prospect.reference}/actions/nouveau-contrat`, { as: "agent", body: {} });
    expect(started.status, JSON.stringify(started.body)).to.be.oneOf([200, 201, 202]);

    // validation: sent back once with a comment, corrected, validated
    let task = await openTask("manager", prospect.reference, "ValidateContract");
    const docs = (await api.call("GET", `/api/dossiers/${prospect.reference}/documents`, { as: "agent" })).body.items;
    const contract = docs.find((d: any) => /^Contrat .*\.pdf$/.test(d.filename));
    expect(contract, JSON.stringify(docs.map((d: any) => d.filename))).to.exist;
    await complete("manager", task.userTaskKey, { contractDecision: "return", validationComment: "Préciser la date d'effet" });
    const revise = await openTask("agent", prospect.reference, "ReviseContract");
    await complete("agent", revise.userTaskKey, { contractNumber: "MRP-2026-0042", contractStartDate: "2027-01-01", contractAmount: 1840, contractNote: "Date d'effet au 1er janvier" });
    task = await openTask("manager", prospect.reference, "ValidateContract");
    await complete("manager", task.userTaskKey, { contractDecision: "accept" });

    // the prospect's mail, the page, the SMS code
    const requestView = await until(async () => (await api.call("GET", `/api/dossiers/${prospect.reference}/signatures`, { as: "agent" })).body.items[0], "the signature request", 20_000);
    expect(requestView.signers.map((s: any) => [s.name, s.status])).to.deep.equal([["Sophie Lefèvre", "invited"], [requestView.signers[1].name, "waiting"]]);
    const mail = await until(() => recorded.mails.find((m) => m.purpose === "signature.invitation"), "the invitation");
    const token = tokenOf(mail);
    const csrf = await pageCsrf(api, token);
    const before = recorded.sms.length;
    expect((await pagePost(api, token, "/code", {}, csrf)).status).to.equal(201);
    const sms = await nextSms(recorded, before); // the development gateway's handset (sms_dev_received)
    expect(sms.to).to.equal("+33698765432");
    const signed = await pagePost(api, token, "/sign", { code: codeOf(sms), consent: true }, csrf);
    expect(signed.status, JSON.stringify(signed.body)).to.equal(200);

    // the countersigner (agent) signs from the 360° view
    const counter = await api.call("POST", `/api/signatures/${requestView.id}/sign`, { as: "agent", body: { consent: true } });
    expect(counter.status, JSON.stringify(counter.body)).to.equal(200);
    await service.idle();

    const customer = await until(async () => {
      const v = await view(prospect.reference);
      return v.state === "client" ? v : undefined;
    }, "the prospect become a customer", 20_000);
    expect(customer.data.dateEntree).to.be.a("string");
    const child = (await api.call("GET", `/api/dossiers?type=contrat&parent=${prospect.reference}`, { as: "agent" })).body.items.find((d: any) => d.title === "Contrat Sophie Lefèvre")
      ?? (await api.call("GET", `/api/dossiers?type=contrat&pageSize=50`, { as: "agent" })).body.items.find((d: any) => d.title === "Contrat Sophie Lefèvre");
    expect(child).to.exist;
    const childDocs = await until(async () => {
      const items = (await api.call("GET", `/api/dossiers/${child.reference}/documents`, { as: "agent" })).body.items;
      return items.length >= 2 ? items : undefined;
    }, "the contract file's documents", 20_000);
    const names = childDocs.map((d: any) => d.filename);
    expect(names.some((n: string) => / - signé\.pdf$/.test(n)), names.join(", ")).to.equal(true);
    expect(names.some((n: string) => / - fichier de preuve\.pdf$/.test(n)), names.join(", ")).to.equal(true);
    expect((await view(child.reference)).data.statutSignature).to.equal("contresigne");

    const done = (await api.call("GET", `/api/signatures/${requestView.id}`, { as: "agent" })).body;
    const sealed = service.sealedContent(done.sealedDocumentId);
    writeFileSync(path.join(out, "contrat-signe.pdf"), sealed);
    expect(spawnSync("pdfsig", [path.join(out, "contrat-signe.pdf")], { encoding: "utf8" }).stdout).to.contain("Signature is Valid.");
    const text = execFileSync("pdftotext", [path.join(out, "contrat-signe.pdf"), "-"], { encoding: "utf8" });
    expect(text).to.contain("Lefèvre"); // the customer's data in the rendered contract
    expect(text).to.contain("Page de signature");
    const verdict = (await (await fetch(`${api.base}/verification`, { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(sealed) })).json()) as any;
    expect(verdict.verdict).to.equal("authentic");
  });

  it("should have an amendment of the demo contract rendered, validated, signed by the customer's decision-maker and countersigned", async () => {
    const contracts = (await api.call("GET", "/api/dossiers?type=contrat&pageSize=50", { as: "agent" })).body.items as Array<{ reference: string; title: string }>;
    const contract = contracts.find((d) => d.title === "Multirisque professionnelle — Boulangerie Martin")!;
    const started = await api.call("POST", `/api/dossiers/${contract.reference}/actions/avenant`, { as: "agent", body: {} });
    expect(started.status, JSON.stringify(started.body)).to.be.oneOf([200, 201, 202]);
    const describe_ = await openTask("agent", contract.reference, "DescribeAmendment");
    await complete("agent", describe_.userTaskKey, { contractNumber: "MRP-2025-004512", amendmentEffectiveDate: "2027-02-01", amendmentDescription: "Ajout de la garantie bris de machine (four à sole)." });
    const validate = await openTask("manager", contract.reference, "ValidateAmendment");
    await complete("manager", validate.userTaskKey, { contractDecision: "accept" });
    const request = await until(async () => (await api.call("GET", `/api/dossiers/${contract.reference}/signatures`, { as: "agent" })).body.items[0], "the amendment's signature request", 20_000);
    expect(request.signers.map((s: any) => s.name)[0]).to.equal("Julie Martin"); // the decision-maker of the customer file
    const mail = await until(() => [...recorded.mails].reverse().find((m) => m.purpose === "signature.invitation" && m.text.includes("Bonjour Julie Martin")), "the invitation");
    const token = tokenOf(mail);
    const csrf = await pageCsrf(api, token);
    const before = recorded.sms.length;
    expect((await pagePost(api, token, "/code", {}, csrf)).status).to.equal(201);
    expect((await pagePost(api, token, "/sign", { code: codeOf(await nextSms(recorded, before)), consent: true }, csrf)).status).to.equal(200);
    expect((await api.call("POST", `/api/signatures/${request.id}/sign`, { as: "agent", body: { consent: true } })).status).to.equal(200);
    await service.idle();
    const note = await until(async () => (await api.call("GET", `/api/dossiers/${contract.reference}/journal?pageSize=100`, { as: "agent" })).body.items.find((e: any) => e.action === "note.added" && /Avenant signé/.test(e.summary)), "the signed amendment's note", 20_000);
    expect(note.actor).to.equal("process");
    const names = (await api.call("GET", `/api/dossiers/${contract.reference}/documents`, { as: "agent" })).body.items.map((d: any) => d.filename);
    expect(names.some((n: string) => /^Avenant .* - signé\.pdf$/.test(n)), names.join(", ")).to.equal(true);
    const text = execFileSync("pdftotext", ["-", "-"], { input: service.sealedContent((await api.call("GET", `/api/signatures/${request.id}`, { as: "agent" })).body.sealedDocumentId), encoding: "utf8" });
    expect(text).to.contain("bris de machine");
  });
});
