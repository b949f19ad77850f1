/**
 * What a portal visitor sees, always scoped to the dossiers where their party holds a role (read
 * in SQL for every request): the dossiers, their public notes, the documents shared with the
 * party, the tasks waiting for them, the message thread, the sections of other modules, and the
 * profile. Anything outside that scope answers the same 404 as an unknown id.
 */
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import { dossierById, type DossierRow } from "../dossiers/rows.js";
import { label } from "../dossiers/type-definition.js";
import { statement } from "../persistence/statements.js";
import type { Engine } from "../engine/engine.js";
import type { PortalItem, PortalSection, PortalVisitor } from "./api.js";

export const MESSAGE_ACTION = "portal.message";
export const MAX_MESSAGE_CHARS = 5000;

export const notFound = () => new DossierError("NOT_FOUND", "Nothing here: check the address, or sign in with the e-mail address the sender has");

export function dossierIdsOfParty(domain: Domain, partyId: number): number[] {
  return (statement(domain.db, `SELECT DISTINCT dossier_id FROM dossier_party WHERE party_id = ? ORDER BY dossier_id`).all(partyId) as Array<{ dossier_id: number }>).map((r) => r.dossier_id);
}

export class VisitorData {
  constructor(private readonly domain: Domain, private readonly engine: Engine, private readonly sections: PortalSection[]) {}

  /** The visitor's dossier of a reference; NOT_FOUND when it is not theirs (or does not exist). */
  dossier(visitor: PortalVisitor, reference: unknown): DossierRow {
    if (typeof reference !== "string" || reference.length > 128) throw notFound();
    const row = statement(this.domain.db, `SELECT d.id FROM dossier d JOIN dossier_party dp ON dp.dossier_id = d.id WHERE d.reference = ? AND dp.party_id = ? LIMIT 1`).get(reference, visitor.partyId) as { id: number } | undefined;
    if (!row) throw notFound();
    return dossierById(this.domain.db, row.id)!;
  }

  private summary(d: DossierRow, locale: "fr" | "en") {
    const type = this.domain.types.get(d.typeId);
    const state = type?.states.find((s) => s.id === d.state);
    return { reference: d.reference, title: d.title, type: label(type?.name, locale), state: label(state?.label, locale) || d.state, closed: d.closedAt !== null, createdAt: d.createdAt, updatedAt: d.updatedAt };
  }

  /** Open party tasks of the visitor (tasks linked to them, still waiting), newest first. */
  tasks(visitor: PortalVisitor, dossierId?: number) {
    const rows = statement(this.domain.db,
      `SELECT pt.user_task_key, pt.dossier_id, d.reference FROM portal_task pt JOIN user_task ut ON ut.key = pt.user_task_key JOIN dossier d ON d.id = pt.dossier_id
       WHERE pt.party_id = ? AND pt.outcome = 'linked' AND ut.state = 'CREATED' AND (? IS NULL OR pt.dossier_id = ?) ORDER BY pt.user_task_key DESC LIMIT 100`,
    ).all(visitor.partyId, dossierId ?? null, dossierId ?? null) as Array<{ user_task_key: number; dossier_id: number; reference: string }>;
    return rows.filter((r) => visitor.dossierIds.includes(r.dossier_id)).map((r) => {
      const task = this.engine.store.userTask(r.user_task_key)!;
      return { id: String(r.user_task_key), name: task.name ?? task.elementId, dossierReference: r.reference, createdAt: task.createdAt, dueDate: task.dueDate, href: `/portail/taches/${r.user_task_key}` };
    });
  }

  async sectionItems(visitor: PortalVisitor, dossierIds: number[]) {
    const out: Array<{ id: string; title: string; items: PortalItem[] }> = [];
    for (const section of this.sections) {
      try {
        const items = await section.items(visitor.partyId, dossierIds, visitor.locale);
        out.push({ id: section.id, title: section.title[visitor.locale], items: items.filter((i) => !i.href || i.href.startsWith("/")) });
      } catch {
        out.push({ id: section.id, title: section.title[visitor.locale], items: [] });
      }
    }
    return out;
  }

  async home(visitor: PortalVisitor) {
    const party = this.domain.parties.get(visitor.partyId);
    const dossiers = visitor.dossierIds.map((id) => dossierById(this.domain.db, id)).filter((d): d is DossierRow => d !== undefined)
      .sort((a, b) => b.updatedAt - a.updatedAt).map((d) => this.summary(d, visitor.locale));
    return { name: party?.name ?? "", locale: visitor.locale, dossiers, tasks: this.tasks(visitor), sections: await this.sectionItems(visitor, visitor.dossierIds) };
  }

  notes(dossierId: number) {
    return this.domain.journal.entries(dossierId, { includePrivate: false, actions: ["note.added"], limit: 200 })
      .filter((e) => !e.private)
      .map((e) => ({ at: e.at, text: String((e.after as { text?: unknown } | null)?.text ?? e.summary ?? "") }));
  }

  sharedDocuments(dossierId: number) {
    return (statement(this.domain.db,
      `SELECT doc.id, doc.filename, doc.document_type, doc.current_version, doc.updated_at, v.mime, v.size FROM document_share s JOIN dossier_document dd ON dd.dossier_id = s.dossier_id AND dd.document_id = s.document_id
       JOIN document doc ON doc.id = s.document_id JOIN document_version v ON v.document_id = doc.id AND v.version = doc.current_version WHERE s.dossier_id = ? ORDER BY s.shared_at, doc.id`,
    ).all(dossierId) as Array<{ id: number; filename: string; document_type: string | null; current_version: number; updated_at: number; mime: string; size: number }>)
      .map((r) => ({ id: r.id, filename: r.filename, documentType: r.document_type, version: r.current_version, updatedAt: r.updated_at, mime: r.mime, size: r.size }));
  }

  messages(dossierId: number) {
    return this.domain.journal.entries(dossierId, { includePrivate: true, actions: [MESSAGE_ACTION], limit: 500 })
      .map((e) => {
        const after = (e.after ?? {}) as { text?: string; direction?: string };
        return { at: e.at, text: after.text ?? "", from: after.direction === "out" ? "team" : "me" };
      });
  }

  async dossierView(visitor: PortalVisitor, reference: unknown) {
    const d = this.dossier(visitor, reference);
    return {
      ...this.summary(d, visitor.locale), notes: this.notes(d.id), documents: this.sharedDocuments(d.id), tasks: this.tasks(visitor, d.id),
      messages: this.messages(d.id), sections: await this.sectionItems(visitor, [d.id]),
    };
  }

  /** The stored file of a document shared with the visitor in one of their dossiers. */
  document(visitor: PortalVisitor, reference: unknown, documentId: unknown) {
    const d = this.dossier(visitor, reference);
    const id = Number(documentId);
    if (!Number.isSafeInteger(id) || !statement(this.domain.db, `SELECT 1 FROM document_share WHERE dossier_id = ? AND document_id = ?`).get(d.id, id)) throw notFound();
    return this.domain.documents.content(id, { sql: "d.id = ?", params: [d.id] });
  }

  profile(visitor: PortalVisitor) {
    const p = this.domain.parties.get(visitor.partyId);
    if (!p) throw notFound();
    return {
      name: p.name, firstName: p.firstName, lastName: p.lastName, emails: p.emails, phones: p.phones.map((x) => ({ number: x.display, label: x.label })),
      address: p.address, language: p.language ?? visitor.locale, preferredChannel: p.preferredChannel, version: p.version,
    };
  }
}
