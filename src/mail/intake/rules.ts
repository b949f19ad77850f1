/**
 * Routing rules, edited by an administrator: conditions on the sender, recipients, subject, body,
 * attachments (contains / equals / does not contain / a linear-time RE2 regular expression), or a
 * FEEL expression for the advanced case; ordered actions; "stop after this rule". Checked
 * completely on save (one error listing every problem), matched without side effects (the dry run
 * and the intake share `matches`).
 */
import { RE2JS } from "re2js";
import { DossierError, type FieldProblem } from "../../dossiers/errors.js";
import { compileExpression } from "../../engine/feel.js";

export const CONDITION_FIELDS = ["from", "recipients", "subject", "body", "hasAttachments", "attachmentName", "source"] as const;
export const CONDITION_OPS = ["contains", "equals", "notContains", "regex"] as const;
export const ACTION_TYPES = ["createDossier", "startProcess", "attachByField", "publishMessage", "triageTask"] as const;
/** What a rule's variables and templates can name. */
export const MAIL_FIELDS = ["from", "fromName", "subject", "text", "recipients", "documentIds", "reference", "inboundId"] as const;

export type ConditionField = (typeof CONDITION_FIELDS)[number];
export interface Condition {
  field: ConditionField;
  op: (typeof CONDITION_OPS)[number];
  value: string;
}

export type RuleAction =
  | { type: "createDossier"; dossierType: string; role?: string; title?: string; startOpening?: boolean }
  | { type: "startProcess"; processId: string; variables?: Record<string, string> }
  | { type: "attachByField"; field: string; pattern: string; in?: "subject" | "body" }
  | { type: "publishMessage"; name: string; correlationKey: string; variables?: Record<string, string> }
  | { type: "triageTask"; group: string };

export interface RuleDefinition {
  match: "all" | "any";
  conditions: Condition[];
  /** A FEEL expression over the mail (from, recipients, subject, body, hasAttachments, attachmentNames, source), ANDed with the conditions. */
  feel?: string;
  actions: RuleAction[];
}

export interface Rule {
  id: number;
  position: number;
  name: string;
  enabled: boolean;
  stop: boolean;
  definition: RuleDefinition;
  version: number;
}

/** What the rules look at. */
export interface MailFacts {
  from: string;
  fromName: string;
  recipients: string[];
  subject: string;
  body: string;
  hasAttachments: boolean;
  attachmentNames: string[];
  source: "imap" | "drop" | "upload";
}

const str = (v: unknown) => typeof v === "string";

export function checkRule(input: unknown, knows: { type(id: string): boolean; process(id: string): boolean }): { name: string; enabled: boolean; stop: boolean; definition: RuleDefinition } {
  const p: FieldProblem[] = [];
  const add = (field: string, message: string) => p.push({ field, message });
  const r = (input && typeof input === "object" ? input : {}) as Record<string, any>;
  if (!str(r.name) || !r.name.trim() || r.name.length > 256) add("name", `expected a name of 1 to 256 characters, but found ${JSON.stringify(r.name)}`);
  const d = (r.definition && typeof r.definition === "object" ? r.definition : {}) as Record<string, any>;
  if (d.match !== undefined && d.match !== "all" && d.match !== "any") add("definition.match", `expected all or any, but found ${JSON.stringify(d.match)}`);
  const conditions: Condition[] = [];
  if (d.conditions !== undefined && !Array.isArray(d.conditions)) add("definition.conditions", "expected a list of {field, op, value}");
  (Array.isArray(d.conditions) ? d.conditions : []).forEach((c: any, i: number) => {
    const f = `definition.conditions[${i}]`;
    if (!CONDITION_FIELDS.includes(c?.field)) return add(`${f}.field`, `expected one of ${CONDITION_FIELDS.join(", ")}, but found ${JSON.stringify(c?.field)}`);
    if (!CONDITION_OPS.includes(c?.op)) return add(`${f}.op`, `expected one of ${CONDITION_OPS.join(", ")}, but found ${JSON.stringify(c?.op)}`);
    if (!str(c.value) || c.value.length > 1000) return add(`${f}.value`, `expected a text of at most 1000 characters, but found ${JSON.stringify(c?.value)}`);
    if (c.op === "regex") {
      try {
        RE2JS.compile(c.value, RE2JS.CASE_INSENSITIVE);
      } catch (error) {
        return add(`${f}.value`, `expected a regular expression (RE2 syntax), but found ${JSON.stringify(c.value)}: ${(error as Error).message}`);
      }
    }
    conditions.push({ field: c.field, op: c.op, value: c.value });
  });
  let feel: string | undefined;
  if (d.feel !== undefined && d.feel !== null && d.feel !== "") {
    if (!str(d.feel) || d.feel.length > 2000) add("definition.feel", "expected a FEEL expression of at most 2000 characters");
    else {
      try {
        compileExpression(d.feel);
        feel = d.feel;
      } catch (error) {
        add("definition.feel", `expected a FEEL expression, but found ${JSON.stringify(d.feel)}: ${(error as Error).message}`);
      }
    }
  }
  if (conditions.length === 0 && !feel) add("definition.conditions", "expected at least one condition or a FEEL expression (a rule matching every mail would hide the quarantine)");
  const actions: RuleAction[] = [];
  if (!Array.isArray(d.actions) || d.actions.length === 0) add("definition.actions", "expected at least one action");
  const vars = (v: unknown, f: string): Record<string, string> | undefined => {
    if (v === undefined) return undefined;
    if (!v || typeof v !== "object" || Array.isArray(v)) return void add(f, "expected {variable: mail field or =FEEL}");
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(k)) add(`${f}.${k}`, "expected a variable name (letters, digits, _)");
      else if (!str(x) || (!(MAIL_FIELDS as readonly string[]).includes(x as string) && !(x as string).startsWith("="))) add(`${f}.${k}`, `expected one of ${MAIL_FIELDS.join(", ")} or a FEEL expression starting with =, but found ${JSON.stringify(x)}`);
      else {
        if ((x as string).startsWith("=")) {
          try {
            compileExpression(x as string);
          } catch (error) {
            add(`${f}.${k}`, `expected a FEEL expression: ${(error as Error).message}`);
            continue;
          }
        }
        out[k] = x as string;
      }
    }
    return out;
  };
  (Array.isArray(d.actions) ? d.actions : []).forEach((a: any, i: number) => {
    const f = `definition.actions[${i}]`;
    switch (a?.type) {
      case "createDossier":
        if (!str(a.dossierType) || !knows.type(a.dossierType)) return add(`${f}.dossierType`, `expected a dossier type, but found ${JSON.stringify(a.dossierType)}`);
        if (a.role !== undefined && !str(a.role)) return add(`${f}.role`, "expected a party role");
        if (a.title !== undefined && (!str(a.title) || a.title.length > 256)) return add(`${f}.title`, "expected a title template of at most 256 characters");
        actions.push({ type: "createDossier", dossierType: a.dossierType, ...(a.role ? { role: a.role } : {}), ...(a.title ? { title: a.title } : {}), startOpening: a.startOpening !== false });
        return;
      case "startProcess": {
        if (!str(a.processId) || !knows.process(a.processId)) return add(`${f}.processId`, `expected a deployed process id, but found ${JSON.stringify(a.processId)}`);
        const v = vars(a.variables, `${f}.variables`);
        actions.push({ type: "startProcess", processId: a.processId, ...(v ? { variables: v } : {}) });
        return;
      }
      case "attachByField":
        if (!str(a.field) || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(a.field)) return add(`${f}.field`, `expected 'reference' or a dossier field id, but found ${JSON.stringify(a.field)}`);
        try {
          const re = RE2JS.compile(String(a.pattern ?? ""), RE2JS.CASE_INSENSITIVE);
          if (re.groupCount() < 1) return add(`${f}.pattern`, "expected a regular expression with one group capturing the value, e.g. DEV-(\\d+)");
        } catch (error) {
          return add(`${f}.pattern`, `expected a regular expression (RE2 syntax): ${(error as Error).message}`);
        }
        if (a.in !== undefined && a.in !== "subject" && a.in !== "body") return add(`${f}.in`, "expected subject or body");
        actions.push({ type: "attachByField", field: a.field, pattern: a.pattern, in: a.in ?? "subject" });
        return;
      case "publishMessage": {
        if (!str(a.name) || !a.name.trim()) return add(`${f}.name`, "expected a message name");
        if (!str(a.correlationKey)) return add(`${f}.correlationKey`, "expected a correlation key template, e.g. {reference}");
        const v = vars(a.variables, `${f}.variables`);
        actions.push({ type: "publishMessage", name: a.name, correlationKey: a.correlationKey, ...(v ? { variables: v } : {}) });
        return;
      }
      case "triageTask":
        if (!str(a.group) || !a.group.trim()) return add(`${f}.group`, "expected a group id");
        actions.push({ type: "triageTask", group: a.group });
        return;
      default:
        add(`${f}.type`, `expected one of ${ACTION_TYPES.join(", ")}, but found ${JSON.stringify(a?.type)}`);
    }
  });
  if (p.length) throw new DossierError("VALIDATION_FAILED", `Expected a valid mail rule, but found ${p.length} problem(s): ${p.map((x) => `${x.field}: ${x.message}`).join("; ")}`, p);
  return {
    name: String(r.name).trim(), enabled: r.enabled !== false, stop: r.stop !== false,
    definition: { match: d.match === "any" ? "any" : "all", conditions, ...(feel ? { feel } : {}), actions },
  };
}

function values(facts: MailFacts, field: ConditionField): string[] {
  switch (field) {
    case "from": return [facts.from, facts.fromName].filter(Boolean);
    case "recipients": return facts.recipients;
    case "subject": return [facts.subject];
    case "body": return [facts.body];
    case "hasAttachments": return [facts.hasAttachments ? "true" : "false"];
    case "attachmentName": return facts.attachmentNames;
    case "source": return [facts.source];
  }
}

const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

export function conditionHolds(c: Condition, facts: MailFacts): boolean {
  const vs = values(facts, c.field);
  switch (c.op) {
    case "contains": return vs.some((v) => fold(v).includes(fold(c.value)));
    case "notContains": return !vs.some((v) => fold(v).includes(fold(c.value)));
    case "equals": return vs.some((v) => fold(v) === fold(c.value));
    case "regex": {
      const re = RE2JS.compile(c.value, RE2JS.CASE_INSENSITIVE);
      return vs.some((v) => re.matcher(v).find());
    }
  }
}

export function feelContext(facts: MailFacts): Record<string, unknown> {
  return { from: facts.from, fromName: facts.fromName, recipients: facts.recipients, subject: facts.subject, body: facts.body, hasAttachments: facts.hasAttachments, attachmentNames: facts.attachmentNames, source: facts.source };
}

/** Whether the rule's conditions hold for the mail (no side effect). */
export function matches(rule: RuleDefinition, facts: MailFacts): boolean {
  const results = rule.conditions.map((c) => conditionHolds(c, facts));
  const conditionsOk = results.length === 0 ? true : rule.match === "any" ? results.some(Boolean) : results.every(Boolean);
  if (!conditionsOk) return false;
  if (!rule.feel) return true;
  const r = compileExpression(rule.feel).evaluate(feelContext(facts));
  return r.ok && r.value === true;
}

/** `{subject}`, `{from}`, `{fromName}`, `{reference}` … replaced in a template. */
export function fill(template: string, values: Record<string, unknown>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (all, k: string) => (k in values ? String(values[k] ?? "") : all));
}

/** A capture of `pattern` in the text, or null. */
export function capture(pattern: string, text: string): string | null {
  const m = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE).matcher(text);
  return m.find() ? (m.group(1) ?? null) : null;
}

/** One sentence per action, in French, for the dry run and the received-mail detail. */
export function describeAction(a: RuleAction): string {
  switch (a.type) {
    case "createDossier": return `ouvrir un dossier « ${a.dossierType} » avec l'expéditeur comme ${a.role ?? "customer"}${a.startOpening === false ? " (sans processus d'ouverture)" : ""}`;
    case "startProcess": return `démarrer le processus ${a.processId}`;
    case "attachByField": return `rattacher au dossier dont ${a.field} = ${a.pattern} (dans ${a.in === "body" ? "le corps" : "le sujet"})`;
    case "publishMessage": return `publier le message ${a.name} (clé ${a.correlationKey})`;
    case "triageTask": return `créer une tâche de tri pour le groupe ${a.group}`;
  }
}
