/**
 * Permission-matrix rows of the insights module's /api routes (merged into test/api/v2/permissions.test.ts).
 * Letters: A administrator, D designer, G agent, M manager, U auditor; "*" = no sign-in needed.
 */
export const ROWS: Record<string, string> = {
  "GET /api/insights/receivables": "ADGMU",
  "GET /api/insights/receivables/list": "ADGMU",
  "GET /api/insights/receivables/export.xlsx": "ADGMU",
  "GET /api/insights/product": "ADGMU",
};
