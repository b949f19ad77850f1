/**
 * Permission-matrix rows of the templates module's /api routes (merged into test/api/v2/permissions.test.ts).
 * Letters: A administrator, D designer, G agent, M manager, U auditor; "*" = no sign-in needed.
 * Editing templates and the organisation's details is templates.manage (designers, administrators);
 * a mail merge writes letters into dossiers: dossiers.write (agents, managers, administrators).
 */
export const ROWS: Record<string, string> = {
  "GET /api/templates": "AD",
  "GET /api/templates/source": "AD",
  "PUT /api/templates/source": "AD",
  "POST /api/templates/revert": "AD",
  "POST /api/templates/preview": "AD",
  "POST /api/templates/preview.pdf": "AD",
  "GET /api/templates/settings": "AD",
  "PUT /api/templates/settings": "AD",
  "POST /api/templates/merges": "AGM",
  "GET /api/templates/merges/{id}": "AGM",
};
