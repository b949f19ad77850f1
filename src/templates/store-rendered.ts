/**
 * Stores a rendered PDF as a document of a dossier. Files before rows: the PDF is staged, checked
 * and made durable first; then ONE transaction writes the document (a new version of the same
 * document when this dossier already rendered that template to that file name), the
 * `rendered_document` row, the journal entry naming the template and its version, and whatever the
 * caller adds (`within`: the job's completion for document.render).
 */
import type { Domain } from "../dossiers/domain.js";
import type { DossierRow } from "../dossiers/rows.js";
import type { EngineTransaction } from "../engine/engine.js";
import { statement } from "../persistence/statements.js";

export interface StoredRender {
  documentId: number;
  /** The document's version (1 for a new document). */
  version: number;
  fileName: string;
  sha256: string;
  template: { name: string; version: string };
}

export async function storeRendered(
  domain: Domain,
  input: { dossier: DossierRow; template: { name: string; version: string }; fileName: string; pdf: Buffer; documentType: string | null; title?: string | undefined; actor: string | null; journal?: Record<string, unknown> },
  within?: (tx: EngineTransaction, stored: StoredRender) => void,
): Promise<StoredRender> {
  const { dossier, template, fileName } = input;
  const file = await domain.documents.stage(input.pdf, fileName);
  const upload = await domain.documents.prepareUpload([file]);
  const sha256 = upload.prepared[0]!.temp.sha256;
  try {
    return await domain.engine.transaction((tx) => {
      const previous = statement(
        domain.db,
        `SELECT rd.document_id FROM rendered_document rd JOIN dossier_document dd ON dd.document_id = rd.document_id AND dd.dossier_id = rd.dossier_id
         WHERE rd.dossier_id = ? AND rd.template = ? AND rd.file_name = ?`,
      ).get(dossier.id, template.name, fileName) as { document_id: number } | undefined;
      let documentId: number;
      let version: number;
      if (previous) {
        documentId = previous.document_id;
        version = domain.documents.addVersionIn(tx, { documentId, upload, actor: input.actor });
      } else {
        [documentId] = domain.documents.addIn(tx, { dossier, documentType: input.documentType, upload, actor: input.actor }) as [number];
        version = 1;
      }
      if (input.title) statement(domain.db, `UPDATE document SET title = ? WHERE id = ?`).run(input.title.slice(0, 255), documentId);
      statement(
        domain.db,
        `INSERT INTO rendered_document (dossier_id, template, file_name, document_id, template_version, rendered_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (dossier_id, template, file_name) DO UPDATE SET document_id = excluded.document_id, template_version = excluded.template_version, rendered_at = excluded.rendered_at`,
      ).run(dossier.id, template.name, fileName, documentId, template.version, tx.now);
      domain.journal.append({
        dossierId: dossier.id, at: tx.now, actor: input.actor, action: "document.rendered",
        summary: `${fileName} généré depuis le modèle ${template.name} (version ${template.version})${version > 1 ? `, version ${version} du document` : ""}`,
        after: { documentId, version, fileName, sha256, template: template.name, templateVersion: template.version, ...input.journal },
      });
      const stored: StoredRender = { documentId, version, fileName, sha256, template };
      within?.(tx, stored);
      return stored;
    });
  } finally {
    domain.documents.releaseUpload(upload);
  }
}
