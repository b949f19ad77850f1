/**
 * The modeler in the interface's language. bpmn-js, its palette, context pad, popup menus and the Zeebe
 * properties panel ask one `translate(template, replacements)` service for every text: in French it
 * answers from bpmn-js-i18n's community translations, overridden and completed by modeler-fr.ts (the
 * Zeebe panel's groups and entries, Camunda 8 elements, create/append menus). @camunda/linting writes
 * English sentences; lintFr() rewrites the shapes it uses. English is the modeler's own language.
 * Templates with no French text are collected in `window.__designerMissingTranslations` (for the tests).
 */
import bpmnJsFr from "bpmn-js-i18n/translations/fr.js";
import type { Lang } from "../shared/i18n.js";
import { FR, LINT_TERMS_FR } from "./modeler-fr.js";

type Replacements = Record<string, string | number | undefined> | undefined;

const missing = new Set<string>();
(globalThis as { __designerMissingTranslations?: Set<string> }).__designerMissingTranslations = missing;

const fill = (text: string, replacements: Replacements) =>
  text.replace(/\{([^}]+)\}/g, (whole, key: string) => (replacements?.[key] !== undefined ? String(replacements[key]) : whole));

/** The translate function bpmn-js modules call. */
export function translator(lang: Lang, ownTexts: string[] = []): (template: string, replacements?: Replacements) => string {
  if (lang !== "fr") return (template, replacements) => fill(template, replacements);
  const dictionary: Record<string, string> = { ...(bpmnJsFr as Record<string, string>), ...FR };
  // Texts already in the interface's language (the connector templates' names) pass through.
  for (const text of ownTexts) dictionary[text] ??= text;
  return (template, replacements) => {
    const text = dictionary[template] ?? eventType(template);
    if (text === undefined && template.trim() !== "") missing.add(template);
    return fill(text ?? template, replacements);
  };
}

/** A bpmn-js module replacing the default (English) translate service. */
export function translateModule(lang: Lang, ownTexts: string[] = []): Record<string, unknown> {
  return { translate: ["value", translator(lang, ownTexts)] };
}

/** "Timer Boundary Event", "Message Start Event (Non Interrupting)": the panel header's event types. */
function eventType(template: string): string | undefined {
  const m = /^(?:(\w+) )?(Start Event|End Event|Boundary Event|Intermediate Catch Event|Intermediate Throw Event)( \(Non Interrupting\))?$/.exec(template);
  if (!m) return undefined;
  return `${term(m[1] && m[1] !== "Undefined" ? `${m[1]} ${m[2]}` : m[2]!)}${m[3] ? " (non interruptif)" : ""}`;
}

const EVENT_KINDS: Record<string, string> = {
  "Start Event": "Événement de début", "End Event": "Événement de fin", "Boundary Event": "Événement de bordure",
  "Intermediate Catch Event": "Événement intermédiaire de réception", "Intermediate Throw Event": "Événement intermédiaire d'émission",
};
const EVENT_TRIGGERS: Record<string, string> = {
  Message: "message", Timer: "minuterie", Error: "erreur", Escalation: "escalade", Signal: "signal", Conditional: "condition",
  Link: "lien", Compensate: "compensation", Terminate: "arrêt", Cancel: "annulation",
};

/** A lint term: "Message Start Event" → "Événement de début (message)", otherwise the dictionaries. */
function term(name: string): string {
  const known = LINT_TERMS_FR[name] ?? FR[name];
  if (known) return known;
  const event = /^(?:(\w+) )?(Start Event|End Event|Boundary Event|Intermediate Catch Event|Intermediate Throw Event)$/.exec(name);
  if (event) {
    const trigger = event[1] && event[1] !== "Undefined" ? EVENT_TRIGGERS[event[1]] ?? event[1] : undefined;
    return `${EVENT_KINDS[event[2]!]}${trigger ? ` (${trigger})` : ""}`;
  }
  return name;
}
const quoted = (text: string) => text.replace(/<([^<>]+)>/g, (_, name: string) => `« ${term(name)} »`);

/** @camunda/linting's sentences in French (patterns of lib/utils/error-messages.js and properties-panel.js). */
export function lintFr(message: string): string {
  const exact = LINT_TERMS_FR[message];
  if (exact) return exact;
  const rules: Array<[RegExp, (...groups: string[]) => string]> = [
    [/^An? (<[^>]+>)(?: with (.+?))? must have a(?: defined)? (<[^>]+>)(?: or be the default <Sequence Flow>)?$/, (subject, condition, prop) =>
      `${quoted(subject!)}${condition ? ` avec ${quoted(condition)}` : ""} : ${quoted(prop!)} doit être renseigné${/or be the default/.test(message) ? ", ou le flux doit être le flux par défaut" : ""}`],
    [/^An? (<[^>]+>)(?: with (.+?))? should have a defined (<[^>]+>)$/, (subject, condition, prop) =>
      `${quoted(subject!)}${condition ? ` avec ${quoted(condition)}` : ""} : ${quoted(prop!)} devrait être renseigné`],
    [/^(.+) is only supported by (.+) or newer$/, (what, platform) => `${quoted(what!.replace(/^An? /, ""))} n'est pris en charge qu'à partir de ${platform}`],
    [/^(.+) is not supported by (.+)$/, (what, platform) => `${quoted(what!.replace(/^An? /, ""))} n'est pas pris en charge par ${platform}`],
    [/^(.+) is not supported$/, (what) => `${quoted(what!.replace(/^An? /, ""))} n'est pas pris en charge`],
    [/^One <Process> must be <Executable>$/, () => "Un processus doit être « Exécutable »"],
    [/^A <Process> must be <Executable>$/, () => "Le processus doit être « Exécutable »"],
    [/^An? (<[^>]+>) (<[^>]+>) must be (.+)$/, (subject, prop, rule) => `${quoted(subject!)} : ${quoted(prop!)} doit être ${mustBe(rule!)}`],
    [/^An? (<[^>]+>) must have a unique <Name>$/, (subject) => `${quoted(subject!)} : le nom doit être unique`],
    [/^An? (<[^>]+>) is not allowed on an? (<[^>]+>)$/, (a, b) => `${quoted(a!)} n'est pas autorisé sur ${quoted(b!)}`],
    [/^(.+) must be defined\.$/, (what) => `${term(what!)} : à renseigner.`],
    [/^Must be (.+)\.$/, (rule) => `Doit être ${mustBe(rule!)}.`],
  ];
  for (const [pattern, render] of rules) {
    const m = pattern.exec(message);
    if (m) return render(...m.slice(1).map((g) => g ?? ""));
  }
  return message;
}

function mustBe(rule: string): string {
  return rule
    .replace("an expression, an ISO 8601 repeating interval, or a cron expression", "une expression, un intervalle répété ISO 8601 ou une expression cron")
    .replace("an expression, or an ISO 8601 interval", "une expression ou une durée ISO 8601")
    .replace("an expression, or an ISO 8601 date", "une expression ou une date ISO 8601")
    .replace("an ISO 8601 date", "une date ISO 8601")
    .replace("an expression, or an integer between 0 and 100", "une expression ou un entier de 0 à 100")
    .replace("a valid variable name", "un nom de variable valide")
    .replace("unique", "unique")
    .replace("checked", "coché")
    .replace("(cron only supported by Camunda 8.1 or newer)", "(cron à partir de Camunda 8.1)");
}
