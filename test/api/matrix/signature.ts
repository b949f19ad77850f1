/**
 * Permission-matrix rows of the signature module's /api routes (merged into test/api/v2/permissions.test.ts).
 * Letters: A administrator, D designer, G agent, M manager, U auditor; "*" = no sign-in needed.
 * (The signer's page /signature/:token, /verification and the providers' webhooks are outsider
 * routes at the site root, not under /api: test/signature covers them.)
 */
export const ROWS: Record<string, string> = {
  "GET /api/dossiers/{reference}/signatures": "ADGMU",
  "POST /api/dossiers/{reference}/signatures": "AGM",
  "GET /api/signatures/{id}": "ADGMU",
  "POST /api/signatures/{id}/send": "AGM",
  "POST /api/signatures/{id}/cancel": "AGM",
  "POST /api/signatures/{id}/signers/{signerId}/unlock": "AGM",
  "POST /api/signatures/{id}/sign": "AGM",
};
