/**
 * The operate view's own endpoints (/api/ui/operate): what /v2 does not give — the history of an
 * instance as a timeline with the flows it took, counts per element of a definition, instance
 * counts per definition. Real server, real SQLite file, HTTP Basic as the demo users.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../src/config.js";
import { startServer } from "../../src/main.js";
import { operateApi, REVIEW } from "./operate-helpers.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("web: operate endpoints (/api/ui/operate)", function () {
  this.timeout(30_000);
  let server: Awaited<ReturnType<typeof startServer>>;
  let dir: string;
  let demo: ReturnType<typeof operateApi>;
  let definitionKey: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "dossier-operate-"));
    server = await startServer(loadConfig({ PORT: "0", DATA_DIR: dir, SQLITE_SYNCHRONOUS: "NORMAL" }, ROOT), () => undefined);
    demo = operateApi(`http://127.0.0.1:${server.port}`);
    definitionKey = await demo.deployReview();
  });

  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("should tell the history of an instance in order, with the element names and the sequence flows it took", async () => {
    // given an instance whose review ended with an undecidable decision, then was fixed and retried
    const pi = await demo.start(REVIEW, { dossierRef: "DOS-HIST-1" });
    await demo.completeTask(pi, "ReviewFile", { decision: "maybe" });
    await demo.until(pi, (i) => i.hasIncident);
    const [incident] = await demo.incidents(pi);
    await demo.call("PUT", `/v2/element-instances/${pi}/variables`, { variables: { decision: "reject" } });
    await demo.call("POST", `/v2/incidents/${incident!.incidentKey}/resolution`, {});
    await demo.until(pi, (i) => i.state === "COMPLETED");

    // when the operate view asks for its history
    const history = await demo.call("GET", `/api/ui/operate/instances/${pi}/history`);

    // then the flows taken are listed once each, and the timeline names what happened where
    expect(history.state).to.equal("COMPLETED");
    expect(history.takenFlows.map((f: { elementId: string }) => f.elementId)).to.have.members(["Flow_toReview", "Flow_toDecision", "Flow_reject"]);
    const entries = history.entries as Array<{ type: string; elementId: string | null; elementName: string | null; details: Record<string, unknown>; position: number }>;
    expect(entries.some((e) => e.type === "SEQUENCE_FLOW_TAKEN")).to.equal(false);
    const said = entries.filter((e) => ["ELEMENT_COMPLETED", "INCIDENT_CREATED", "INCIDENT_RESOLVED", "VARIABLE_UPDATED"].includes(e.type))
      .map((e) => `${e.type} ${e.elementName ?? ""}`.trim());
    expect(said).to.deep.equal([
      "ELEMENT_COMPLETED Dossier reçu", "ELEMENT_COMPLETED Examiner le dossier", "INCIDENT_CREATED Décision ?", "VARIABLE_UPDATED Examen d'un dossier (test)",
      "INCIDENT_RESOLVED Décision ?", "ELEMENT_COMPLETED Décision ?", "ELEMENT_COMPLETED Dossier refusé", "ELEMENT_COMPLETED Examen d'un dossier (test)",
    ]);
    const created = entries.find((e) => e.type === "INCIDENT_CREATED")!;
    expect(created.details).to.include({ errorType: "CONDITION_ERROR" }).and.not.have.property("elementId");
    expect(created.details["elementInstanceKey"]).to.be.a("string").and.match(/^\d+$/, "keys are decimal strings, as in /v2");
    expect(entries.find((e) => e.type === "VARIABLE_UPDATED")!.details).to.include({ name: "decision", value: "reject", scopeKey: pi });
    expect(entries.map((e) => e.position)).to.deep.equal([...entries.map((e) => e.position)].sort((a, b) => a - b));
    expect(history.lastPosition).to.be.at.least(entries.at(-1)!.position);
  });

  it("should count per element of a definition the instances waiting, in incident, completed and canceled", async () => {
    // given, besides the instances already there: two waiting at the review, one stuck at the
    // decision, one refused, one canceled
    const before = await demo.call("GET", `/api/ui/operate/definitions/${definitionKey}/element-statistics`);
    const count = (items: Array<Record<string, number | string>>, id: string, field: string) => Number(items.find((i) => i.elementId === id)?.[field] ?? 0);
    const waiting = [await demo.start(REVIEW), await demo.start(REVIEW)];
    const stuck = await demo.start(REVIEW);
    await demo.completeTask(stuck, "ReviewFile", { decision: "later" });
    await demo.until(stuck, (i) => i.hasIncident);
    const refused = await demo.start(REVIEW);
    await demo.completeTask(refused, "ReviewFile", { decision: "reject" });
    await demo.until(refused, (i) => i.state === "COMPLETED");
    const canceled = await demo.start(REVIEW);
    await demo.call("POST", `/v2/process-instances/${canceled}/cancellation`, {});

    // when the operate view asks for the counts per element
    const after = await demo.call("GET", `/api/ui/operate/definitions/${definitionKey}/element-statistics`);

    // then each element carries the difference
    const delta = (id: string, field: string) => count(after.items, id, field) - count(before.items, id, field);
    expect(waiting).to.have.length(2);
    expect(delta("ReviewFile", "active")).to.equal(2);
    expect(delta("ReviewFile", "completed")).to.equal(2);
    expect(delta("ReviewFile", "canceled")).to.equal(1);
    expect(delta("Decision", "active")).to.equal(1);
    expect(delta("Decision", "incidents")).to.equal(1);
    expect(delta("FileRefused", "completed")).to.equal(1);
    expect(after.items.find((i: { elementId: string }) => i.elementId === "ReviewFile").elementName).to.equal("Examiner le dossier");
    expect(after.items.some((i: { elementId: string }) => i.elementId === REVIEW)).to.equal(false, "the process itself is not an element");
  });

  it("should count the instances of every deployed definition, including those with an incident", async () => {
    // given an instance of the review process stuck in an incident
    const stuck = await demo.start(REVIEW);
    await demo.completeTask(stuck, "ReviewFile", { decision: "unknown" });
    await demo.until(stuck, (i) => i.hasIncident);

    // when the operate view lists the definitions
    const { items } = await demo.call("GET", "/api/ui/operate/definitions");

    // then the review process and the demo models are there, with counts that match the search API
    const review = items.find((d: { processDefinitionKey: string }) => d.processDefinitionKey === definitionKey);
    const search = (filter: Record<string, unknown>) => demo.call("POST", "/v2/process-instances/search", { filter: { processDefinitionKey: definitionKey, ...filter } }).then((r) => r.page.totalItems);
    expect(review).to.include({ processDefinitionId: REVIEW, name: "Examen d'un dossier (test)", version: 1 });
    expect(review.active).to.equal(await search({ state: "ACTIVE" }));
    expect(review.withIncident).to.equal(await search({ state: "ACTIVE", hasIncident: true })).and.to.be.at.least(1);
    expect(review.completed).to.equal(await search({ state: "COMPLETED" }));
    expect(review.terminated).to.equal(await search({ state: "TERMINATED" }));
    expect(items.map((d: { processDefinitionId: string }) => d.processDefinitionId)).to.include("customer-file-validation");
  });

  it("should refuse these endpoints to a user who may not read instances", async () => {
    // given an agent (tasks only, no instances.read)
    const agent = operateApi(`http://127.0.0.1:${server.port}`, "agent");
    const pi = await demo.start(REVIEW);

    // then every endpoint answers 403, and an unknown instance 404
    for (const p of ["/api/ui/operate/definitions", `/api/ui/operate/definitions/${definitionKey}/element-statistics`, `/api/ui/operate/instances/${pi}/history`]) {
      const error = await agent.call("GET", p).then(() => undefined, (e: Error) => e.message);
      expect(error).to.contain("403");
    }
    expect(await demo.call("GET", "/api/ui/operate/instances/123/history").then(() => "", (e: Error) => e.message)).to.contain("404");
  });
});
