/**
 * Permission-matrix rows of the mail module's /api routes (merged into test/api/v2/permissions.test.ts).
 * Letters: A administrator, D designer, G agent, M manager, U auditor; "*" = no sign-in needed.
 */
export const ROWS: Record<string, string> = {
  // mail.read = everyone; mail.manage = A M; dossiers.read = everyone; dossiers.write = A G M.
  "GET /api/mail/outbound": "ADGMU",
  "GET /api/mail/outbound/{id}": "ADGMU",
  "POST /api/mail/outbound/{id}/retry": "AM",
  "GET /api/mail/sms": "ADGMU",
  "GET /api/dossiers/{reference}/mail-options": "ADGMU",
  "POST /api/dossiers/{reference}/mails": "AGM",
};
