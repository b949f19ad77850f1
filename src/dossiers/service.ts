/**
 * Dossier commands: open (with its opening process, atomically), edit fields (optimistic version),
 * change state (allowed transitions, required fields), parties, notes and calls. Every command is
 * one `engine.transaction`: it re-reads the dossier inside the write lane, checks, writes the row,
 * its full-text row, its reminders and its journal entries, and dispatches dossier events whose
 * reactions (processes started, messages published) commit with it or not at all.
 */
import type Database from "better-sqlite3";
import type { Engine, EngineTransaction } from "../engine/engine.js";
import type { Principal } from "../identity/identity.js";
import type { Catalogue } from "./catalogue.js";
import type { Deadlines } from "./deadlines.js";
import { DossierError, failOn, type FieldProblem } from "./errors.js";
import type { DossierEvents } from "./events.js";
import { checkOwner, checkSector, checkTags, checkTitle } from "./checks.js";
import { checkData, missingFor } from "./fields.js";
import type { DossierIndex } from "./index-text.js";
import type { Journal } from "./journal.js";
import type { PartyDirectory } from "./party-directory.js";
import { ReferenceSequence } from "./references.js";
import { dossierById, notFoundDossier, toDossier, visibleDossier, visibleDossierById, type DossierRow } from "./rows.js";
import { createHash } from "node:crypto";
import { canonical } from "./journal.js";
import { label, type StoredType } from "./type-definition.js";
import type { TypeRegistry } from "./types.js";
import { statement } from "../persistence/statements.js";

export interface DossierServiceDeps {
  db: Database.Database;
  engine: Engine;
  types: TypeRegistry;
  journal: Journal;
  events: DossierEvents;
  parties: PartyDirectory;
  index: DossierIndex;
  deadlines: Deadlines;
  catalogue: Catalogue;
}

export interface PartyLink {
  role: string;
  partyId?: number;
  party?: Record<string, unknown>;
  /** The address-book row, once loaded (checked links). */
  row?: PartyRowLike;
}

/** What the dossier module reads of a party row (parties/types.ts PartyRow). */
interface PartyRowLike {
  id: number;
  name: string;
  emails?: string[];
  phones?: Array<{ number: string }>;
}

export interface CreateDossierInput {
  type: string;
  title: string;
  data?: Record<string, unknown>;
  parties?: PartyLink[];
  sector?: string | null;
  owner?: string | null;
  parent?: string | null;
  tags?: string[];
  /** Do not start the type's opening process (imports, demo data already running). */
  skipOpening?: boolean;
  /**
   * The client's Idempotency-Key: a creation repeated with the same key by the same user (a retry
   * after a lost answer, a double click) answers the dossier the first one opened, and opens nothing.
   */
  idempotencyKey?: string;
}

export interface DossierPatch {
  title?: string;
  data?: Record<string, unknown>;
  tags?: string[];
  owner?: string | null;
  sector?: string | null;
}

const actorOf = (p: Principal | null) => p?.username ?? null;

/** Whose contact details a process gets as `dossier.customer`: the customer, else the candidate, else the first party. */
export function rolePriority(role: string): number {
  return role === "customer" ? 0 : role === "candidate" ? 1 : 2;
}

export class DossierService {
  /**
   * Set by the archive module: why a dossier may not change (it is archived, its fields are
   * records), or null. Every change goes through `mutateIn`, which refuses it with INVALID_STATE.
   */
  frozen: ((dossierId: number) => string | null) | undefined;
  private readonly sequence: ReferenceSequence;
  private readonly insertDossier: Database.Statement;
  private readonly insertParty: Database.Statement;
  private readonly partyIds: Database.Statement;

  constructor(private readonly deps: DossierServiceDeps) {
    const { db } = deps;
    this.sequence = new ReferenceSequence(db);
    this.insertDossier = statement(db, 
      `INSERT INTO dossier (reference, type_id, type_version, title, state, owner, sector, parent_id, data, tags, version, created_at, created_by, updated_at, closed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, NULL)`,
    );
    this.insertParty = statement(db, `INSERT OR IGNORE INTO dossier_party (dossier_id, role, party_id, added_at) VALUES (?, ?, ?, ?)`);
    this.partyIds = statement(db, `SELECT role, party_id FROM dossier_party WHERE dossier_id = ? ORDER BY added_at, role`);
  }

  // ── reads used by commands ──────────────────────────────────────────────────────────────────

  partiesOf(dossierId: number): Array<{ role: string; partyId: number }> {
    return (this.partyIds.all(dossierId) as Array<{ role: string; party_id: number }>).map((r) => ({ role: r.role, partyId: r.party_id }));
  }

  /** The display names of the dossier's parties (the full-text row): one indexed query on the address book's names. */
  partyNames(dossierId: number): string[] {
    return (statement(this.deps.db, `SELECT p.name FROM dossier_party dp JOIN party p ON p.id = dp.party_id WHERE dp.dossier_id = ? ORDER BY dp.added_at`).all(dossierId) as Array<{ name: string }>).map((r) => r.name);
  }

  typeOf(dossier: DossierRow): StoredType {
    return this.deps.types.require(dossier.typeId);
  }

  /** Writes the derived rows of a changed dossier (full text, reminders) inside its transaction. */
  reindex(dossier: DossierRow, now: number, isNew = false, partyNames?: string[]): void {
    const type = this.deps.types.get(dossier.typeId);
    this.deps.index.write(dossier, type, partyNames ?? this.partyNames(dossier.id), isNew);
    if (type) this.deps.deadlines.plan(dossier, type, now);
  }

  // ── open a dossier ──────────────────────────────────────────────────────────────────────────

  create(principal: Principal | null, input: CreateDossierInput): Promise<{ dossier: DossierRow; processInstanceKey: number | null; repeated?: boolean }> {
    const key = input.idempotencyKey;
    if (key !== undefined && (typeof key !== "string" || !/^[\x21-\x7e]{1,128}$/.test(key))) {
      throw new DossierError("INVALID_ARGUMENT", `Expected an Idempotency-Key of 1 to 128 visible ASCII characters, but found ${JSON.stringify(key)?.slice(0, 40)}`);
    }
    const user = principal?.username ?? "";
    const { idempotencyKey: _key, ...request } = input;
    const fingerprint = createHash("sha256").update(canonical(request)).digest("hex");
    const earlier = () => {
      if (key === undefined) return undefined;
      const row = statement(this.deps.db, `SELECT dossier_id, process_instance_key, request_hash FROM dossier_idempotency WHERE username = ? AND idempotency_key = ?`).get(user, key) as { dossier_id: number; process_instance_key: number | null; request_hash: string } | undefined;
      if (!row) return undefined;
      if (row.request_hash !== fingerprint) {
        throw new DossierError("IDEMPOTENCY_KEY_REUSED", `Expected the Idempotency-Key '${key}' to come again with the same request, but this one differs from the request that first used it: use a new key for a new dossier`);
      }
      const dossier = principal ? visibleDossierById(this.deps.db, principal, row.dossier_id) : dossierById(this.deps.db, row.dossier_id);
      if (!dossier) throw notFoundDossier(row.dossier_id);
      return { dossier, processInstanceKey: row.process_instance_key, repeated: true };
    };
    const found = earlier();
    if (found) return Promise.resolve(found);
    const prepared = this.prepareCreate(principal, input);
    return this.deps.engine.transaction((tx) => {
      const again = earlier(); // the first of two concurrent repeats committed meanwhile
      if (again) return again;
      const created = this.createIn(tx, principal, prepared);
      if (key !== undefined) {
        statement(this.deps.db, `INSERT INTO dossier_idempotency (username, idempotency_key, dossier_id, process_instance_key, request_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`).run(user, key, created.dossier.id, created.processInstanceKey, fingerprint, tx.now);
      }
      return created;
    });
  }

  /** Checks a new dossier completely before the transaction (one 400 listing every problem). */
  prepareCreate(principal: Principal | null, input: CreateDossierInput) {
    const problems: FieldProblem[] = [];
    const type = this.deps.types.get(typeof input.type === "string" ? input.type : "");
    if (!type) {
      const known = this.deps.types.all().map((t) => t.id).join(", ") || "(none configured)";
      throw new DossierError("VALIDATION_FAILED", `Expected 'type' to be a dossier type among ${known}, but found ${JSON.stringify(input.type)}`, [{ field: "type", message: `expected one of ${known}` }]);
    }
    const title = checkTitle(input.title, problems, true);
    const tags = checkTags(input.tags, problems) ?? [];
    const { data } = this.checkAll(type, input.data, problems);
    const links = this.checkPartyLinks(type, input.parties ?? [], problems, true);
    const initial = type.states.find((s) => s.initial)!;
    for (const f of missingFor(type, initial.id, data)) problems.push({ field: `data.${f.id}`, message: `expected a value: '${label(f.label, "fr")}' is required` });
    const sector = input.sector === undefined ? (type.defaultSector ?? principal?.groups[0] ?? null) : input.sector;
    if (sector !== null && (typeof sector !== "string" || sector.length > 256)) problems.push({ field: "sector", message: `expected a sector (group id), but found ${JSON.stringify(sector)}` });
    checkSector(this.deps.db, principal, sector, problems);
    const ownerGiven = input.owner === undefined ? undefined : input.owner;
    if (ownerGiven !== undefined) checkOwner(this.deps.db, ownerGiven, problems);
    let parent: DossierRow | undefined;
    if (input.parent !== undefined && input.parent !== null) {
      parent = principal ? visibleDossier(this.deps.db, principal, String(input.parent)) : this.byReference(String(input.parent));
      const parentType = this.deps.types.get(parent.typeId);
      if (!parentType?.childTypes.includes(type.id)) {
        problems.push({ field: "parent", message: `expected a dossier whose type allows '${type.id}' children (${parentType?.childTypes.join(", ") || "none"}), but '${parent.reference}' is a '${parent.typeId}'` });
      }
    }
    failOn(problems, "the new dossier");
    const owner = input.owner === undefined ? actorOf(principal) : input.owner;
    return { type, title: title!, tags, data, links, initial, sector: sector as string | null, parent, owner, skipOpening: input.skipOpening === true };
  }

  /** Opens a checked dossier inside a transaction: row, parties, journal, index, opening process, events. */
  createIn(tx: EngineTransaction, principal: Principal | null, prepared: ReturnType<DossierService["prepareCreate"]>): { dossier: DossierRow; processInstanceKey: number | null } {
    const { type, title, tags, data, links, initial, sector, parent, owner } = prepared;
    {
      const now = tx.now;
      const reference = this.sequence.next(type.id, type.referencePattern, now);
      let id: number;
      try {
        id = Number(this.insertDossier.run(reference, type.id, type.version, title, initial.id, owner, sector, parent?.id ?? null, JSON.stringify(data), JSON.stringify(tags), now, actorOf(principal), now).lastInsertRowid);
      } catch (error) {
        if (!/UNIQUE constraint failed: dossier\.reference/.test((error as Error).message)) throw error;
        throw new DossierError("ALREADY_EXISTS", `Expected the next reference of '${type.id}' (${reference}) to be free, but a dossier already has it: the type's reference pattern (${type.referencePattern}) makes references another pattern made before; give it a distinct prefix`);
      }
      const actor = actorOf(principal);
      const attached = this.attachParties(id, links, actor, now);
      const partyRows = attached.map(({ role, partyId }) => ({ role, partyId }));
      const dossier: DossierRow = {
        id, reference, typeId: type.id, typeVersion: type.version, title, state: initial.id, owner, sector, parentId: parent?.id ?? null,
        data, tags, version: 1, createdAt: now, createdBy: actorOf(principal), updatedAt: now, closedAt: null,
      };
      this.deps.journal.append({ dossierId: id, at: now, actor, action: "dossier.created", summary: `${label(type.name, "fr")} « ${dossier.title} » ouvert`, after: { reference, type: type.id, typeVersion: type.version, title: dossier.title, state: dossier.state, data, parties: partyRows, sector, owner, parent: parent?.reference ?? null } });
      if (parent) this.deps.journal.append({ dossierId: parent.id, at: now, actor, action: "child.created", summary: `Dossier enfant ${reference} (${label(type.name, "fr")})`, after: { reference, type: type.id } });
      this.reindex(dossier, now, true, attached.map((a) => a.row?.name ?? "").filter(Boolean));
      const main = [...attached].sort((a, b) => rolePriority(a.role) - rolePriority(b.role))[0]?.row;
      const customer = main ? { id: main.id, name: main.name, email: main.emails?.[0] ?? null, phone: main.phones?.[0]?.number ?? null } : null;
      const processInstanceKey = prepared.skipOpening || !type.catalogue.opening ? null : this.deps.catalogue.start(tx, dossier, type.catalogue.opening.processId, { kind: "opening", actionId: null, actor, customer });
      this.deps.events.emit({ type: "dossier.created", dossier, actor }, tx);
      return { dossier, processInstanceKey };
    }
  }

  private checkAll(type: StoredType, data: unknown, problems: FieldProblem[], current?: Record<string, unknown>) {
    const checked = checkData(type, data, current);
    problems.push(...checked.problems);
    return checked;
  }

  private checkPartyLinks(type: StoredType, links: unknown, problems: FieldProblem[], creating: boolean): PartyLink[] {
    if (!Array.isArray(links)) {
      problems.push({ field: "parties", message: "expected a list of {role, partyId} or {role, party}" });
      return [];
    }
    const roles = new Map(type.partyRoles.map((r) => [r.id, r]));
    const out: PartyLink[] = [];
    links.forEach((l: any, i) => {
      if (!l || typeof l !== "object") return void problems.push({ field: `parties[${i}]`, message: "expected {role, partyId} or {role, party}" });
      if (!roles.has(l.role)) return void problems.push({ field: `parties[${i}].role`, message: `expected one of the roles of '${type.id}' (${[...roles.keys()].join(", ")}), but found ${JSON.stringify(l.role)}` });
      if (l.partyId !== undefined) {
        const row = Number.isSafeInteger(l.partyId) ? (this.deps.parties.get(l.partyId) as PartyRowLike | undefined) : undefined;
        if (!row) return void problems.push({ field: `parties[${i}].partyId`, message: `expected the id of a party of the address book, but found ${JSON.stringify(l.partyId)}` });
        out.push({ role: l.role, partyId: row.id, row });
      } else if (l.party && typeof l.party === "object" && !Array.isArray(l.party)) out.push({ role: l.role, party: l.party });
      else problems.push({ field: `parties[${i}]`, message: "expected a partyId or a party to create" });
    });
    for (const [id, role] of roles) {
      const n = out.filter((l) => l.role === id).length;
      if (creating && role.required && n === 0) problems.push({ field: "parties", message: `expected a party in the role '${id}' (${label(role.label, "fr")})` });
      if (!role.multiple && n > 1) problems.push({ field: "parties", message: `expected one party at most in the role '${id}', but found ${n}` });
    }
    return out;
  }

  /** Creates the parties given inline (inside the transaction) and links all of them. */
  private attachParties(dossierId: number, links: PartyLink[], actor: string | null, now: number): Array<{ role: string; partyId: number; row: PartyRowLike | undefined }> {
    const out: Array<{ role: string; partyId: number; row: PartyRowLike | undefined }> = [];
    links.forEach((l, i) => {
      let row = l.row;
      if (l.partyId === undefined) {
        try {
          row = this.deps.parties.create(l.party, actor) as PartyRowLike;
        } catch (error) {
          if (error instanceof DossierError && error.problems.length) {
            throw new DossierError(error.code, error.message, error.problems.map((p) => ({ field: `parties[${i}].party.${p.field}`, message: p.message })));
          }
          throw error;
        }
      }
      const partyId = row?.id ?? l.partyId!;
      this.insertParty.run(dossierId, l.role, partyId, now);
      out.push({ role: l.role, partyId, row });
    });
    return out;
  }

  byReference(reference: string): DossierRow {
    const row = statement(this.deps.db, `SELECT * FROM dossier WHERE reference = ?`).get(reference) as Record<string, any> | undefined;
    if (!row) throw notFoundDossier(reference);
    return toDossier(row);
  }

  // ── change a dossier ───────────────────────────────────────────────────────────────────────

  /**
   * Runs a change of one dossier in the write lane after checking, inside the transaction, that
   * it still is at `expectedVersion` (when given); bumps the version and re-indexes.
   */
  mutate<T>(dossierId: number, expectedVersion: number | undefined, change: (dossier: DossierRow, tx: EngineTransaction) => { row?: Partial<DossierRow>; result: T } | null): Promise<{ dossier: DossierRow; result: T | undefined }> {
    return this.deps.engine.transaction((tx) => this.mutateIn(tx, dossierId, expectedVersion, change));
  }

  /** The synchronous core of `mutate`, for callers that compose several changes in one transaction. */
  mutateIn<T>(tx: EngineTransaction, dossierId: number, expectedVersion: number | undefined, change: (dossier: DossierRow, tx: EngineTransaction) => { row?: Partial<DossierRow>; result: T } | null): { dossier: DossierRow; result: T | undefined } {
    {
      const current = dossierById(this.deps.db, dossierId);
      if (!current) throw notFoundDossier(dossierId);
      if (expectedVersion !== undefined && current.version !== expectedVersion) {
        throw new DossierError("VERSION_CONFLICT", `Expected dossier ${current.reference} at version ${expectedVersion}, but it is at version ${current.version}: someone changed it meanwhile; reload it and apply your change again`, [], { currentVersion: current.version });
      }
      const frozen = this.frozen?.(current.id);
      if (frozen) throw new DossierError("INVALID_STATE", frozen);
      const outcome = change(current, tx);
      if (!outcome) return { dossier: current, result: undefined };
      const next = { ...current, ...(outcome.row ?? {}) };
      statement(this.deps.db, `UPDATE dossier SET title = ?, state = ?, owner = ?, sector = ?, data = ?, tags = ?, version = version + 1, updated_at = ?, closed_at = ? WHERE id = ?`)
        .run(next.title, next.state, next.owner, next.sector, JSON.stringify(next.data), JSON.stringify(next.tags), tx.now, next.closedAt, dossierId);
      const saved = dossierById(this.deps.db, dossierId)!;
      this.reindex(saved, tx.now);
      return { dossier: saved, result: outcome.result };
    }
  }

  async update(principal: Principal | null, dossier: DossierRow, patch: DossierPatch, expectedVersion: number): Promise<DossierRow> {
    const type = this.typeOf(dossier);
    const problems: FieldProblem[] = [];
    const title = checkTitle(patch.title, problems, false);
    const tags = checkTags(patch.tags, problems);
    if (patch.owner !== undefined || patch.sector !== undefined) {
      // Handing a dossier over (owner) or moving it (sector) is for its sector, not for whoever sees it through a task.
      const ofSector = !principal || principal.permissions.has("dossiers.all") || (dossier.sector !== null && principal.groups.includes(dossier.sector));
      if (!ofSector) {
        throw new DossierError("FORBIDDEN", `Expected a member of the sector '${dossier.sector ?? "(none)"}' to change the owner or the sector of ${dossier.reference}, but ${principal!.username} sees it only through a task`);
      }
      if (patch.owner !== undefined) checkOwner(this.deps.db, patch.owner, problems);
      if (patch.sector !== undefined) checkSector(this.deps.db, principal, patch.sector, problems);
    }
    this.checkAll(type, patch.data, problems, dossier.data); // early, complete report; re-checked on the current data below
    failOn(problems, `the change of ${dossier.reference}`);
    const { dossier: saved } = await this.mutate(dossier.id, expectedVersion, this.updateChange(type, { ...patch, title, tags }, actorOf(principal)));
    return saved;
  }

  /** The change function of a field update (checked again on the dossier as it is inside the transaction). */
  updateChange(type: StoredType, patch: DossierPatch, actor: string | null) {
    const { title, tags } = patch;
    return (current: DossierRow, tx: EngineTransaction): { row: Partial<DossierRow>; result: undefined } | null => {
      const again: FieldProblem[] = [];
      const { data } = this.checkAll(type, patch.data, again, current.data);
      for (const f of missingFor(type, current.state, data)) if (patch.data && f.id in patch.data) again.push({ field: `data.${f.id}`, message: `expected a value: '${label(f.label, "fr")}' is required in the state '${current.state}'` });
      failOn(again, `the change of ${current.reference}`);
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      const fields = new Set([...Object.keys(current.data), ...Object.keys(data)]);
      for (const f of fields) {
        if (JSON.stringify(current.data[f]) !== JSON.stringify(data[f])) {
          before[`data.${f}`] = current.data[f] ?? null;
          after[`data.${f}`] = data[f] ?? null;
        }
      }
      const row: Partial<DossierRow> = { data };
      const simple = { title, tags, owner: patch.owner, sector: patch.sector } as const;
      for (const [k, v] of Object.entries(simple)) {
        if (v === undefined) continue;
        const old = (current as unknown as Record<string, unknown>)[k];
        if (JSON.stringify(old) !== JSON.stringify(v)) {
          before[k] = old ?? null;
          after[k] = v;
          (row as Record<string, unknown>)[k] = v;
        }
      }
      if (Object.keys(after).length === 0) return null;
      const names = Object.keys(after).map((k) => (k.startsWith("data.") ? label(type.fields.find((f) => `data.${f.id}` === k)?.label, "fr") || k : k));
      this.deps.journal.append({ dossierId: current.id, at: tx.now, actor, action: "dossier.updated", summary: `Modifié : ${names.join(", ")}`, before, after });
      return { row, result: undefined };
    };
  }

  async changeState(principal: Principal | null, dossier: DossierRow, to: unknown, expectedVersion: number | undefined, comment?: string): Promise<DossierRow> {
    const type = this.typeOf(dossier);
    const target = type.states.find((s) => s.id === to);
    if (!target) throw new DossierError("INVALID_ARGUMENT", `Expected a state of '${type.id}' (${type.states.map((s) => s.id).join(", ")}), but found ${JSON.stringify(to)}`);
    const { dossier: saved } = await this.mutate(dossier.id, expectedVersion, this.stateChange(principal, type, target.id, comment));
    return saved;
  }

  /** The change function of a state change: an allowed transition, with the target's required fields filled. */
  stateChange(principal: Principal | null, type: StoredType, to: string, comment?: string, actor: string | null = actorOf(principal)) {
    const target = type.states.find((s) => s.id === to);
    if (!target) throw new DossierError("INVALID_ARGUMENT", `Expected a state of '${type.id}' (${type.states.map((s) => s.id).join(", ")}), but found ${JSON.stringify(to)}`);
    return (current: DossierRow, tx: EngineTransaction): { row: Partial<DossierRow>; result: undefined } => {
      if (current.state === target.id) throw new DossierError("INVALID_STATE", `Expected a state other than '${target.id}', but ${current.reference} already is in it`);
      const allowed = this.transitionsFor(principal, type, current.state).some((t) => t.to === target.id);
      if (!allowed) {
        const any = type.transitions.filter((t) => (t.from === current.state || t.from === "*") && t.to === target.id);
        throw new DossierError(
          any.length ? "FORBIDDEN" : "INVALID_STATE",
          any.length
            ? `Expected one of the roles ${[...new Set(any.flatMap((t) => t.roles ?? []))].join(", ")} to move ${current.reference} from '${current.state}' to '${target.id}', but you have ${principal?.roles.join(", ") || "none"}`
            : `Expected a transition from '${current.state}' to '${target.id}' in the type '${type.id}', but there is none (allowed: ${type.transitions.filter((t) => t.from === current.state || t.from === "*").map((t) => t.to).join(", ") || "none"})`,
        );
      }
      const missing = missingFor(type, target.id, current.data);
      failOn(missing.map((f) => ({ field: `data.${f.id}`, message: `expected a value before entering '${target.id}': '${label(f.label, "fr")}' is required there` })), `${current.reference} to enter '${target.id}'`);
      this.deps.journal.append({ dossierId: current.id, at: tx.now, actor, action: "state.changed", summary: `${label(type.states.find((s) => s.id === current.state)?.label, "fr")} → ${label(target.label, "fr")}${comment ? ` : ${comment}` : ""}`, before: { state: current.state }, after: { state: target.id, ...(comment ? { comment } : {}) } });
      if (target.processes === "cancel") this.cancelProcessesIn(tx, current.id);
      const next: Partial<DossierRow> = { state: target.id, closedAt: target.final ? tx.now : null };
      this.deps.events.emit({ type: "state.changed", dossier: { ...current, ...next }, from: current.state, to: target.id, actor }, tx);
      return { row: next, result: undefined };
    };
  }

  /**
   * Closing behaviour 'cancel': the dossier's running processes are cancelled in the state
   * change's transaction. A process whose job is being worked on (the `dossier.update` that made
   * this very change) cannot be cancelled under its own job: it is cancelled right after commit.
   */
  private cancelProcessesIn(tx: EngineTransaction, dossierId: number): void {
    const running = statement(this.deps.db, `SELECT dp.process_instance_key AS key, EXISTS (SELECT 1 FROM job j WHERE j.process_instance_key = dp.process_instance_key AND j.state = 'ACTIVATED') AS busy FROM dossier_process dp JOIN process_instance pi ON pi.key = dp.process_instance_key WHERE dp.dossier_id = ? AND pi.state = 'ACTIVE' ORDER BY dp.process_instance_key`).all(dossierId) as Array<{ key: number; busy: number }>;
    for (const { key, busy } of running) {
      if (!busy) tx.cancelInstance(key);
      else tx.afterCommit(() => void this.deps.engine.cancelProcessInstance(key).catch(() => undefined));
    }
  }

  /** The transitions from `state` the principal may make (administrators: all). */
  transitionsFor(principal: Principal | null, type: StoredType, state: string) {
    const roles = principal?.roles ?? ["administrator"];
    return type.transitions.filter(
      (t) => (t.from === state || t.from === "*") && t.to !== state && (roles.includes("administrator") || !t.roles || t.roles.length === 0 || t.roles.some((r) => roles.includes(r))),
    );
  }

  async addParty(principal: Principal | null, dossier: DossierRow, link: PartyLink): Promise<DossierRow> {
    const type = this.typeOf(dossier);
    const problems: FieldProblem[] = [];
    const [checked] = this.checkPartyLinks(type, [link], problems, false);
    failOn(problems, "the party to add");
    const actor = actorOf(principal);
    const { dossier: saved } = await this.mutate(dossier.id, undefined, (current, tx) => {
      const existing = this.partiesOf(current.id);
      const role = type.partyRoles.find((r) => r.id === checked!.role)!;
      if (!role.multiple && existing.some((p) => p.role === role.id) && !existing.some((p) => p.role === role.id && p.partyId === checked!.partyId)) {
        throw new DossierError("INVALID_STATE", `Expected no party yet in the role '${role.id}' (one at most), but ${current.reference} has one: remove it first`);
      }
      const [added] = this.attachParties(current.id, [checked!], actor, tx.now);
      const name = this.deps.parties.summary(this.deps.parties.get(added!.partyId)).name;
      this.deps.journal.append({ dossierId: current.id, at: tx.now, actor, action: "party.added", summary: `${label(role.label, "fr")} : ${name}`, after: added });
      return { row: {}, result: undefined };
    });
    return saved;
  }

  async removeParty(principal: Principal | null, dossier: DossierRow, role: string, partyId: number): Promise<DossierRow> {
    const actor = actorOf(principal);
    const { dossier: saved } = await this.mutate(dossier.id, undefined, (current, tx) => {
      const done = statement(this.deps.db, `DELETE FROM dossier_party WHERE dossier_id = ? AND role = ? AND party_id = ?`).run(current.id, role, partyId);
      if (done.changes === 0) throw new DossierError("NOT_FOUND", `Expected party ${partyId} in the role '${role}' of ${current.reference}, but it is not there`);
      this.deps.journal.append({ dossierId: current.id, at: tx.now, actor, action: "party.removed", summary: `Rôle ${role} retiré`, before: { role, partyId } });
      return { row: {}, result: undefined };
    });
    return saved;
  }

  /** A note (private by default) or a logged call in the exchanges timeline; the dossier's version does not move. */
  async addExchange(principal: Principal | null, dossier: DossierRow, entry: { action: "note.added" | "call.logged"; summary: string; after: Record<string, unknown>; private: boolean }): Promise<void> {
    await this.deps.engine.transaction((tx) => {
      this.deps.journal.append({ dossierId: dossier.id, at: tx.now, actor: actorOf(principal), action: entry.action, summary: entry.summary, after: entry.after, private: entry.private });
      statement(this.deps.db, `UPDATE dossier SET updated_at = ? WHERE id = ?`).run(tx.now, dossier.id);
    });
  }
}
