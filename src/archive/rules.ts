/**
 * The retention catalogue (appraisal rules): per document type and/or dossier type, a duration
 * (ISO 8601), the event it starts from and the final action. The most specific rule wins
 * (document type AND dossier type, then document type, then dossier type, then the default `*`),
 * ties by position. A record's retain-until is computed at deposit and can only be extended when
 * rules change (code: max of old and new; database: a trigger refusing any decrease).
 *
 * Start events: `archived` (the deposit date), `field` (a date field of the dossier, e.g. the
 * contract's end; a missing field falls back to the deposit date, said in the record's metadata),
 * `document` (the document's own date: its upload), `fiscalYearEnd` (the end of the fiscal year
 * containing `startField`, a dossier date field or `document`).
 */
import type Database from "better-sqlite3";
import { DossierError, failOn, type FieldProblem } from "../dossiers/errors.js";
import { statement } from "../persistence/statements.js";
import { addDuration, dayOf, fiscalYearEnd, isDate, parseDuration } from "./dates.js";

export const START_EVENTS = ["archived", "field", "document", "fiscalYearEnd"] as const;
export const FINAL_ACTIONS = ["destroy", "review", "keep"] as const;
export type StartEvent = (typeof START_EVENTS)[number];
export type FinalAction = (typeof FINAL_ACTIONS)[number];

export interface RetentionRule {
  id: string;
  label: string;
  documentType: string | null;
  dossierType: string | null;
  /** null with finalAction 'keep' (kept forever). */
  duration: string | null;
  startEvent: StartEvent;
  startField: string | null;
  finalAction: FinalAction;
  position: number;
}

export interface RetentionSettings {
  fiscalYearEnd: string;
  identityRetention: string;
}

/** The shipped catalogue (French labels: shown as they are). */
export function defaultRules(settings: RetentionSettings): RetentionRule[] {
  return [
    { id: "factures", label: "Factures : 10 ans après la fin de l'exercice", documentType: "facture", dossierType: null, duration: "P10Y", startEvent: "fiscalYearEnd", startField: "document", finalAction: "destroy", position: 10 },
    { id: "contrats-signes", label: "Contrats signés et preuves : 5 ans après la fin du contrat", documentType: "contrat", dossierType: "contrat", duration: "P5Y", startEvent: "field", startField: "dateFin", finalAction: "destroy", position: 20 },
    { id: "contrats-preuves", label: "Attestations et avenants du contrat : 5 ans après sa fin", documentType: null, dossierType: "contrat", duration: "P5Y", startEvent: "field", startField: "dateFin", finalAction: "destroy", position: 30 },
    { id: "contrats-client", label: "Contrats du dossier client : 5 ans après l'archivage", documentType: "contrat", dossierType: null, duration: "P5Y", startEvent: "archived", startField: null, finalAction: "destroy", position: 40 },
    { id: "pieces-identite", label: "Pièces d'identité : après la fin de la relation (protection des données)", documentType: "piece-identite", dossierType: null, duration: settings.identityRetention, startEvent: "archived", startField: null, finalAction: "destroy", position: 50 },
    { id: "defaut", label: "Autres pièces : revue 5 ans après l'archivage", documentType: null, dossierType: null, duration: "P5Y", startEvent: "archived", startField: null, finalAction: "review", position: 1000 },
  ];
}

const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Checks a rule as sent by the UI/API; every problem listed. */
export function checkRule(raw: unknown, id: string): RetentionRule {
  const problems: FieldProblem[] = [];
  const p = (field: string, message: string) => problems.push({ field, message });
  const r = (raw && typeof raw === "object" && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  if (!ID.test(id)) p("id", `expected lower-case letters, digits, '-' or '_' (at most 64), but found ${JSON.stringify(id)}`);
  const labelText = typeof r["label"] === "string" ? r["label"].trim() : "";
  if (!labelText || labelText.length > 256) p("label", "expected a label of 1 to 256 characters");
  const opt = (k: string) => (r[k] === undefined || r[k] === null || r[k] === "" ? null : typeof r[k] === "string" && ID.test(r[k] as string) ? (r[k] as string) : (p(k, `expected a type id or nothing, but found ${JSON.stringify(r[k])}`), null));
  const documentType = opt("documentType");
  const dossierType = opt("dossierType");
  const finalAction = r["finalAction"] as FinalAction;
  if (!FINAL_ACTIONS.includes(finalAction)) p("finalAction", `expected one of ${FINAL_ACTIONS.join(", ")}, but found ${JSON.stringify(r["finalAction"] ?? null)}`);
  const startEvent = (r["startEvent"] ?? "archived") as StartEvent;
  if (!START_EVENTS.includes(startEvent)) p("startEvent", `expected one of ${START_EVENTS.join(", ")}, but found ${JSON.stringify(r["startEvent"])}`);
  const startField = r["startField"] === undefined || r["startField"] === null || r["startField"] === "" ? null : String(r["startField"]);
  if ((startEvent === "field" || startEvent === "fiscalYearEnd") && !startField) p("startField", `expected the date field the period starts from (or 'document' for the document's date), but found none`);
  let duration: string | null = r["duration"] === undefined || r["duration"] === null || r["duration"] === "" ? null : String(r["duration"]);
  if (finalAction === "keep") duration = duration ?? null;
  else if (duration === null) p("duration", "expected an ISO 8601 duration such as P10Y (only 'keep' may have none)");
  if (duration !== null) {
    try {
      parseDuration(duration);
    } catch (error) {
      p("duration", (error as Error).message.replace(/^Expected/, "expected"));
    }
  }
  const position = r["position"] === undefined ? 500 : Number(r["position"]);
  if (!Number.isInteger(position) || position < 0 || position > 100_000) p("position", `expected a whole number from 0 to 100000, but found ${JSON.stringify(r["position"])}`);
  failOn(problems, `the retention rule '${id}'`);
  return { id, label: labelText, documentType, dossierType, duration, startEvent, startField, finalAction, position };
}

export interface RetentionInput {
  documentType: string | null;
  dossierType: string;
  dossierData: Record<string, unknown>;
  /** The document's date (its upload), ms; null for the dossier's metadata record. */
  documentAt: number | null;
  depositedAt: number;
}

export interface Retention {
  ruleId: string | null;
  retainFrom: string | null;
  /** null = kept forever. */
  retainUntil: string | null;
  finalAction: FinalAction;
  note: string | null;
}

export class RetentionRules {
  constructor(private readonly db: Database.Database, readonly settings: RetentionSettings) {}

  /** Writes the shipped catalogue on the first start (an empty catalogue). */
  seed(now: number): void {
    const n = (statement(this.db, `SELECT COUNT(*) AS n FROM archive_rule`).get() as { n: number }).n;
    if (n > 0) return;
    for (const r of defaultRules(this.settings)) this.put(r, now, null);
  }

  all(): RetentionRule[] {
    return (statement(this.db, `SELECT * FROM archive_rule ORDER BY position, id`).all() as Array<Record<string, any>>).map(toRule);
  }

  get(id: string): RetentionRule | undefined {
    const row = statement(this.db, `SELECT * FROM archive_rule WHERE id = ?`).get(id) as Record<string, any> | undefined;
    return row ? toRule(row) : undefined;
  }

  /** Inside the caller's transaction. */
  put(rule: RetentionRule, now: number, actor: string | null): void {
    statement(this.db,
      `INSERT INTO archive_rule (id, label, document_type, dossier_type, duration, start_event, start_field, final_action, position, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET label = excluded.label, document_type = excluded.document_type, dossier_type = excluded.dossier_type, duration = excluded.duration,
       start_event = excluded.start_event, start_field = excluded.start_field, final_action = excluded.final_action, position = excluded.position, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    ).run(rule.id, rule.label, rule.documentType, rule.dossierType, rule.duration, rule.startEvent, rule.startField, rule.finalAction, rule.position, now, actor);
  }

  remove(id: string): boolean {
    if (id === "defaut") throw new DossierError("INVALID_STATE", "Expected a rule other than 'defaut' to remove: the default rule applies when no other does (change it instead)");
    return statement(this.db, `DELETE FROM archive_rule WHERE id = ?`).run(id).changes > 0;
  }

  /** The rule for a record: the most specific match, then by position. */
  match(documentType: string | null, dossierType: string, rules = this.all()): RetentionRule | undefined {
    const score = (r: RetentionRule) => {
      if (r.documentType !== null && r.documentType !== documentType) return -1;
      if (r.dossierType !== null && r.dossierType !== dossierType) return -1;
      return (r.documentType !== null ? 2 : 0) + (r.dossierType !== null ? 1 : 0);
    };
    return rules
      .map((r) => ({ r, s: score(r) }))
      .filter((x) => x.s >= 0)
      .sort((a, b) => b.s - a.s || a.r.position - b.r.position)[0]?.r;
  }

  compute(input: RetentionInput, rules = this.all()): Retention {
    const rule = this.match(input.documentType, input.dossierType, rules);
    if (!rule) return { ruleId: null, retainFrom: null, retainUntil: null, finalAction: "keep", note: "no rule applies: kept until a rule says otherwise" };
    return computeWith(rule, input, this.settings.fiscalYearEnd);
  }
}

export function computeWith(rule: RetentionRule, input: RetentionInput, fyEnd: string): Retention {
  const deposited = dayOf(input.depositedAt);
  let note: string | null = null;
  const dateOf = (field: string | null): string => {
    if (field === "document") return input.documentAt !== null ? dayOf(input.documentAt) : deposited;
    const v = field ? input.dossierData[field] : undefined;
    if (isDate(v)) return v;
    note = `the dossier has no date in '${field}': the period starts from the archiving date`;
    return deposited;
  };
  let from: string;
  switch (rule.startEvent) {
    case "archived":
      from = deposited;
      break;
    case "document":
      from = dateOf("document");
      break;
    case "field":
      from = dateOf(rule.startField);
      break;
    case "fiscalYearEnd":
      from = fiscalYearEnd(dateOf(rule.startField), fyEnd);
      break;
  }
  if (rule.finalAction === "keep" && rule.duration === null) return { ruleId: rule.id, retainFrom: from, retainUntil: null, finalAction: "keep", note };
  const until = addDuration(from, parseDuration(rule.duration));
  return { ruleId: rule.id, retainFrom: from, retainUntil: rule.finalAction === "keep" ? null : until, finalAction: rule.finalAction, note };
}

/** The later of two retain-until dates (null = forever is the latest). */
export function later(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return null;
  return a > b ? a : b;
}

function toRule(r: Record<string, any>): RetentionRule {
  return { id: r["id"], label: r["label"], documentType: r["document_type"], dossierType: r["dossier_type"], duration: r["duration"], startEvent: r["start_event"], startField: r["start_field"], finalAction: r["final_action"], position: r["position"] };
}
