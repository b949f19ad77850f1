/**
 * The customer-file domain wired together: types, address book, dossiers, documents, journal,
 * catalogue, deadlines, lists and search, on the engine's database and write lane. main.ts builds
 * one; the HTTP layer (api/domain/) and the built-in `dossier.update` worker use it.
 */
import type Database from "better-sqlite3";
import type { Engine } from "../engine/engine.js";
import { DocumentLibrary } from "../documents/library.js";
import { Catalogue } from "./catalogue.js";
import { Deadlines } from "./deadlines.js";
import { DossierEvents } from "./events.js";
import { ensureFieldIndexes } from "./field-indexes.js";
import { DossierIndex } from "./index-text.js";
import { Journal } from "./journal.js";
import { DossierLists } from "./list.js";
import { PartyBook } from "./parties/book.js";
import { ProcessJournal } from "./process-journal.js";
import { dossierById } from "./rows.js";
import { GlobalSearch } from "./search.js";
import { DossierService } from "./service.js";
import { label, type StoredType } from "./type-definition.js";
import { TypeRegistry } from "./types.js";
import { DossierViews } from "./view.js";
import { statement } from "../persistence/statements.js";

export interface DomainOptions {
  db: Database.Database;
  engine: Engine;
  dataDir: string;
  /** How often due deadline reminders are looked for, ms (0: never, tests call fireDue). */
  deadlineIntervalMs?: number;
  /** How often the process history is journaled when no engine event woke it, ms. */
  journalIntervalMs?: number;
  uploadLimits?: { maxFileBytes?: number; maxFiles?: number };
}

export class Domain {
  readonly db: Database.Database;
  readonly engine: Engine;
  readonly types: TypeRegistry;
  readonly journal: Journal;
  readonly events = new DossierEvents();
  readonly parties: PartyBook;
  readonly index: DossierIndex;
  readonly deadlines: Deadlines;
  readonly catalogue: Catalogue;
  readonly service: DossierService;
  readonly lists: DossierLists;
  readonly views: DossierViews;
  readonly documents: DocumentLibrary;
  readonly search: GlobalSearch;
  readonly processJournal: ProcessJournal;

  constructor(private readonly options: DomainOptions) {
    const { db, engine } = options;
    this.db = db;
    this.engine = engine;
    const now = () => engine.clock.now();
    this.types = new TypeRegistry(db).load();
    this.journal = new Journal(db);
    this.parties = new PartyBook(db, now);
    this.index = new DossierIndex(db);
    this.deadlines = new Deadlines({ db, engine, events: this.events, journal: this.journal });
    this.catalogue = new Catalogue({ db, engine, types: this.types, journal: this.journal, parties: this.parties, events: this.events });
    this.service = new DossierService({ db, engine, types: this.types, journal: this.journal, events: this.events, parties: this.parties, index: this.index, deadlines: this.deadlines, catalogue: this.catalogue });
    this.lists = new DossierLists({ db, types: this.types });
    this.views = new DossierViews({ db, engine, types: this.types, parties: this.parties, deadlines: this.deadlines, service: this.service });
    this.documents = new DocumentLibrary({
      db, engine, dataDir: options.dataDir, journal: this.journal, events: this.events, now,
      ...(options.uploadLimits ? { limits: options.uploadLimits } : {}),
      documentTypesOf: (dossier) => (this.types.get(dossier.typeId)?.documentTypes ?? []).map((t) => ({ id: t.id, label: label(t.label, "fr") })),
    });
    this.search = new GlobalSearch({ db, parties: this.parties, documents: this.documents });
    this.processJournal = new ProcessJournal({ db, engine, journal: this.journal });
    this.parties.onMerge((fromId, intoId) => this.rewritePartyReferences(fromId, intoId));
  }

  async start(): Promise<this> {
    await this.documents.start();
    if ((this.options.deadlineIntervalMs ?? 60_000) > 0) this.deadlines.start(this.options.deadlineIntervalMs ?? 60_000);
    if ((this.options.journalIntervalMs ?? 2000) > 0) this.processJournal.start(this.options.journalIntervalMs ?? 2000);
    return this;
  }

  async stop(): Promise<void> {
    this.deadlines.stop();
    this.processJournal.stop();
    await this.documents.stop();
  }

  /** Saves a type version and its field indexes in one transaction. */
  async saveType(typeId: string, definition: unknown, actor: string | null): Promise<{ type: StoredType; created: boolean; changed: boolean }> {
    try {
      return await this.engine.transaction((tx) => {
        const saved = this.types.save(typeId, definition, actor, tx.now);
        if (saved.changed) ensureFieldIndexes(this.db, saved.type);
        return saved;
      });
    } catch (error) {
      this.types.forget(typeId); // the rows rolled back: so does the cache
      throw error;
    }
  }

  /** A merge keeps every reference: dossier roles and party fields move to the surviving party (inside the merge's transaction). */
  private rewritePartyReferences(fromId: number, intoId: number): void {
    const now = this.engine.clock.now();
    const touched = new Set<number>();
    for (const r of statement(this.db, `SELECT dossier_id, role FROM dossier_party WHERE party_id = ?`).all(fromId) as Array<{ dossier_id: number; role: string }>) {
      statement(this.db, `INSERT OR IGNORE INTO dossier_party (dossier_id, role, party_id, added_at) VALUES (?, ?, ?, ?)`).run(r.dossier_id, r.role, intoId, now);
      touched.add(r.dossier_id);
    }
    statement(this.db, `DELETE FROM dossier_party WHERE party_id = ?`).run(fromId);
    for (const type of this.types.all()) {
      for (const field of type.fields.filter((f) => f.type === "party")) {
        const path = `$."${field.id}"`;
        const ids = statement(this.db, `SELECT id FROM dossier WHERE type_id = ? AND json_extract(data, ?) = ?`).all(type.id, path, fromId) as Array<{ id: number }>;
        for (const { id } of ids) {
          statement(this.db, `UPDATE dossier SET data = json_set(data, ?, ?), version = version + 1, updated_at = ? WHERE id = ?`).run(path, intoId, now, id);
          touched.add(id);
        }
      }
    }
    for (const id of touched) {
      this.journal.append({ dossierId: id, at: now, actor: null, action: "party.merged", summary: `Tiers #${fromId} fusionné dans #${intoId}`, before: { partyId: fromId }, after: { partyId: intoId } });
      const dossier = dossierById(this.db, id);
      if (dossier) this.service.reindex(dossier, now);
    }
  }
}
