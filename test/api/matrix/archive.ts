/**
 * Permission-matrix rows of the archive module's /api routes (merged into test/api/v2/permissions.test.ts).
 * Letters: A administrator, D designer, G agent, M manager, U auditor; "*" = no sign-in needed.
 * archive.read = A M U, archive.manage = A (and the archivist, see test/archive/permissions.test.ts),
 * archive.approve = A M; a dossier's archive view follows dossiers.read / dossiers.write.
 */
export const ROWS: Record<string, string> = {
  "GET /api/archive/overview": "AMU", "GET /api/archive/records": "AMU", "GET /api/archive/records/{id}": "AMU",
  "GET /api/archive/records/{id}/content": "AMU", "GET /api/archive/records/{id}/evidence": "AMU", "PATCH /api/archive/records/{id}": "A",
  "POST /api/archive/records/{id}/retention": "A", "GET /api/archive/holds": "AMU", "POST /api/archive/holds": "A", "POST /api/archive/holds/{id}/release": "A",
  "GET /api/archive/rules": "AMU", "PUT /api/archive/rules/{id}": "A", "DELETE /api/archive/rules/{id}": "A",
  "GET /api/archive/dossiers/{reference}": "ADGMU", "POST /api/archive/dossiers/{reference}/archive": "AGM", "POST /api/archive/dossiers/{reference}/reactivation": "AGM",
  "GET /api/archive/journal": "AMU", "GET /api/archive/journal/verification": "AMU", "GET /api/archive/seals": "AMU", "POST /api/archive/seals": "A",
  "GET /api/archive/audits": "AMU", "GET /api/archive/audits/{id}": "AMU", "POST /api/archive/audits": "A", "GET /api/archive/incidents": "AMU",
  "POST /api/archive/incidents/{id}/repair": "A", "GET /api/archive/disposals/eligible": "AMU", "GET /api/archive/disposals": "AMU", "POST /api/archive/disposals": "A",
  "POST /api/archive/disposals/{id}/review": "A", "POST /api/archive/disposals/{id}/approval": "AM", "GET /api/archive/disposals/{id}/certificate": "AMU",
  "GET /api/archive/export": "A",
};
