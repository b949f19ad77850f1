/**
 * The private page of a party task: the task's form-js form with the dossier's public data
 * (reference, title, public notes, documents shared with the party) and the process variables the
 * form itself names (its keys, the option lists it reads, and the `portal.share` header's list) —
 * never the rest. Submitting completes the task with the values, files the uploaded files as
 * dossier documents (shared with the party), uses the link up and journals it with the party as
 * actor: ONE transaction, after the files were checked and stored.
 */
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import { dossierById, type DossierRow } from "../dossiers/rows.js";
import type { PreparedUpload } from "../documents/library.js";
import type { Engine } from "../engine/engine.js";
import type { UserTaskRow } from "../engine/state.js";
import { statement } from "../persistence/statements.js";
import { checkValues, parseSchema, shapeOf } from "./forms.js";
import type { Links } from "./links.js";
import { TASK_PURPOSE } from "./party-tasks.js";
import type { PickedUpload } from "./public-submit.js";
import { notFound, type VisitorData } from "./visitor.js";

export interface TaskGrant {
  partyId: number;
  userTaskKey: number;
  /** The link the page was opened with (used up on submit), when opened by link. */
  linkId?: number;
}

export const taskDone = () => new DossierError("INVALID_STATE", "This request was already answered, or it is no longer needed", [], { linkState: "done" });

function sharedKeys(schema: Record<string, unknown>, task: UserTaskRow): string[] {
  const keys = new Set<string>();
  const walk = (cs: unknown) => {
    for (const c of Array.isArray(cs) ? cs : []) {
      const comp = c as Record<string, unknown>;
      if (typeof comp["key"] === "string") keys.add(comp["key"]);
      if (typeof comp["valuesKey"] === "string") keys.add(comp["valuesKey"]);
      walk(comp["components"]);
    }
  };
  walk(schema["components"]);
  for (const k of (task.customHeaders["portal.share"] ?? "").split(",")) if (k.trim()) keys.add(k.trim());
  return [...keys];
}

export class TaskPages {
  constructor(private readonly deps: { engine: Engine; domain: Domain; links: Links; visitor: VisitorData }) {}

  /** The task and its dossier for a grant: the task must still be waiting, linked to that party. */
  private load(grant: TaskGrant): { task: UserTaskRow; dossier: DossierRow } {
    const row = statement(this.deps.domain.db, `SELECT dossier_id, party_id FROM portal_task WHERE user_task_key = ? AND outcome = 'linked'`).get(grant.userTaskKey) as { dossier_id: number; party_id: number } | undefined;
    if (!row || row.party_id !== grant.partyId) throw notFound();
    const task = this.deps.engine.store.userTask(grant.userTaskKey);
    if (!task) throw notFound();
    if (task.state !== "CREATED") throw taskDone();
    const dossier = dossierById(this.deps.domain.db, row.dossier_id);
    if (!dossier) throw notFound();
    return { task, dossier };
  }

  private schemaOf(task: UserTaskRow): Record<string, unknown> {
    const form = task.formKey !== null ? this.deps.engine.store.form(task.formKey) : undefined;
    if (!form) return { type: "default", components: [{ type: "text", text: task.name ?? task.elementId }] };
    return parseSchema(form.schema);
  }

  view(grant: TaskGrant, locale: "fr" | "en") {
    const { task, dossier } = this.load(grant);
    const schema = this.schemaOf(task);
    const variables = this.deps.engine.variables(task.processInstanceKey);
    const data: Record<string, unknown> = {};
    for (const key of sharedKeys(schema, task)) if (variables[key] !== undefined) data[key] = variables[key];
    // Files already given are not shown back in pickers; the dossier's public data is.
    for (const picker of shapeOf(schema).pickers) delete data[picker.key];
    const type = this.deps.domain.types.get(dossier.typeId);
    const publicDossier = { reference: dossier.reference, title: dossier.title, type: (locale === "en" ? type?.name.en : type?.name.fr) ?? dossier.typeId };
    data["dossier"] = publicDossier;
    return {
      task: { id: String(task.key), name: task.name ?? task.elementId, dueDate: task.dueDate },
      schema, data, dossier: publicDossier,
      notes: this.deps.visitor.notes(dossier.id), documents: this.deps.visitor.sharedDocuments(dossier.id),
    };
  }

  async submit(grant: TaskGrant, values: unknown, uploads: PickedUpload[]): Promise<{ reference: string }> {
    const { engine, domain, links } = this.deps;
    const { task, dossier } = this.load(grant);
    const schema = this.schemaOf(task);
    const shape = shapeOf(schema);
    const counts = Object.fromEntries(uploads.map((u) => [u.key, u.files.length]));
    const checked = checkValues(shape, values, counts);
    const actor = `portal:${grant.partyId}`;
    const prepared: Array<{ key: string; multiple: boolean; documentType: string | null; upload: PreparedUpload }> = [];
    try {
      for (const u of uploads) {
        if (u.files.length === 0) continue;
        const picker = shape.pickers.find((p) => p.key === u.key)!;
        let documentType: string | null;
        try {
          documentType = domain.documents.documentTypeFor(dossier, picker.documentType);
        } catch {
          documentType = null;
        }
        prepared.push({ key: u.key, multiple: picker.multiple, documentType, upload: await domain.documents.prepareUpload(u.files) });
      }
      await engine.transaction((tx) => {
        const again = this.load(grant); // still waiting, inside the write lane
        if (grant.linkId !== undefined) {
          const link = links.get(grant.linkId);
          if (!link || links.stateOf(link) !== "active") throw new DossierError("INVALID_STATE", "This link is no longer valid", [], { linkState: link ? links.stateOf(link) : "revoked" });
        }
        const variables: Record<string, unknown> = { ...checked };
        for (const p of prepared) {
          const ids = domain.documents.addIn(tx, { dossier: again.dossier, documentType: p.documentType, upload: p.upload, actor });
          const docs = ids.map((id, i) => ({ documentId: id, filename: p.upload.prepared[i]!.filename }));
          variables[p.key] = p.multiple ? docs : docs[0] ?? null;
          for (const id of ids) statement(domain.db, `INSERT INTO document_share (dossier_id, document_id, shared_at, shared_by) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`).run(again.dossier.id, id, tx.now, actor);
        }
        tx.completeUserTask(task.key, variables);
        if (grant.linkId !== undefined) links.touch(grant.linkId);
        links.revokeSubject(TASK_PURPOSE, `task:${task.key}`, actor, "used");
        statement(domain.db, `UPDATE portal_task SET completed_at = ? WHERE user_task_key = ?`).run(tx.now, task.key);
        domain.journal.append({
          dossierId: again.dossier.id, at: tx.now, actor, action: "portal.task.completed", summary: `« ${task.name ?? task.elementId} » rempli sur le portail`,
          after: { userTaskKey: String(task.key), values: checked, documents: Object.fromEntries(prepared.map((p) => [p.key, variables[p.key]])) }, private: true,
        });
      });
      return { reference: dossier.reference };
    } finally {
      for (const p of prepared) domain.documents.releaseUpload(p.upload);
      for (const u of uploads) for (const f of u.files) void import("node:fs").then((fs) => fs.promises.rm(f.path, { force: true }));
    }
  }
}
