/** Strict ISO 8601 date-time with an offset or Z, as Camunda requires for due and follow-up dates. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})(\[[A-Za-z_/+-]+\])?$/;

export function isIsoDateTime(text: string): boolean {
  return ISO_DATE_TIME.test(text) && !Number.isNaN(Date.parse(text.replace(/\[.*\]$/, "")));
}
