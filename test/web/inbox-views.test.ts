import { expect } from "chai";
import type { Task } from "../../src/web/inbox/tasks.js";
import { dueState, EMPTY_FILTERS, listRequest, matchesLocally, priorityLevel, viewFilter } from "../../src/web/inbox/views.js";

const task = (over: Partial<Task> = {}): Task => ({
  userTaskKey: "11", name: "Collecter les pièces justificatives", state: "CREATED", assignee: null, elementId: "CollectDocuments",
  candidateGroups: ["agents"], candidateUsers: [], processDefinitionId: "customer-file-validation", processDefinitionVersion: 1,
  processName: "Validation d'un dossier client", processInstanceKey: "2251799813685253", creationDate: "2026-01-01T00:00:00.000Z",
  dueDate: null, followUpDate: null, priority: 50, formKey: null, externalFormReference: null, ...over,
});
const agent = { username: "agent", roles: ["agent"], permissions: ["tasks.read", "tasks.work"], groups: ["agents", "reviewers"] };
const manager = { username: "manager", roles: ["manager"], permissions: ["tasks.read", "tasks.work", "tasks.all"], groups: ["sales"] };

describe("web: inbox views and filters", () => {
  it("should ask for an agent's unassigned tasks and leave visibility to the server, but narrow a manager's to their groups", () => {
    expect(viewFilter("group", agent)).to.deep.equal({ state: "CREATED", assignee: { $exists: false } });
    expect(viewFilter("group", manager)).to.deep.equal({ state: "CREATED", assignee: { $exists: false }, candidateGroup: { $in: ["sales"] } });
    expect(viewFilter("mine", agent)).to.deep.equal({ state: "CREATED", assignee: "agent" });
  });

  it("should send the process, due date and priority filters and the sort order to the server", () => {
    const now = Date.parse("2026-03-10T12:00:00Z");
    const request = listRequest("mine", agent, { ...EMPTY_FILTERS, process: "customer-file-validation", due: "overdue", priority: 51, sort: "priority" }, now);
    expect(request.filter).to.deep.equal({ state: "CREATED", assignee: "agent", processDefinitionId: "customer-file-validation", dueDate: { $lt: "2026-03-10T12:00:00.000Z" }, priority: { $gte: 51 } });
    expect(request.sort![0]).to.deep.equal({ field: "priority", order: "DESC" });
    expect(listRequest("mine", agent, { ...EMPTY_FILTERS, due: "none" }).filter["dueDate"]).to.deep.equal({ $exists: false });
  });

  it("should match the text without accents or case, word by word, across name, process and dossier", () => {
    const dossier = { processInstanceKey: "2251799813685253", dossierReference: "DOS-2026-001", customerName: "Boulangerie Martin" };
    const filters = (text: string, reference = "") => ({ ...EMPTY_FILTERS, text, reference });
    expect(matchesLocally(task(), dossier, filters("pieces martin"))).to.equal(true);
    expect(matchesLocally(task(), dossier, filters("VALIDATION dos-2026"))).to.equal(true);
    expect(matchesLocally(task(), dossier, filters("contrat"))).to.equal(false);
  });

  it("should match the dossier reference filter on the reference or the instance key", () => {
    const dossier = { processInstanceKey: "2251799813685253", dossierReference: "DOS-2026-001", customerName: null };
    expect(matchesLocally(task(), dossier, { ...EMPTY_FILTERS, reference: "dos-2026" })).to.equal(true);
    expect(matchesLocally(task(), undefined, { ...EMPTY_FILTERS, reference: "685253" })).to.equal(true);
    expect(matchesLocally(task(), dossier, { ...EMPTY_FILTERS, reference: "DOS-2025" })).to.equal(false);
  });

  it("should band priorities like Camunda and tell overdue from due soon", () => {
    expect([0, 25, 26, 50, 51, 75, 76, 100].map(priorityLevel)).to.deep.equal(["low", "low", "medium", "medium", "high", "high", "critical", "critical"]);
    const now = Date.parse("2026-03-10T12:00:00Z");
    expect(dueState("2026-03-10T11:59:00Z", now)).to.equal("overdue");
    expect(dueState("2026-03-11T11:00:00Z", now)).to.equal("soon");
    expect(dueState("2026-03-12T12:00:00Z", now)).to.equal("later");
    expect(dueState(null, now)).to.equal("none");
  });
});
