/**
 * Dunning: the daily run starts one scenario instance per overdue (or soon due) invoice — the
 * scenario chosen by FEEL rules on the customer (segment, language, tone, amount, days overdue) —
 * and the job workers behind the scenarios' steps:
 *   dunning.remind         a reminder of a level by e-mail, SMS, letter or formal notice (headers: level,
 *                          channel, template, offsetDays, skipAfterDays). One per invoice and level
 *                          (dunning_level_sent); a customer's other overdue invoices go in the same
 *                          reminder, and a second invoice reaching the same level the same day is folded
 *                          into the first reminder instead of sending another.
 *   dunning.call-outcome   the collector's call (promise with a date, dispute, wrong contact, no answer)
 *   dunning.promise-check  the promise date passed unpaid: the promise is broken, the scenario resumes
 *   dunning.dispute-closed the dispute task's decision (rejected → reminders resume; credit note; cancelled)
 *   receivables.review-resolve  the review task of an unmatched payment or printer file
 * Each worker writes its rows, its journal entries and the job's completion in ONE transaction.
 */
import type Database from "better-sqlite3";
import { compileExpression } from "../engine/feel.js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import type { PartyRow } from "../dossiers/parties/types.js";
import { dossierById, type DossierRow } from "../dossiers/rows.js";
import type { ActivatedJob } from "../engine/commands/jobs.js";
import type { EngineTransaction } from "../engine/engine.js";
import { JobError, type JobWorker } from "../engine/workers.js";
import type { Outbox, SmsOutbox } from "../mail/api.js";
import { statement } from "../persistence/statements.js";
import type { TemplateRenderer } from "../templates/api.js";
import type { ReceivablesConfig } from "./config.js";
import type { Diffusion } from "./diffusion.js";
import { addDays, daysBetween, frDate, isoDay, money } from "./format.js";
import { type InvoiceRow, type Invoices } from "./invoices.js";

export interface ScenarioRule {
  /** A FEEL condition on segment, language, tone, amountDue (cents), daysOverdue, invoiceCount. */
  when: string;
  scenario: string;
  label?: string;
}

export const DEFAULT_RULES: ScenarioRule[] = [
  { when: `segment = "bad_payer"`, scenario: "relance-mauvais-payeur", label: "Mauvais payeurs : relances rapprochées" },
  { when: `segment = "large_account" or segment = "public_body"`, scenario: "relance-grands-comptes", label: "Grands comptes et secteur public : ton formel, délais longs, pas de SMS" },
  { when: "true", scenario: "relance-standard", label: "Par défaut (petites entreprises)" },
];

export const DEFAULT_REASONS: Array<{ id: string; fr: string; en: string }> = [
  { id: "quantity_dispute", fr: "Litige sur les quantités", en: "Dispute on quantity" },
  { id: "price_dispute", fr: "Litige sur le prix", en: "Dispute on price" },
  { id: "missing_po", fr: "Bon de commande manquant", en: "Missing purchase order" },
  { id: "cash_difficulties", fr: "Difficultés de trésorerie", en: "Cash difficulties" },
  { id: "wrong_address", fr: "Mauvaise adresse de facturation", en: "Wrong billing address" },
  { id: "not_received", fr: "Facture non reçue", en: "Invoice not received" },
  { id: "approval_circuit", fr: "Circuit de validation interne", en: "Internal approval process" },
  { id: "forgotten", fr: "Oubli", en: "Forgotten" },
];

/** Late-payment interest stated on the notice: three times the legal interest rate by default (art. L441-10). */
export const PENALTY_TEXT = "trois fois le taux d'intérêt légal en vigueur";
export const RECOVERY_INDEMNITY_CENTS = 4000;

export interface DunningDeps {
  db: Database.Database;
  domain: Domain;
  invoices: Invoices;
  diffusion: Diffusion;
  outbox: Outbox;
  sms: SmsOutbox;
  templates: TemplateRenderer;
  config: ReceivablesConfig;
  log: (message: string) => void;
  organisation: () => Record<string, unknown>;
}

export interface CustomerAccount {
  partyId: number;
  segment: string | null;
  tone: string | null;
  creditLimitCents: number | null;
  collector: string | null;
}

const OPEN = `('issued','sent','partially_paid','disputed')`;

export class Dunning {
  private readonly compiled = new Map<string, ReturnType<typeof compileExpression>>();

  constructor(private readonly deps: DunningDeps) {}

  private get db() {
    return this.deps.db;
  }

  private today(): string {
    return isoDay(this.deps.domain.engine.clock.now());
  }

  // ── settings ─────────────────────────────────────────────────────────────────────────────────

  setting<T>(name: string, fallback: T): T {
    const r = statement(this.db, `SELECT value FROM receivables_setting WHERE name = ?`).get(name) as { value: string } | undefined;
    return r ? (JSON.parse(r.value) as T) : fallback;
  }

  putSetting(name: string, value: unknown, actor: string | null): void {
    statement(this.db, `INSERT INTO receivables_setting (name, value, updated_at, updated_by) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`)
      .run(name, JSON.stringify(value), this.deps.domain.engine.clock.now(), actor);
  }

  rules(): ScenarioRule[] {
    return this.setting<ScenarioRule[]>("scenarioRules", DEFAULT_RULES);
  }

  /** Checks and saves the rules: each condition must compile, each scenario be deployed. */
  setRules(input: unknown, actor: string | null): ScenarioRule[] {
    if (!Array.isArray(input) || input.length === 0 || input.length > 50) throw new DossierError("INVALID_ARGUMENT", "Expected a list of 1 to 50 rules {when, scenario}, but found " + JSON.stringify(input)?.slice(0, 80));
    const rules: ScenarioRule[] = input.map((r, i) => {
      const when = (r as ScenarioRule)?.when, scenario = (r as ScenarioRule)?.scenario;
      if (typeof when !== "string" || when.trim() === "") throw new DossierError("INVALID_ARGUMENT", `Expected rule ${i + 1} to have a FEEL condition 'when', but found ${JSON.stringify(when)}`);
      const probe = compileExpression(`=${when}`).evaluate({ segment: "small_business", language: "fr", tone: "informal", amountDue: 100, daysOverdue: 1, invoiceCount: 1 });
      if (!probe.ok) throw new DossierError("INVALID_ARGUMENT", `Expected rule ${i + 1}'s condition to be valid FEEL, but: ${probe.message}`);
      if (typeof scenario !== "string" || !this.deps.domain.engine.definitions.latest(scenario)) throw new DossierError("INVALID_ARGUMENT", `Expected rule ${i + 1} to name a deployed scenario (relance-…), but found ${JSON.stringify(scenario)}`);
      return { when: when.trim(), scenario, ...(typeof (r as ScenarioRule).label === "string" ? { label: (r as ScenarioRule).label } : {}) };
    });
    this.putSetting("scenarioRules", rules, actor);
    return rules;
  }

  chooseScenario(context: Record<string, unknown>): { scenario: string; rule: number } {
    const rules = this.rules();
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      let c = this.compiled.get(rule.when);
      if (!c) this.compiled.set(rule.when, (c = compileExpression(`=${rule.when}`)));
      const r = c.evaluate(context);
      if (r.ok && r.value === true) return { scenario: rule.scenario, rule: i };
    }
    return { scenario: "relance-standard", rule: -1 };
  }

  account(partyId: number | null): CustomerAccount | undefined {
    if (partyId === null) return undefined;
    const r = statement(this.db, `SELECT * FROM customer_account WHERE party_id = ?`).get(partyId) as Record<string, any> | undefined;
    return r ? { partyId, segment: r.segment ?? null, tone: r.tone ?? null, creditLimitCents: r.credit_limit_cents === null ? null : Number(r.credit_limit_cents), collector: r.collector ?? null } : undefined;
  }

  saveAccount(partyId: number, patch: { segment?: unknown; tone?: unknown; creditLimitCents?: unknown; collector?: unknown }, actor: string | null): CustomerAccount {
    const current = this.account(partyId) ?? { partyId, segment: null, tone: null, creditLimitCents: null, collector: null };
    const next = { ...current };
    if (patch.segment !== undefined) {
      if (patch.segment !== null && !["small_business", "large_account", "public_body", "bad_payer"].includes(String(patch.segment))) throw new DossierError("INVALID_ARGUMENT", `Expected segment small_business, large_account, public_body or bad_payer, but found ${JSON.stringify(patch.segment)}`);
      next.segment = (patch.segment as string | null) ?? null;
    }
    if (patch.tone !== undefined) {
      if (patch.tone !== null && patch.tone !== "formal" && patch.tone !== "informal") throw new DossierError("INVALID_ARGUMENT", `Expected tone formal or informal, but found ${JSON.stringify(patch.tone)}`);
      next.tone = (patch.tone as string | null) ?? null;
    }
    if (patch.creditLimitCents !== undefined) {
      if (patch.creditLimitCents !== null && (!Number.isSafeInteger(patch.creditLimitCents) || (patch.creditLimitCents as number) < 0)) throw new DossierError("INVALID_ARGUMENT", `Expected creditLimitCents to be whole cents (0 or more) or null, but found ${JSON.stringify(patch.creditLimitCents)}`);
      next.creditLimitCents = (patch.creditLimitCents as number | null) ?? null;
    }
    if (patch.collector !== undefined) {
      if (patch.collector !== null && (typeof patch.collector !== "string" || patch.collector.length > 256)) throw new DossierError("INVALID_ARGUMENT", `Expected collector to be a username, but found ${JSON.stringify(patch.collector)}`);
      next.collector = (patch.collector as string | null) || null;
    }
    statement(this.db, `INSERT INTO customer_account (party_id, segment, tone, credit_limit_cents, collector, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (party_id) DO UPDATE SET segment = excluded.segment, tone = excluded.tone, credit_limit_cents = excluded.credit_limit_cents, collector = excluded.collector, updated_at = excluded.updated_at, updated_by = excluded.updated_by`)
      .run(partyId, next.segment, next.tone, next.creditLimitCents, next.collector, this.deps.domain.engine.clock.now(), actor);
    // The segment is copied on the customer's open invoices (KPIs per segment follow the customer's current category).
    if (patch.segment !== undefined) statement(this.db, `UPDATE invoice SET segment = ? WHERE party_id = ? AND status IN ${OPEN}`).run(next.segment, partyId);
    if (patch.collector !== undefined) statement(this.db, `UPDATE invoice SET collector = ? WHERE party_id = ? AND status IN ${OPEN}`).run(next.collector, partyId);
    return next;
  }

  reasons(includeInactive = false): Array<{ id: string; fr: string; en: string; active: boolean }> {
    return (statement(this.db, `SELECT * FROM late_reason ${includeInactive ? "" : "WHERE active = 1"} ORDER BY position, id`).all() as Record<string, any>[])
      .map((r) => ({ id: r.id, fr: r.label_fr, en: r.label_en, active: r.active === 1 }));
  }

  seedReasons(): void {
    if ((statement(this.db, `SELECT COUNT(*) AS n FROM late_reason`).get() as { n: number }).n > 0) return;
    DEFAULT_REASONS.forEach((r, i) => statement(this.db, `INSERT INTO late_reason (id, label_fr, label_en, active, position) VALUES (?, ?, ?, 1, ?)`).run(r.id, r.fr, r.en, i));
  }

  saveReason(input: { id?: unknown; fr?: unknown; en?: unknown; active?: unknown; position?: unknown }): void {
    const id = typeof input.id === "string" ? input.id.trim() : "";
    if (!/^[a-z0-9_-]{1,64}$/.test(id)) throw new DossierError("INVALID_ARGUMENT", `Expected a reason id (a-z, 0-9, _ and -, at most 64), but found ${JSON.stringify(input.id)}`);
    if (typeof input.fr !== "string" || input.fr.trim() === "" || input.fr.length > 256) throw new DossierError("INVALID_ARGUMENT", `Expected a French label 'fr', but found ${JSON.stringify(input.fr)}`);
    const en = typeof input.en === "string" && input.en.trim() ? input.en.trim() : input.fr.trim();
    const position = Number.isSafeInteger(input.position) ? (input.position as number) : 100;
    statement(this.db, `INSERT INTO late_reason (id, label_fr, label_en, active, position) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET label_fr = excluded.label_fr, label_en = excluded.label_en, active = excluded.active, position = excluded.position`)
      .run(id, input.fr.trim(), en, input.active === false ? 0 : 1, position);
  }

  // ── the daily run ───────────────────────────────────────────────────────────────────────────

  /** The context the scenario rules see for a customer. */
  contextOf(invoice: InvoiceRow, party: PartyRow | undefined, today: string): Record<string, unknown> {
    const account = this.account(invoice.partyId);
    return {
      segment: account?.segment ?? invoice.segment ?? "small_business", language: party?.language ?? "fr", tone: account?.tone ?? (account?.segment === "large_account" || account?.segment === "public_body" ? "formal" : "informal"),
      amountDue: invoice.balanceCents, daysOverdue: Math.max(0, daysBetween(invoice.dueDate, today)), category: account?.segment ?? "small_business",
    };
  }

  /**
   * Starts a scenario for every open invoice due within `leadDays` (or overdue) that has none yet.
   * Idempotent: dunning_case has one row per invoice, written in the same transaction as the instance.
   */
  async run(options: { today?: string; leadDays?: number; batch?: number; limit?: number } = {}): Promise<{ started: number; byScenario: Record<string, number>; today: string }> {
    const today = options.today ?? this.today();
    const horizon = addDays(today, options.leadDays ?? 7);
    const batch = options.batch ?? 250;
    const byScenario: Record<string, number> = {};
    let started = 0;
    const reasons = this.reasons().map((r) => ({ label: r.fr, value: r.id }));
    for (;;) {
      const ids = (statement(this.db, `SELECT i.id FROM invoice i WHERE i.status IN ('issued','sent','partially_paid') AND i.due_date <= ? AND NOT EXISTS (SELECT 1 FROM dunning_case c WHERE c.invoice_id = i.id) ORDER BY i.due_date, i.id LIMIT ?`)
        .all(horizon, Math.min(batch, options.limit !== undefined ? options.limit - started : batch)) as Array<{ id: number }>).map((r) => r.id);
      if (ids.length === 0) break;
      const n = await this.deps.domain.engine.transaction((tx) => {
        let count = 0;
        for (const id of ids) {
          if (this.startCaseIn(tx, id, today, reasons, byScenario)) count++;
        }
        return count;
      });
      started += n;
      if (options.limit !== undefined && started >= options.limit) break;
    }
    this.putSetting("lastDunningRun", today, "dunning");
    if (started > 0) this.deps.log(`receivables: dunning run of ${today} started ${started} scenario(s)`);
    return { started, byScenario, today };
  }

  /** Starts the scenario of one invoice inside a transaction (false when it already has one or no scenario is deployed). */
  startCaseIn(tx: EngineTransaction, invoiceId: number, today: string, reasons: Array<{ label: string; value: string }>, byScenario: Record<string, number> = {}): boolean {
    if (statement(this.db, `SELECT 1 FROM dunning_case WHERE invoice_id = ?`).get(invoiceId)) return false;
    const invoice = this.deps.invoices.byId(invoiceId);
    if (!invoice || invoice.balanceCents <= 0) return false;
    const dossier = dossierById(this.db, invoice.dossierId);
    if (!dossier) return false;
    const party = invoice.partyId !== null ? this.deps.domain.parties.get(invoice.partyId) : undefined;
    const context = this.contextOf(invoice, party, today);
    const { scenario } = this.chooseScenario(context);
    if (!this.deps.domain.engine.definitions.latest(scenario)) {
      statement(this.db, `INSERT INTO dunning_case (invoice_id, process_instance_key, scenario, state, started_at) VALUES (?, NULL, ?, 'missing', ?)`).run(invoiceId, scenario, tx.now);
      return false;
    }
    const account = this.account(invoice.partyId);
    const key = this.deps.domain.catalogue.start(tx, dossier, scenario, {
      kind: "reaction", actionId: null, actor: "dunning",
      customer: party ? { id: party.id, name: party.name, email: party.emails[0] ?? null, phone: party.phones[0]?.number ?? null } : null,
      variables: {
        invoiceId: invoice.id, invoiceNumber: invoice.number, dueDate: invoice.dueDate, segment: context["segment"], tone: context["tone"], language: context["language"],
        customerName: party?.name ?? dossier.title, customerPhone: party?.phones[0]?.display ?? party?.phones[0]?.number ?? null, amountDueText: money(invoice.balanceCents, invoice.currency),
        collector: account?.collector ?? invoice.collector ?? null, collectorName: account?.collector ?? invoice.collector ?? "le service recouvrement", lateReasons: reasons,
      },
    });
    statement(this.db, `INSERT INTO dunning_case (invoice_id, process_instance_key, scenario, state, started_at) VALUES (?, ?, ?, 'active', ?)`).run(invoiceId, key, scenario, tx.now);
    byScenario[scenario] = (byScenario[scenario] ?? 0) + 1;
    return true;
  }

  // ── workers ─────────────────────────────────────────────────────────────────────────────────

  startWorkers(): JobWorker[] {
    const engine = this.deps.domain.engine;
    const wrap = (fn: (job: ActivatedJob) => Promise<void>) => async (job: ActivatedJob) => {
      try {
        await fn(job);
      } catch (error) {
        if (error instanceof DossierError) throw new JobError("DUNNING_REJECTED", error.message, { dunningError: error.message });
        throw error;
      }
    };
    return [
      engine.createWorker({ type: "dunning.remind", name: "dunning-remind", autoComplete: false, maxJobsActive: 32, pollInterval: 200, handler: wrap((job) => this.remind(job)) }),
      engine.createWorker({ type: "dunning.call-outcome", name: "dunning-call", autoComplete: false, pollInterval: 200, handler: wrap((job) => this.callOutcome(job)) }),
      engine.createWorker({ type: "dunning.promise-check", name: "dunning-promise", autoComplete: false, pollInterval: 200, handler: wrap((job) => this.promiseCheck(job)) }),
      engine.createWorker({ type: "dunning.dispute-closed", name: "dunning-dispute", autoComplete: false, pollInterval: 200, handler: wrap((job) => this.disputeClosed(job)) }),
      engine.createWorker({ type: "receivables.review-resolve", name: "receivables-review", autoComplete: false, pollInterval: 200, handler: wrap((job) => this.reviewResolve(job)) }),
    ];
  }

  private invoiceOf(job: ActivatedJob): InvoiceRow {
    const id = job.variables["invoiceId"];
    const invoice = typeof id === "number" ? this.deps.invoices.byId(id) : undefined;
    if (!invoice) throw new DossierError("NOT_FOUND", `Expected the variable invoiceId to name an invoice, but found ${JSON.stringify(id)}`);
    return invoice;
  }

  /** The customer's open overdue invoices listed in one reminder (this one first). */
  groupOf(invoice: InvoiceRow, today: string, level: number): InvoiceRow[] {
    const all = this.deps.invoices.openOf(invoice.dossierId).filter((i) => i.status !== "disputed" && i.balanceCents > 0 && (level === 0 ? i.id === invoice.id : i.dueDate < today || i.id === invoice.id));
    return [invoice, ...all.filter((i) => i.id !== invoice.id)];
  }

  private recordAction(tx: EngineTransaction, a: { invoice: InvoiceRow; scenario: string | null; level: number | null; channel: string; outcome: string; actor: string | null; details: Record<string, unknown> }): number {
    return Number(
      statement(this.db, `INSERT INTO dunning_action (invoice_id, dossier_id, party_id, scenario, level, channel, at, on_date, outcome, actor, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(a.invoice.id, a.invoice.dossierId, a.invoice.partyId, a.scenario, a.level, a.channel, tx.now, isoDay(tx.now), a.outcome, a.actor, JSON.stringify(a.details)).lastInsertRowid,
    );
  }

  /** Data of the reminder templates (mails, SMS, letters, notice). */
  reminderData(invoice: InvoiceRow, group: InvoiceRow[], party: PartyRow | undefined, level: number, today: string, tone: string, link: string | null) {
    const total = group.reduce((s, i) => s + i.balanceCents, 0);
    const org = this.deps.organisation();
    const indemnity = RECOVERY_INDEMNITY_CENTS * group.length;
    return {
      level, formal: tone === "formal", today, todayText: frDate(today), customerName: party?.name ?? "", recipient: addressOf(party), organisation: org, link: link ?? "",
      invoices: group.map((i) => ({ invoiceNumber: i.number, issueDateText: frDate(i.issueDate), dueDateText: frDate(i.dueDate), grossText: money(i.grossCents, i.currency), balanceText: money(i.balanceCents, i.currency), daysOverdue: Math.max(0, daysBetween(i.dueDate, today)) })),
      invoiceCount: group.length, several: group.length > 1, totalCents: total, totalText: money(total, invoice.currency), invoiceNumber: invoice.number, dueDateText: frDate(invoice.dueDate),
      penaltyText: PENALTY_TEXT, indemnityText: money(RECOVERY_INDEMNITY_CENTS, "EUR"), indemnityTotalText: money(indemnity, "EUR"), claimText: money(total + indemnity, invoice.currency),
      deadlineText: frDate(addDays(today, 8)),
    };
  }

  async remind(job: ActivatedJob): Promise<void> {
    const h = job.customHeaders;
    const level = Number(h["level"] ?? 1);
    const channel = h["channel"] ?? "email";
    const template = h["template"] ?? "receivables/relance";
    const offset = Number(h["offsetDays"] ?? 0);
    const skipAfter = h["skipAfterDays"] !== undefined && h["skipAfterDays"] !== "" ? Number(h["skipAfterDays"]) : null;
    const scenario = job.bpmnProcessId;
    await this.deps.domain.engine.transaction((tx) => {
      const invoice = this.invoiceOf(job);
      const today = isoDay(tx.now);
      const done = (vars: Record<string, unknown>) => tx.completeJob(job.jobKey, { lastLevel: level, ...vars });
      if (invoice.balanceCents <= 0) return done({ reminderSkipped: "settled" });
      if (invoice.status === "disputed") return done({ reminderSkipped: "disputed" });
      if (statement(this.db, `SELECT 1 FROM dunning_level_sent WHERE invoice_id = ? AND level = ? AND channel = ?`).get(invoice.id, level, channel)) return done({ reminderSkipped: "already sent" });
      const stepDay = addDays(invoice.dueDate, offset);
      // A step before the due date ("due soon") is pointless once the invoice is overdue; a late step beyond skipAfterDays too.
      if ((offset < 0 && today > invoice.dueDate) || (skipAfter !== null && daysBetween(stepDay, today) > skipAfter)) {
        const id = this.recordAction(tx, { invoice, scenario, level, channel, outcome: "skipped", actor: "dunning", details: { reason: offset < 0 && today > invoice.dueDate ? `a reminder before the due date (${invoice.dueDate}) once overdue` : `step of ${stepDay} more than ${skipAfter} days late` } });
        statement(this.db, `INSERT INTO dunning_level_sent (invoice_id, level, channel, action_id) VALUES (?, ?, ?, ?)`).run(invoice.id, level, channel, id);
        return done({ reminderSkipped: "late step" });
      }
      // A reminder of this level already went to this customer today: this invoice was in it (grouping).
      const sibling = statement(this.db, `SELECT id, details FROM dunning_action WHERE dossier_id = ? AND level = ? AND channel = ? AND on_date = ? AND outcome = 'sent' AND invoice_id <> ? ORDER BY id LIMIT 1`)
        .get(invoice.dossierId, level, channel, today, invoice.id) as { id: number; details: string } | undefined;
      if (sibling && (JSON.parse(sibling.details).invoices as string[] | undefined)?.includes(invoice.number)) {
        const id = this.recordAction(tx, { invoice, scenario, level, channel, outcome: "grouped", actor: "dunning", details: { groupedInto: sibling.id } });
        statement(this.db, `INSERT INTO dunning_level_sent (invoice_id, level, channel, action_id) VALUES (?, ?, ?, ?)`).run(invoice.id, level, channel, id);
        return done({ reminderGroupedInto: sibling.id });
      }
      const party = invoice.partyId !== null ? this.deps.domain.parties.get(invoice.partyId) : undefined;
      const tone = String(job.variables["tone"] ?? "informal");
      const group = this.groupOf(invoice, today, level);
      const locale = party?.language === "en" ? "en" : "fr";
      const link = channel === "email" ? this.deps.diffusion.issueLink(invoice, "dunning") : null;
      const data = this.reminderData(invoice, group, party, level, today, tone, link);
      let outcome = "sent";
      const details: Record<string, unknown> = { invoices: group.map((i) => i.number), totalCents: data.totalCents, template };
      const actionId = this.recordAction(tx, { invoice, scenario, level, channel, outcome, actor: "dunning", details });
      const dossier = dossierById(this.db, invoice.dossierId)!;
      if (channel === "email") {
        const to = party?.emails[0];
        if (!to) outcome = "failed";
        else {
          const specific = `${template}-niveau-${level}`;
          const name = this.deps.templates.has(`mail/${specific}.fr.txt`) ? specific : template;
          const mail = this.deps.outbox.enqueue(tx, { to: [{ partyId: invoice.partyId! }], dossierId: invoice.dossierId, template: name, data, locale, purpose: "dunning", key: `dunning:${invoice.id}:${level}:${channel}`, actor: "dunning" });
          details["mailId"] = mail.id;
          statement(this.db, `INSERT INTO invoice_send (invoice_id, dossier_id, party_id, kind, channel, status, recipient, dunning_action_id, detail, created_at, updated_at) VALUES (?, ?, ?, 'reminder', 'email', 'queued', ?, ?, ?, ?, ?)`)
            .run(invoice.id, invoice.dossierId, invoice.partyId, to, actionId, JSON.stringify({ mailId: mail.id, level }), tx.now, tx.now);
        }
      } else if (channel === "sms") {
        // A mobile only: labelled so, or a French mobile number (+336, +337); a landline gets no SMS.
        const phone = party?.phones.find((p) => p.label === "mobile")?.number ?? party?.phones.find((p) => /^\+33[67]\d{8}$/.test(p.number))?.number;
        if (!phone) outcome = "failed";
        else {
          const text = this.deps.templates.render(`mail/${template}.${locale}.txt`, data, { locale }).output.replace(/\s+/g, " ").trim().slice(0, 459);
          const sms = this.deps.sms.enqueue(tx, { to: phone, text, dossierId: invoice.dossierId, purpose: "dunning", key: `dunning:${invoice.id}:${level}:sms`, actor: "dunning" });
          details["smsId"] = sms.id;
          statement(this.db, `INSERT INTO invoice_send (invoice_id, dossier_id, party_id, kind, channel, status, recipient, dunning_action_id, detail, created_at, updated_at) VALUES (?, ?, ?, 'reminder', 'sms', 'queued', ?, ?, ?, ?, ?)`)
            .run(invoice.id, invoice.dossierId, invoice.partyId, phone, actionId, JSON.stringify({ smsId: sms.id, level }), tx.now, tx.now);
        }
      } else {
        // letter or formal notice: rendered and batched by the print run
        details["sendId"] = this.deps.diffusion.queueLetterIn(tx, { invoice, party, template, data, kind: channel === "notice" ? "notice" : "letter", dunningActionId: actionId });
      }
      if (outcome !== "sent") details["error"] = channel === "sms" ? "aucun téléphone mobile dans le carnet d'adresses" : "aucune adresse e-mail dans le carnet d'adresses";
      statement(this.db, `UPDATE dunning_action SET outcome = ?, details = ? WHERE id = ?`).run(outcome, JSON.stringify(details), actionId);
      statement(this.db, `INSERT INTO dunning_level_sent (invoice_id, level, channel, action_id) VALUES (?, ?, ?, ?)`).run(invoice.id, level, channel, actionId);
      const what = { email: "par e-mail", sms: "par SMS", letter: "par courrier", notice: "— mise en demeure par courrier" }[channel] ?? channel;
      this.deps.domain.journal.append({
        dossierId: dossier.id, at: tx.now, actor: "dunning", action: "note.added", private: false,
        summary: outcome === "sent"
          ? `Relance niveau ${level} ${what} : ${group.length > 1 ? `${group.length} factures (${group.map((i) => i.number).join(", ")})` : `facture ${invoice.number}`}, ${data.totalText} dus`
          : `Relance niveau ${level} ${what} impossible : ${details["error"]}`,
        after: { kind: "dunning.reminder", invoiceId: invoice.id, level, channel, outcome, actionId, invoices: details["invoices"] },
      });
      done({ lastReminderActionId: actionId });
    });
  }

  async callOutcome(job: ActivatedJob): Promise<void> {
    const v = job.variables;
    await this.deps.domain.engine.transaction((tx) => {
      const invoice = this.invoiceOf(job);
      let outcome = typeof v["outcome"] === "string" ? v["outcome"] : "no_answer";
      if (!["promise", "dispute", "wrong_contact", "no_answer"].includes(outcome)) outcome = "no_answer";
      const promisedOn = typeof v["promisedOn"] === "string" && /^\d{4}-\d{2}-\d{2}/.test(v["promisedOn"]) ? v["promisedOn"].slice(0, 10) : null;
      if (outcome === "promise" && !promisedOn) throw new DossierError("INVALID_ARGUMENT", `Expected promisedOn (YYYY-MM-DD) with a promise to pay, but found ${JSON.stringify(v["promisedOn"])}`);
      const amount = typeof v["promisedAmount"] === "number" && v["promisedAmount"] > 0 ? Math.round(v["promisedAmount"] * 100) : null;
      const note = typeof v["callNote"] === "string" ? v["callNote"].slice(0, 2000) : null;
      const contact = typeof v["contactName"] === "string" ? v["contactName"].slice(0, 200) : null;
      const actor = this.completedBy(job) ?? "collector";
      const today = isoDay(tx.now);
      const out: Record<string, unknown> = { callDone: true, outcome };
      const actionId = this.recordAction(tx, { invoice, scenario: job.bpmnProcessId, level: Number(job.customHeaders["level"] ?? 3), channel: "call", outcome, actor, details: { promisedOn, amountCents: amount, note, contact } });
      if (typeof v["lateReason"] === "string" && v["lateReason"]) statement(this.db, `UPDATE invoice SET late_reason = ?, updated_at = ? WHERE id = ?`).run(v["lateReason"], tx.now, invoice.id);
      if (outcome === "promise") {
        out["promiseId"] = Number(statement(this.db, `INSERT INTO payment_promise (invoice_id, dossier_id, promised_on, amount_cents, status, created_on, created_by) VALUES (?, ?, ?, ?, 'open', ?, ?)`)
          .run(invoice.id, invoice.dossierId, promisedOn, amount, today, actor).lastInsertRowid);
        out["promisedOn"] = promisedOn;
      }
      const label = { promise: `promesse de paiement pour le ${frDate(promisedOn ?? today)}${amount ? ` (${money(amount)})` : ""}`, dispute: "litige signalé", wrong_contact: "mauvais contact", no_answer: "pas de réponse" }[outcome];
      this.deps.domain.journal.append({
        dossierId: invoice.dossierId, at: tx.now, actor, action: "call.logged", private: true,
        summary: `Appel de relance — facture ${invoice.number} : ${label}${contact ? ` (${contact})` : ""}`,
        after: { direction: "out", kind: "dunning.call", contact, outcome, summary: note, invoiceId: invoice.id, actionId, promisedOn },
      });
      if (outcome === "dispute") this.deps.invoices.openDisputeIn(tx, invoice, { reason: typeof v["lateReason"] === "string" ? v["lateReason"] : null, message: note, by: actor }, false);
      tx.completeJob(job.jobKey, out);
    });
  }

  /** Who completed the call task (the job follows it): the task's assignee, when known. */
  private completedBy(job: ActivatedJob): string | null {
    const r = statement(this.db, `SELECT assignee FROM user_task WHERE process_instance_key = ? AND state = 'COMPLETED' ORDER BY completed_at DESC LIMIT 1`).get(job.processInstanceKey) as { assignee: string | null } | undefined;
    return r?.assignee ?? null;
  }

  async promiseCheck(job: ActivatedJob): Promise<void> {
    await this.deps.domain.engine.transaction((tx) => {
      const invoice = this.invoiceOf(job);
      const today = isoDay(tx.now);
      const open = statement(this.db, `SELECT * FROM payment_promise WHERE invoice_id = ? AND status = 'open' ORDER BY id DESC LIMIT 1`).get(invoice.id) as Record<string, any> | undefined;
      if (invoice.balanceCents <= 0) {
        if (open) statement(this.db, `UPDATE payment_promise SET status = 'kept', settled_on = ? WHERE id = ?`).run(today, open.id);
        return tx.completeJob(job.jobKey, { promiseBroken: false });
      }
      if (open) {
        statement(this.db, `UPDATE payment_promise SET status = 'broken', settled_on = ? WHERE id = ?`).run(today, open.id);
        this.recordAction(tx, { invoice, scenario: job.bpmnProcessId, level: null, channel: "call", outcome: "promise_broken", actor: "dunning", details: { promiseId: open.id, promisedOn: open.promised_on } });
        this.deps.domain.journal.append({
          dossierId: invoice.dossierId, at: tx.now, actor: "dunning", action: "note.added",
          summary: `Promesse de paiement du ${frDate(open.promised_on)} non tenue (facture ${invoice.number}, ${money(invoice.balanceCents, invoice.currency)} dus) : les relances reprennent`,
          after: { kind: "dunning.promise_broken", invoiceId: invoice.id, promiseId: open.id },
        });
      }
      tx.completeJob(job.jobKey, { promiseBroken: !!open });
    });
  }

  async disputeClosed(job: ActivatedJob): Promise<void> {
    await this.deps.domain.engine.transaction((tx) => {
      const invoice = this.invoiceOf(job);
      const outcome = typeof job.variables["disputeOutcome"] === "string" ? job.variables["disputeOutcome"] : "rejected";
      const note = typeof job.variables["disputeNote"] === "string" ? job.variables["disputeNote"].slice(0, 2000) : null;
      statement(this.db, `UPDATE invoice_dispute SET outcome = ?, task_note = ?, credit_note = CASE WHEN ? = 'credit_note' THEN 'requested' ELSE credit_note END WHERE invoice_id = ? AND closed_on IS NULL`).run(outcome, note, outcome, invoice.id);
      this.deps.invoices.closeDisputeIn(tx, invoice.id, outcome, this.completedBy(job) ?? "collector");
      // A rejected dispute re-enters the reminders: the call is due again.
      tx.completeJob(job.jobKey, { disputeOutcome: outcome, callDone: outcome === "rejected" ? false : true });
    });
  }

  async reviewResolve(job: ActivatedJob): Promise<void> {
    const v = job.variables;
    const kind = v["reviewKind"];
    if (kind === "payment" && typeof v["paymentId"] === "number" && typeof v["resolveInvoiceNumber"] === "string" && v["resolveInvoiceNumber"].trim()) {
      await this.deps.domain.engine.transaction((tx) => {
        this.deps.invoices.assignPaymentIn(tx, v["paymentId"] as number, (v["resolveInvoiceNumber"] as string).trim(), "review");
        tx.completeJob(job.jobKey, { resolved: true });
      });
      return;
    }
    if (kind === "printer" && this.onPrinterReview && typeof v["resolveDossierReference"] === "string" && v["resolveDossierReference"].trim()) {
      await this.onPrinterReview(job, v["resolveDossierReference"].trim());
      return;
    }
    await this.deps.domain.engine.transaction((tx) => tx.completeJob(job.jobKey, { resolved: false }));
  }

  /** Set by the module: re-reads a printer file kept in review/ for the dossier the reviewer named. */
  onPrinterReview?: (job: ActivatedJob, dossierReference: string) => Promise<void>;

  // ── bulk reminder ───────────────────────────────────────────────────────────────────────────

  /**
   * A chosen level to every customer matching the criteria (segment, minimum days overdue,
   * minimum amount due). `preview` answers the customers and amounts without sending.
   */
  async bulk(input: { level: number; channel: "email" | "letter"; segment?: string | null; minDaysOverdue?: number; minAmountCents?: number; preview: boolean }, actor: string, dossierFilter: (dossierId: number) => boolean) {
    const today = this.today();
    const rows = statement(this.db, `SELECT * FROM invoice WHERE status IN ('issued','sent','partially_paid') AND due_date < ? ORDER BY dossier_id, due_date`).all(today) as Record<string, any>[];
    const byDossier = new Map<number, InvoiceRow[]>();
    for (const r of rows) {
      const inv = this.deps.invoices.byId(r.id)!;
      if (input.segment && inv.segment !== input.segment) continue;
      if (input.minDaysOverdue !== undefined && daysBetween(inv.dueDate, today) < input.minDaysOverdue) continue;
      if (!dossierFilter(inv.dossierId)) continue;
      const list = byDossier.get(inv.dossierId) ?? [];
      list.push(inv);
      byDossier.set(inv.dossierId, list);
    }
    const customers = [...byDossier.entries()]
      .map(([dossierId, list]) => ({ dossierId, invoices: list, total: list.reduce((s, i) => s + i.balanceCents, 0) }))
      .filter((c) => input.minAmountCents === undefined || c.total >= input.minAmountCents);
    const preview = customers.map((c) => {
      const d = dossierById(this.db, c.dossierId)!;
      const party = c.invoices[0]!.partyId !== null ? this.deps.domain.parties.get(c.invoices[0]!.partyId!) : undefined;
      return { dossierReference: d.reference, customer: party?.name ?? d.title, email: party?.emails[0] ?? null, invoices: c.invoices.map((i) => i.number), totalCents: c.total, totalText: money(c.total) };
    });
    if (input.preview) return { preview, sent: 0 };
    let sent = 0;
    const template = input.channel === "letter" ? "letters/receivables/relance" : "receivables/relance";
    await this.deps.domain.engine.transaction((tx) => {
      for (const c of customers) {
        const invoice = c.invoices[0]!;
        const party = invoice.partyId !== null ? this.deps.domain.parties.get(invoice.partyId) : undefined;
        const tone = String(this.contextOf(invoice, party, today)["tone"]);
        const data = this.reminderData(invoice, c.invoices, party, input.level, today, tone, input.channel === "email" ? this.deps.diffusion.issueLink(invoice, actor) : null);
        const actionId = this.recordAction(tx, { invoice, scenario: "bulk", level: input.level, channel: input.channel, outcome: "sent", actor, details: { invoices: c.invoices.map((i) => i.number), totalCents: c.total, bulk: true } });
        if (input.channel === "email") {
          if (!party?.emails[0]) {
            statement(this.db, `UPDATE dunning_action SET outcome = 'failed' WHERE id = ?`).run(actionId);
            continue;
          }
          const specific = `${template}-niveau-${input.level}`;
          const name = this.deps.templates.has(`mail/${specific}.fr.txt`) ? specific : template;
          this.deps.outbox.enqueue(tx, { to: [{ partyId: invoice.partyId! }], dossierId: invoice.dossierId, template: name, data, ...(party.language === "en" ? { locale: "en" as const } : {}), purpose: "dunning", key: `bulk:${actionId}`, actor });
        } else {
          this.deps.diffusion.queueLetterIn(tx, { invoice, party, template, data, kind: "letter", dunningActionId: actionId });
        }
        this.deps.domain.journal.append({
          dossierId: invoice.dossierId, at: tx.now, actor, action: "note.added", private: false,
          summary: `Relance groupée niveau ${input.level} ${input.channel === "email" ? "par e-mail" : "par courrier"} : ${c.invoices.length} facture(s), ${money(c.total)} dus`,
          after: { kind: "dunning.reminder", bulk: true, level: input.level, channel: input.channel, actionId, invoices: c.invoices.map((i) => i.number) },
        });
        sent++;
      }
    });
    return { preview, sent };
  }

  // ── the collector's day ─────────────────────────────────────────────────────────────────────

  /**
   * The prioritised worklist: one line per customer with overdue invoices, score = amount due (€)
   * × days overdue (oldest invoice) × risk, the risk explained (segment, broken promises, disputes).
   */
  worklist(dossierFilter: { sql: string; params: unknown[] }, today = this.today()) {
    const rows = statement(this.db, `SELECT i.dossier_id, d.reference, d.title, i.party_id, SUM(i.gross_cents - i.paid_cents - i.credited_cents - i.written_off_cents) AS due, MIN(i.due_date) AS oldest, COUNT(*) AS n,
        SUM(CASE WHEN i.status = 'disputed' THEN 1 ELSE 0 END) AS disputed, MAX(i.segment) AS segment, MAX(i.collector) AS collector
      FROM invoice i JOIN dossier d ON d.id = i.dossier_id WHERE i.status IN ${OPEN} AND i.due_date < ? AND ${dossierFilter.sql} GROUP BY i.dossier_id, d.reference, d.title, i.party_id`)
      .all(today, ...dossierFilter.params) as Array<Record<string, any>>;
    const lines = rows.map((r) => {
      const days = daysBetween(r.oldest, today);
      const broken = (statement(this.db, `SELECT COUNT(*) AS n FROM payment_promise WHERE dossier_id = ? AND status = 'broken'`).get(r.dossier_id) as { n: number }).n;
      const openPromise = statement(this.db, `SELECT promised_on FROM payment_promise WHERE dossier_id = ? AND status = 'open' ORDER BY promised_on LIMIT 1`).get(r.dossier_id) as { promised_on: string } | undefined;
      const segmentRisk: Record<string, number> = { bad_payer: 2, small_business: 1, large_account: 0.8, public_body: 0.6 };
      const segment = this.account(r.party_id)?.segment ?? r.segment ?? "small_business";
      let risk = segmentRisk[segment] ?? 1;
      const why: string[] = [`segment ${segment} ×${risk}`];
      if (broken > 0) {
        risk *= 1 + 0.5 * broken;
        why.push(`${broken} promesse(s) non tenue(s) ×${1 + 0.5 * broken}`);
      }
      if (openPromise && openPromise.promised_on >= today) {
        risk *= 0.3;
        why.push(`promesse en cours jusqu'au ${frDate(openPromise.promised_on)} ×0.3`);
      }
      if (r.disputed > 0) {
        risk *= 0.5;
        why.push(`${r.disputed} facture(s) en litige ×0.5`);
      }
      const score = Math.round((Number(r.due) / 100) * days * risk);
      const calls = statement(this.db, `SELECT ut.key, ut.name FROM user_task ut JOIN dunning_case c ON c.process_instance_key = ut.process_instance_key JOIN invoice i ON i.id = c.invoice_id WHERE i.dossier_id = ? AND ut.state = 'CREATED'`).all(r.dossier_id) as Array<{ key: number; name: string }>;
      return {
        dossierId: r.dossier_id, dossierReference: r.reference, customer: r.title, partyId: r.party_id, dueCents: Number(r.due), dueText: money(Number(r.due)), oldestDue: r.oldest, daysOverdue: days, invoices: r.n,
        risk: Math.round(risk * 100) / 100, score, segment, collector: r.collector ?? null,
        explanation: `${money(Number(r.due))} × ${days} j de retard × risque ${Math.round(risk * 100) / 100} (${why.join(", ")}) = ${score}`,
        tasks: calls.map((c) => ({ key: String(c.key), name: c.name })),
      };
    });
    lines.sort((a, b) => b.score - a.score || b.dueCents - a.dueCents);
    const overLimit = (statement(this.db, `SELECT ca.party_id, ca.credit_limit_cents, p.name, SUM(i.gross_cents - i.paid_cents - i.credited_cents - i.written_off_cents) AS due, MIN(d.reference) AS reference
        FROM customer_account ca JOIN party p ON p.id = ca.party_id JOIN invoice i ON i.party_id = ca.party_id AND i.status IN ${OPEN} JOIN dossier d ON d.id = i.dossier_id
        WHERE ca.credit_limit_cents IS NOT NULL AND ${dossierFilter.sql} GROUP BY ca.party_id, ca.credit_limit_cents, p.name HAVING SUM(i.gross_cents - i.paid_cents - i.credited_cents - i.written_off_cents) > ca.credit_limit_cents`)
      .all(...dossierFilter.params) as Array<Record<string, any>>).map((r) => ({ partyId: r.party_id, customer: r.name, dossierReference: r.reference, dueCents: Number(r.due), limitCents: Number(r.credit_limit_cents), dueText: money(Number(r.due)), limitText: money(Number(r.credit_limit_cents)), overText: money(Number(r.due) - Number(r.credit_limit_cents)) }));
    const creditNotes = (statement(this.db, `SELECT x.id, x.reason, x.message, x.opened_on, x.outcome, i.number, i.gross_cents, i.currency, d.reference FROM invoice_dispute x JOIN invoice i ON i.id = x.invoice_id JOIN dossier d ON d.id = i.dossier_id
        WHERE x.credit_note = 'requested' AND ${dossierFilter.sql} ORDER BY x.opened_on`).all(...dossierFilter.params) as Array<Record<string, any>>)
      .map((r) => ({ disputeId: r.id, invoiceNumber: r.number, dossierReference: r.reference, reason: r.reason, message: r.message, openedOn: r.opened_on, grossText: money(Number(r.gross_cents), r.currency) }));
    return { today, lines, overLimit, creditNotes };
  }

  /** The late-payment reasons per month (invoices paid late or still overdue, by the month they fell due). */
  reasonsByMonth(dossierFilter: { sql: string; params: unknown[] }, months = 12) {
    const today = this.today();
    const from = addDays(today, -31 * months).slice(0, 7);
    const rows = statement(this.db, `SELECT substr(i.due_date, 1, 7) AS month, COALESCE(i.late_reason, '') AS reason, COUNT(*) AS n, SUM(i.gross_cents) AS gross FROM invoice i JOIN dossier d ON d.id = i.dossier_id
        WHERE substr(i.due_date, 1, 7) >= ? AND i.due_date < ? AND ((i.paid_on IS NOT NULL AND i.paid_on > i.due_date) OR (i.paid_on IS NULL AND i.status IN ${OPEN})) AND ${dossierFilter.sql}
        GROUP BY month, reason ORDER BY month, reason`).all(from, today, ...dossierFilter.params) as Array<{ month: string; reason: string; n: number; gross: number }>;
    return rows.map((r) => ({ month: r.month, reason: r.reason || null, count: r.n, grossCents: Number(r.gross) }));
  }
}

function addressOf(party: PartyRow | undefined): string[] {
  if (!party) return [];
  const a = party.address;
  return [party.name, [a.number, a.street].filter(Boolean).join(" "), [a.postcode, a.city].filter(Boolean).join(" ")].filter((l) => l.trim() !== "");
}

export type { DossierRow };
