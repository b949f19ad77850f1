/**
 * Permission-matrix rows of the erp module's /api routes (merged into test/api/v2/permissions.test.ts).
 * Letters: A administrator, D designer, G agent, M manager, U auditor; "*" = no sign-in needed.
 */
export const ROWS: Record<string, string> = {
  "GET /api/erp/status": "AM",
  "POST /api/erp/pull": "AM",
};
