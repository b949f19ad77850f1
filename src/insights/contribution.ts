/**
 * What one invoice (with its payments, credit notes, write-offs, disputes, dunning actions and
 * promises) adds to the monthly aggregates. Pure function of the rows: the projection stores the
 * result per invoice and applies the difference when the invoice changes, so the aggregates are
 * always the sum of the contributions of the current rows (exact, whatever the order of changes).
 *
 * - invoiced: +gross in the month of the issue date;
 * - settled: +amount in the month of max(received_on, issue_date) (a payment recorded before its
 *   invoice's issue date lowers the balance from the issue date on);
 * - aging: each event (+gross at the issue date, −amount at the settlement date) is added to the
 *   bucket of every month end E from its own month end while E − due_date ≤ 90 days; past that it
 *   is "over 90 days", which the KPI read derives as total due − the four bounded buckets;
 * - disputed: the invoice's balance at a month end when a dispute is open on that date
 *   (opened_on ≤ E and (closed_on is null or closed_on > E)), stored as changes from month to month;
 * - activity: reminders sent or failed, calls logged (dunning_action by on_date), promises made
 *   (created_on), kept or broken (settled_on, else promised_on).
 */
import { addMonths, daysBetween, monthEnd, monthOf } from "./calendar.js";

export const LEDGER_COLUMNS = [
  "invoiced_cents", "invoiced_count", "settled_cents", "paid_cents", "credited_cents", "written_off_cents", "disputed_delta_cents",
  "reminders_sent", "reminders_failed", "calls_logged", "promises_made", "promises_kept", "promises_broken",
] as const;
export type LedgerColumn = (typeof LEDGER_COLUMNS)[number];
export const AGING_COLUMNS = ["current_cents", "d1_30_cents", "d31_60_cents", "d61_90_cents"] as const;

const L = Object.fromEntries(LEDGER_COLUMNS.map((c, i) => [c, i])) as Record<LedgerColumn, number>;

export interface InvoiceFacts {
  issueDate: string;
  dueDate: string;
  grossCents: number;
  segment: string;
  collector: string;
  sector: string;
}
export interface SettlementFacts { kind: string; amountCents: number; receivedOn: string }
export interface DisputeFacts { openedOn: string; closedOn: string | null }
export interface ActionFacts { channel: string; outcome: string | null; onDate: string }
export interface PromiseFacts { status: string; createdOn: string; settledOn: string | null; promisedOn: string }

/** Separates the parts of an aggregate key (month, segment, collector, sector): a character no name contains. */
export const SEP = "\u001f";
/**
 * The segment or collector value of the roll-up rows (every segment, every collector): the
 * projection also keeps, per month and sector, the sums over all segments and/or all collectors, so
 * that a read over the whole ledger sums a few rows per month instead of every combination.
 * No segment or username contains a control character.
 */
export const ALL = "\u0001*";
export const dimsKey = (segment: string, collector: string, sector: string) => `${segment}${SEP}${collector}${SEP}${sector}`;

/** Sparse deltas keyed by month SEP segment SEP collector SEP sector. */
export interface Contribution {
  l: Record<string, number[]>;
  a: Record<string, number[]>;
}

export const emptyContribution = (): Contribution => ({ l: {}, a: {} });

function add(map: Record<string, number[]>, key: string, index: number, amount: number, width: number): void {
  if (amount === 0) return;
  const row = (map[key] ??= new Array<number>(width).fill(0));
  row[index] = (row[index] ?? 0) + amount;
}

/** 0 current (not yet due), 1: 1–30 days, 2: 31–60, 3: 61–90, undefined: over 90 days. */
export function agingBucket(age: number): number | undefined {
  if (age <= 0) return 0;
  if (age <= 30) return 1;
  if (age <= 60) return 2;
  if (age <= 90) return 3;
  return undefined;
}

const later = (a: string, b: string) => (a > b ? a : b);

export function activityContribution(out: Contribution, dims: string, actions: ActionFacts[], promises: PromiseFacts[]): void {
  for (const a of actions) {
    const key = `${monthOf(a.onDate)}${SEP}${dims}`;
    if (a.channel === "call") add(out.l, key, L.calls_logged, 1, LEDGER_COLUMNS.length);
    else if (a.outcome === "failed") add(out.l, key, L.reminders_failed, 1, LEDGER_COLUMNS.length);
    else add(out.l, key, L.reminders_sent, 1, LEDGER_COLUMNS.length);
  }
  for (const p of promises) {
    add(out.l, `${monthOf(p.createdOn)}${SEP}${dims}`, L.promises_made, 1, LEDGER_COLUMNS.length);
    const settled = `${monthOf(p.settledOn ?? p.promisedOn)}${SEP}${dims}`;
    if (p.status === "kept") add(out.l, settled, L.promises_kept, 1, LEDGER_COLUMNS.length);
    else if (p.status === "broken") add(out.l, settled, L.promises_broken, 1, LEDGER_COLUMNS.length);
  }
}

export function invoiceContribution(inv: InvoiceFacts, settlements: SettlementFacts[], disputes: DisputeFacts[], actions: ActionFacts[], promises: PromiseFacts[]): Contribution {
  const out = emptyContribution();
  const dims = dimsKey(inv.segment, inv.collector, inv.sector);
  const W = LEDGER_COLUMNS.length;
  add(out.l, `${monthOf(inv.issueDate)}${SEP}${dims}`, L.invoiced_cents, inv.grossCents, W);
  add(out.l, `${monthOf(inv.issueDate)}${SEP}${dims}`, L.invoiced_count, 1, W);
  const events: Array<[string, number]> = [[inv.issueDate, inv.grossCents]];
  for (const s of settlements) {
    const eff = later(s.receivedOn, inv.issueDate);
    const key = `${monthOf(eff)}${SEP}${dims}`;
    add(out.l, key, L.settled_cents, s.amountCents, W);
    add(out.l, key, s.kind === "credit_note" ? L.credited_cents : s.kind === "write_off" ? L.written_off_cents : L.paid_cents, s.amountCents, W);
    events.push([eff, -s.amountCents]);
  }
  for (const [date, amount] of events) {
    for (let month = monthOf(date); ; month = addMonths(month, 1)) {
      const bucket = agingBucket(daysBetween(inv.dueDate, monthEnd(month)));
      if (bucket === undefined) break;
      add(out.a, `${month}${SEP}${dims}`, bucket, amount, AGING_COLUMNS.length);
    }
  }
  if (disputes.length > 0) {
    const balanceAt = (end: string) => (inv.issueDate > end ? 0 : inv.grossCents - settlements.reduce((sum, s) => (later(s.receivedOn, inv.issueDate) <= end ? sum + s.amountCents : sum), 0));
    const openAt = (end: string) => disputes.some((d) => d.openedOn <= end && (d.closedOn === null || d.closedOn > end));
    const disputedAt = (month: string) => {
      const end = monthEnd(month);
      return openAt(end) ? balanceAt(end) : 0;
    };
    const months = new Set<string>([monthOf(inv.issueDate), ...events.map(([d]) => monthOf(d))]);
    for (const d of disputes) {
      months.add(monthOf(d.openedOn));
      if (d.closedOn) months.add(monthOf(d.closedOn));
    }
    for (const month of months) add(out.l, `${month}${SEP}${dims}`, L.disputed_delta_cents, disputedAt(month) - disputedAt(addMonths(month, -1)), W);
  }
  activityContribution(out, dims, actions, promises);
  return out;
}
