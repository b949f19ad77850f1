/**
 * The dossier as the API and the 360° view show it: the summary of lists and search results, and
 * the whole file (parent and children, parties with roles, deadlines, open tasks with who holds
 * them, processes, the transitions the caller may make, the fields still missing per state). One
 * dossier's view is a handful of indexed queries, whatever the size of the database.
 */
import type Database from "better-sqlite3";
import type { Engine } from "../engine/engine.js";
import type { Principal } from "../identity/identity.js";
import { dossierVisibility } from "./access.js";
import type { Deadlines } from "./deadlines.js";
import { missingFor } from "./fields.js";
import type { PartyDirectory, PartySummary } from "./party-directory.js";
import { toDossier, type DossierRow } from "./rows.js";
import { rolePriority, type DossierService } from "./service.js";
import { label } from "./type-definition.js";
import type { TypeRegistry } from "./types.js";
import { statement } from "../persistence/statements.js";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export class DossierViews {
  private readonly links: Database.Statement;
  private readonly tasks: Database.Statement;
  private readonly processes: Database.Statement;

  constructor(private readonly deps: { db: Database.Database; engine: Engine; types: TypeRegistry; parties: PartyDirectory; deadlines: Deadlines; service: DossierService }) {
    const { db } = deps;
    this.links = statement(db, `SELECT dossier_id, role, party_id FROM dossier_party WHERE dossier_id IN (SELECT value FROM json_each(?)) ORDER BY added_at`);
    // Open tasks of the dossier's processes and of the processes they called.
    this.tasks = statement(db, 
      `SELECT ut.key, ut.name, ut.element_id, ut.assignee, ut.candidate_groups, ut.candidate_users, ut.process_instance_key, ut.due_date, ut.created_at, ut.bpmn_process_id
       FROM user_task ut WHERE +ut.state = 'CREATED' AND ut.process_instance_key IN (
         SELECT process_instance_key FROM dossier_process WHERE dossier_id = ?
         UNION ALL SELECT pi.key FROM dossier_process dp JOIN process_instance pi ON pi.parent_process_instance_key = dp.process_instance_key WHERE dp.dossier_id = ?)
       ORDER BY ut.created_at`,
    );
    this.processes = statement(db, 
      `SELECT dp.process_instance_key, dp.kind, dp.action_id, dp.bpmn_process_id, dp.started_by, pi.state, pi.start_date, pi.end_date, pi.process_definition_key, pi.version
       FROM dossier_process dp LEFT JOIN process_instance pi ON pi.key = dp.process_instance_key WHERE dp.dossier_id = ? ORDER BY dp.started_at DESC`,
    );
  }

  /** Summaries of several dossiers with their customer, in two queries. */
  summaries(rows: DossierRow[], lang = "fr") {
    const links = rows.length ? (this.links.all(JSON.stringify(rows.map((r) => r.id))) as Array<{ dossier_id: number; role: string; party_id: number }>) : [];
    const parties = this.deps.parties.getMany([...new Set(links.map((l) => l.party_id))]);
    const customerOf = new Map<number, PartySummary>();
    for (const l of [...links].sort((a, b) => rolePriority(a.role) - rolePriority(b.role))) {
      if (customerOf.has(l.dossier_id)) continue;
      const p = parties.get(l.party_id);
      if (p) customerOf.set(l.dossier_id, this.deps.parties.summary(p));
    }
    return rows.map((d) => this.summary(d, lang, customerOf.get(d.id) ?? null));
  }

  summary(d: DossierRow, lang: string, customer: PartySummary | null) {
    const type = this.deps.types.get(d.typeId);
    return {
      reference: d.reference, type: d.typeId, typeName: label(type?.name, lang) || d.typeId, title: d.title, state: d.state,
      stateLabel: label(type?.states.find((s) => s.id === d.state)?.label, lang) || d.state, owner: d.owner, sector: d.sector,
      customer: customer ? { id: customer.id, name: customer.name } : null, data: d.data, tags: d.tags, version: d.version,
      createdAt: iso(d.createdAt), updatedAt: iso(d.updatedAt), closedAt: iso(d.closedAt),
    };
  }

  /** The whole 360° view of a dossier the principal sees. */
  full(principal: Principal, d: DossierRow, lang = "fr") {
    const { db, engine, types, parties, deadlines, service } = this.deps;
    const type = types.require(d.typeId);
    const links = service.partiesOf(d.id);
    const partyRows = parties.getMany(links.map((l) => l.partyId));
    const partyViews = links.map((l) => ({
      role: l.role, roleLabel: label(type.partyRoles.find((r) => r.id === l.role)?.label, lang) || l.role,
      party: partyRows.get(l.partyId) ? parties.summary(partyRows.get(l.partyId)) : { id: l.partyId, kind: "unknown", name: `#${l.partyId}` },
    }));
    const customer = partyViews.sort((a, b) => rolePriority(a.role) - rolePriority(b.role))[0]?.party ?? null;
    const access = dossierVisibility(principal, "d");
    const parent = d.parentId === null ? undefined : (statement(db, `SELECT d.* FROM dossier d WHERE d.id = ? AND ${access.sql}`).get(d.parentId, ...access.params) as Record<string, any> | undefined);
    const children = (statement(db, `SELECT d.* FROM dossier d WHERE d.parent_id = ? AND ${access.sql} ORDER BY d.created_at`).all(d.id, ...access.params) as Array<Record<string, any>>).map(toDossier);
    const tasks = (this.tasks.all(d.id, d.id) as Array<Record<string, any>>).map((t) => ({
      userTaskKey: String(t["key"]), name: t["name"] ?? t["element_id"], elementId: t["element_id"], assignee: t["assignee"],
      candidateGroups: JSON.parse(t["candidate_groups"]) as string[], candidateUsers: JSON.parse(t["candidate_users"]) as string[],
      processInstanceKey: String(t["process_instance_key"]), bpmnProcessId: t["bpmn_process_id"], dueDate: t["due_date"], creationDate: iso(t["created_at"]),
    }));
    const processes = (this.processes.all(d.id) as Array<Record<string, any>>).map((p) => ({
      processInstanceKey: String(p["process_instance_key"]), bpmnProcessId: p["bpmn_process_id"], version: p["version"] ?? null,
      name: (p["process_definition_key"] !== null ? engine.definitions.byKey(p["process_definition_key"])?.process.name : null) ?? p["bpmn_process_id"],
      kind: p["kind"], actionId: p["action_id"], startedBy: p["started_by"], state: p["state"] ?? "UNKNOWN", startDate: iso(p["start_date"] ?? null), endDate: iso(p["end_date"] ?? null),
    }));
    const transitions = principal.permissions.has("dossiers.write")
      ? service.transitionsFor(principal, type, d.state).map((t) => ({ to: t.to, label: label(t.label, lang) || label(type.states.find((s) => s.id === t.to)?.label, lang) }))
      : [];
    const fieldsMissingFor: Record<string, string[]> = {};
    for (const t of service.transitionsFor(null, type, d.state)) {
      const missing = missingFor(type, t.to, d.data).map((f) => f.id);
      if (missing.length) fieldsMissingFor[t.to] = missing;
    }
    return {
      ...this.summary(d, lang, customer),
      typeVersion: d.typeVersion, currentTypeVersion: type.version,
      parent: parent ? { reference: parent["reference"], title: parent["title"], type: parent["type_id"] } : null,
      children: this.summaries(children, lang),
      parties: partyViews,
      deadlines: deadlines.upcoming(d, type, engine.clock.now(), lang),
      tasks, processes, transitions, fieldsMissingFor,
    };
  }
}


