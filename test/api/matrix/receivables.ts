/**
 * Permission-matrix rows of the receivables module's /api routes (merged into test/api/v2/permissions.test.ts).
 * Letters: A administrator, D designer, G agent, M manager, U auditor; "*" = no sign-in needed.
 * invoices.read = everyone, invoices.write = A G M, invoices.manage = A M.
 */
export const ROWS: Record<string, string> = {
  "GET /api/invoices": "ADGMU", "POST /api/invoices": "AM", "GET /api/invoices/{id}": "ADGMU",
  "POST /api/invoices/{id}/payments": "AGM", "POST /api/invoices/{id}/send": "AGM", "PUT /api/invoices/{id}/reason": "AGM",
  "POST /api/invoices/{id}/disputes": "AGM", "POST /api/invoices/{id}/credit-note-entered": "AGM",
  "POST /api/invoices/import": "AM", "POST /api/payments/import": "AM", "GET /api/payments/unmatched": "ADGMU", "POST /api/payments/{id}/assign": "AM",
  "GET /api/receivables/printer": "ADGMU", "PUT /api/receivables/printer/patterns": "AM", "POST /api/receivables/printer/test": "ADGMU",
  "POST /api/receivables/printer/scan": "AM", "GET /api/receivables/scenarios": "ADGMU", "PUT /api/receivables/scenarios/rules": "AM",
  "POST /api/receivables/dunning/run": "AM", "POST /api/receivables/print/run": "AM", "POST /api/receivables/bulk-reminder": "AM",
  "GET /api/receivables/worklist": "ADGMU", "GET /api/receivables/reasons": "ADGMU", "PUT /api/receivables/reasons/{id}": "AM",
  "GET /api/receivables/customers/{reference}": "ADGMU", "PUT /api/receivables/customers/{reference}/account": "AM",
  "POST /api/receivables/customers/{reference}/notes": "AGM", "POST /api/receivables/demo": "AM",
};
