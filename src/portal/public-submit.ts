/**
 * A public page's submission: the person (found by e-mail in the address book, else created),
 * the dossier of the page's type with the mapped fields, the uploaded files as its documents, the
 * type's opening process, the confirmation mail and the journal entry with the person as actor:
 * ONE transaction, after the files were checked by content and stored (files before rows). The
 * answer tells nothing but the new dossier's reference: nothing can be read back from a public page.
 */
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import type { PreparedUpload, TempFile } from "../documents/library.js";
import type { Engine } from "../engine/engine.js";
import type { Outbox } from "../mail/api.js";
import { statement } from "../persistence/statements.js";
import { checkValues, shapeOf } from "./forms.js";
import { confirmationMail } from "./mails.js";
import type { PublicPage } from "./public-pages.js";

export interface PickedUpload {
  key: string;
  files: TempFile[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function partyIdByEmail(domain: Domain, email: string): number | undefined {
  return (statement(domain.db, `SELECT pe.party_id FROM party_email pe JOIN party p ON p.id = pe.party_id WHERE pe.email = ? AND p.merged_into IS NULL ORDER BY pe.party_id LIMIT 1`)
    .get(email) as { party_id: number } | undefined)?.party_id;
}

function fill(pattern: string, values: Record<string, unknown>): string {
  return pattern.replace(/\{(\w+)\}/g, (_, k: string) => (values[k] === undefined || values[k] === null ? "" : String(values[k]))).replace(/\s+/g, " ").trim();
}

export async function submitPublicPage(deps: { engine: Engine; domain: Domain; outbox: Outbox; publicUrl: () => string }, input: {
  page: PublicPage; schema: Record<string, unknown>; values: unknown; uploads: PickedUpload[]; locale: "fr" | "en";
}): Promise<{ reference: string }> {
  const { domain, engine, outbox } = deps;
  const { page, schema, locale } = input;
  const shape = shapeOf(schema);
  const counts = Object.fromEntries(input.uploads.map((u) => [u.key, u.files.length]));
  const values = checkValues(shape, input.values, counts);
  const m = page.mapping;
  const email = String(values[m.email] ?? "").trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 254) {
    throw new DossierError("VALIDATION_FAILED", `Expected an e-mail address (name@example.fr) in '${m.email}', but found '${email.slice(0, 60)}'`, [{ field: m.email, message: "expected an e-mail address" }]);
  }
  const type = domain.types.require(page.dossierType);
  const role = m.role ?? (type.partyRoles.some((r) => r.id === "customer") ? "customer" : type.partyRoles[0]?.id);
  if (!role) throw new DossierError("INVALID_STATE", `Expected the dossier type '${type.id}' to have a party role, but it has none`);
  const firstName = m.firstName ? String(values[m.firstName] ?? "").trim() : "";
  const lastName = m.lastName ? String(values[m.lastName] ?? "").trim() : m.name ? String(values[m.name] ?? "").trim() : "";
  const partyInput = { kind: "person", lastName, ...(firstName ? { firstName } : {}), email, ...(m.phone && values[m.phone] ? { phones: [String(values[m.phone])] } : {}), language: locale, flags: ["prospect"] };
  const { problems } = domain.parties.check(partyInput);
  if (problems.length) {
    const field = (f: string) => (f === "email" || f.startsWith("emails") ? m.email : f.startsWith("phones") ? m.phone ?? f : f === "firstName" ? m.firstName ?? f : m.lastName ?? m.name ?? f);
    throw new DossierError("VALIDATION_FAILED", `Expected your contact details to be valid, but ${problems.map((p) => p.message).join("; ")}`, problems.map((p) => ({ field: field(p.field), message: p.message })));
  }
  const data: Record<string, unknown> = { ...(m.fixed ?? {}) };
  for (const [fieldId, key] of Object.entries(m.data ?? {})) if (values[key] !== undefined) data[fieldId] = values[key];
  const name = [firstName, lastName].filter(Boolean).join(" ");
  const title = fill(m.title ?? `${page.title.fr} — {name}`, { ...values, name }).slice(0, 200) || page.title.fr;
  // Each picker's files, checked by content and stored before the transaction (all or nothing).
  const prepared: Array<{ key: string; documentType: string; upload: PreparedUpload }> = [];
  try {
    for (const u of input.uploads) {
      if (u.files.length === 0) continue;
      const picker = shape.pickers.find((p) => p.key === u.key)!;
      prepared.push({ key: u.key, documentType: picker.documentType, upload: await domain.documents.prepareUpload(u.files) });
    }
    return await engine.transaction((tx) => {
      let partyId = partyIdByEmail(domain, email);
      const actorOfNew = "portal:public";
      if (partyId === undefined) partyId = domain.parties.create(partyInput, actorOfNew).id;
      const actor = `portal:${partyId}`;
      const checked = domain.service.prepareCreate(null, { type: type.id, title, data, parties: [{ role, partyId }] });
      const { dossier } = domain.service.createIn(tx, null, checked);
      const documents: Record<string, Array<{ documentId: number; filename: string }>> = {};
      for (const p of prepared) {
        let documentType: string | null;
        try {
          documentType = domain.documents.documentTypeFor(dossier, p.documentType);
        } catch {
          documentType = null; // a picker whose type the dossier type does not know: filed without a type
        }
        const ids = domain.documents.addIn(tx, { dossier, documentType, upload: p.upload, actor });
        documents[p.key] = ids.map((id, i) => ({ documentId: id, filename: p.upload.prepared[i]!.filename }));
        for (const id of ids) statement(domain.db, `INSERT INTO document_share (dossier_id, document_id, shared_at, shared_by) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`).run(dossier.id, id, tx.now, actor);
      }
      domain.journal.append({
        dossierId: dossier.id, at: tx.now, actor, action: "portal.form.submitted", summary: `Formulaire « ${page.title.fr} » envoyé depuis /p/${page.slug}`,
        after: { page: page.slug, formId: page.formId, values, documents }, private: true,
      });
      const party = domain.parties.get(partyId)!;
      const mail = confirmationMail(locale, { name: party.name, pageTitle: locale === "en" ? page.title.en : page.title.fr, reference: dossier.reference, confirmation: page.confirmation?.[locale] ?? null, href: `${deps.publicUrl()}/portail` });
      outbox.enqueue(tx, { to: [{ partyId }], dossierId: dossier.id, locale, subject: mail.subject, text: mail.text, html: mail.html, purpose: "portal.confirmation", key: `portal-confirmation:${dossier.id}`, actor });
      return { reference: dossier.reference };
    });
  } finally {
    for (const p of prepared) domain.documents.releaseUpload(p.upload);
    for (const u of input.uploads) for (const f of u.files) void import("node:fs").then((fs) => fs.promises.rm(f.path, { force: true }));
  }
}
