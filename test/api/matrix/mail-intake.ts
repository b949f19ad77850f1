/**
 * Permission-matrix rows of the mail-intake module's /api routes (merged into test/api/v2/permissions.test.ts).
 * Letters: A administrator, D designer, G agent, M manager, U auditor; "*" = no sign-in needed.
 */
export const ROWS: Record<string, string> = {
  "GET /api/mail/inbound": "ADGMU", "GET /api/mail/inbound/{id}": "ADGMU", "GET /api/mail/inbound/{id}/raw": "ADGMU",
  "POST /api/mail/inbound/{id}/retry": "AM", "POST /api/mail/inbound/{id}/assignment": "AM", "POST /api/mail/inbound/{id}/discard": "AM",
  "POST /api/mail/uploads": "AGM",
  "GET /api/mail/mailboxes": "AM", "POST /api/mail/mailboxes": "AM", "PUT /api/mail/mailboxes/{id}": "AM", "DELETE /api/mail/mailboxes/{id}": "AM", "POST /api/mail/mailboxes/{id}/check": "AM",
  "GET /api/mail/rules": "ADGMU", "POST /api/mail/rules": "AM", "PUT /api/mail/rules/{id}": "AM", "DELETE /api/mail/rules/{id}": "AM", "POST /api/mail/rules/dry-run": "AM",
};
