/**
 * Permission-matrix rows of the portal module's /api routes (merged into test/api/v2/permissions.test.ts).
 * Letters: A administrator, D designer, G agent, M manager, U auditor; "*" = no sign-in needed.
 * The outsider routes (/p, /portail) are not under /api: test/portal/isolation.test.ts walks them.
 */
export const ROWS: Record<string, string> = {
  "GET /api/portal/pages": "AD", "GET /api/portal/sources": "AD", "PUT /api/portal/pages/{slug}": "AD", "DELETE /api/portal/pages/{slug}": "AD",
  "GET /api/dossiers/{reference}/portal": "ADGMU", "POST /api/dossiers/{reference}/portal/links/{linkId}/revocation": "AGM",
  "POST /api/dossiers/{reference}/portal/messages": "AGM", "PUT /api/dossiers/{reference}/documents/{documentId}/share": "AGM",
};
