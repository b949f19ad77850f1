/**
 * A dossier type as an administrator configures it: names, reference pattern, fields, party roles,
 * expected document types, child types, states and transitions, deadlines and the process
 * catalogue. `checkDefinition` lists every problem of a definition (the 400 of PUT
 * /api/dossier-types/{id}); the registry (types.ts) stores definitions as immutable versions.
 */
import { feelSyntaxError } from "../engine/feel.js";
import type { FieldProblem } from "./errors.js";

export interface Label {
  fr: string;
  en: string;
}

export const FIELD_TYPES = ["text", "longText", "number", "amount", "date", "boolean", "choice", "multiChoice", "email", "phone", "party", "document"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface FieldDefinition {
  id: string;
  label: Label;
  type: FieldType;
  options?: Array<{ value: string; label: Label }>;
  /** amount: the currency when a plain number is given (ISO 4217, default EUR). */
  currency?: string;
  required?: boolean;
  /** Required before the dossier may enter these states. */
  requiredInStates?: string[];
  help?: Label;
  /** Longest text accepted (text, longText); defaults 500 / 20,000. */
  maxLength?: number;
}

export interface PartyRole {
  id: string;
  label: Label;
  required?: boolean;
  multiple?: boolean;
}

export interface StateDefinition {
  id: string;
  label: Label;
  initial?: boolean;
  final?: boolean;
  /**
   * Closing behaviour: what happens to the dossier's running processes when it enters this state
   * ('cancel': cancelled in the same transaction; 'keep', the default: they go on).
   */
  processes?: "cancel" | "keep";
  /** Entering this state archives the dossier (its documents and fields become read-only records). */
  archive?: boolean;
}

export interface Transition {
  from: string;
  to: string;
  /** Role ids allowed to make it (administrator always may); none = every role with dossiers.write. */
  roles?: string[];
  label?: Label;
}

export interface DeadlineDefinition {
  id: string;
  /** A date field of the type. */
  field: string;
  label: Label;
  /** Reminders N days before the date (a `deadline.reached` event with daysBefore = N, and 0 on the day). */
  remindDaysBefore?: number[];
}

export interface CatalogueAction {
  id: string;
  label: Label;
  processId: string;
  /**
   * An on-demand activity of the case `processId` (an element of its ad-hoc sub-process): opened
   * in the dossier's running instance of that case, which is started first (with
   * `initialActions = [activity]`) when none runs.
   */
  activity?: string;
  /** FEEL on `state`, `data`, `type`, `reference` (e.g. `=state = "client"`); none = always. */
  condition?: string;
  roles?: string[];
  /** May it run several times at once in the same dossier? */
  concurrent?: boolean;
  /** The start variables a caller may give (POST …/actions/{id} `variables`), with their defaults; others are refused. */
  variables?: Record<string, unknown>;
}

export interface CatalogueReaction {
  on: "state.changed" | "document.received" | "deadline.reached" | "mail.received" | "dossier.created";
  /** state.changed: only into this state. */
  to?: string;
  /** document.received: only for this document type. */
  documentType?: string;
  /** deadline.reached: only this deadline. */
  deadline?: string;
  /** deadline.reached: only the reminder this many days before (0 = the day itself). */
  daysBefore?: number;
  /** Start this process (linked to the dossier). */
  start?: string;
  /** Or publish this BPMN message to the dossier's processes, correlation key = the dossier reference. */
  publish?: string;
}

export interface Catalogue {
  opening?: { processId: string };
  actions?: CatalogueAction[];
  reactions?: CatalogueReaction[];
}

export interface TypeDefinition {
  id: string;
  name: Label;
  referencePattern: string;
  defaultSector?: string;
  fields: FieldDefinition[];
  partyRoles: PartyRole[];
  documentTypes: Array<{ id: string; label: Label }>;
  childTypes: string[];
  states: StateDefinition[];
  transitions: Transition[];
  deadlines: DeadlineDefinition[];
  catalogue: Catalogue;
}

export interface StoredType extends TypeDefinition {
  version: number;
}

const ID = /^[a-z][a-z0-9_-]{0,63}$/i;
const PATTERN_TOKEN = /\{(YYYY|YY|MM|0+)\}/g;

export function label(l: Label | undefined, lang: string): string {
  if (!l) return "";
  return (lang === "en" ? l.en : l.fr) || l.fr || l.en || "";
}

/** A label needs its French text; the English one may be missing or empty (the French is shown instead). */
function isLabel(v: unknown): v is Label {
  return !!v && typeof v === "object" && typeof (v as Label).fr === "string" && (v as Label).fr.trim() !== "" && ((v as Label).en === undefined || typeof (v as Label).en === "string");
}

/** Every problem of a definition, with paths such as `fields[2].type`. */
export function checkDefinition(raw: unknown, typeId: string): { definition?: TypeDefinition; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const p = (field: string, message: string) => problems.push({ field, message });
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return { problems: [{ field: "", message: "expected a JSON object describing the type" }] };
  const d = raw as Record<string, any>;
  if (!ID.test(typeId)) p("id", `expected letters, digits, '-' or '_' (at most 64, starting with a letter), but found '${typeId}'`);
  if (d["id"] !== undefined && d["id"] !== typeId) p("id", `expected '${typeId}' (the id in the path), but found '${String(d["id"])}'`);
  if (!isLabel(d["name"])) p("name", "expected {fr, en} with a French name");
  const pattern = d["referencePattern"];
  if (typeof pattern !== "string" || !/\{0+\}/.test(pattern) || pattern.replace(PATTERN_TOKEN, "").length > 32 || /[^A-Za-z0-9{}\-_]/.test(pattern.replace(PATTERN_TOKEN, ""))) {
    p("referencePattern", `expected a pattern with a sequence such as 'CLI-{YYYY}-{00000}' (tokens {YYYY} {YY} {MM} {000…}; letters, digits, - and _: references go into URLs and file names), but found ${JSON.stringify(pattern)}`);
  }
  const list = (name: string) => {
    const v = d[name] ?? [];
    if (!Array.isArray(v)) {
      p(name, "expected a list");
      return [];
    }
    return v as Array<Record<string, any>>;
  };
  const uniqueIds = (name: string, items: Array<Record<string, any>>) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (typeof item?.["id"] !== "string" || !ID.test(item["id"])) p(`${name}[${i}].id`, `expected an id (letters, digits, - _), but found ${JSON.stringify(item?.["id"])}`);
      else if (seen.has(item["id"])) p(`${name}[${i}].id`, `expected unique ids, but '${item["id"]}' appears twice`);
      else seen.add(item["id"]);
      if (!isLabel(item?.["label"])) p(`${name}[${i}].label`, "expected {fr, en} with a French label");
    });
    return seen;
  };
  const fields = list("fields");
  const fieldIds = uniqueIds("fields", fields);
  const states = list("states");
  const stateIds = uniqueIds("states", states);
  states.forEach((s, i) => {
    if (s["processes"] !== undefined && s["processes"] !== "cancel" && s["processes"] !== "keep") p(`states[${i}].processes`, `expected 'cancel' or 'keep' (what happens to running processes on entering it), but found ${JSON.stringify(s["processes"])}`);
    if (s["archive"] !== undefined && typeof s["archive"] !== "boolean") p(`states[${i}].archive`, `expected true or false, but found ${JSON.stringify(s["archive"])}`);
    if (s["archive"] === true && s["final"] !== true) p(`states[${i}].archive`, "expected an archiving state to be final (a closed dossier is archived)");
  });
  if (states.length === 0) p("states", "expected at least one state");
  else if (states.filter((s) => s["initial"] === true).length !== 1) p("states", `expected exactly one initial state, but found ${states.filter((s) => s["initial"] === true).length}`);
  if (d["defaultSector"] !== undefined && d["defaultSector"] !== null && (typeof d["defaultSector"] !== "string" || d["defaultSector"] === "" || d["defaultSector"].length > 256)) {
    p("defaultSector", `expected a sector (group id), but found ${JSON.stringify(d["defaultSector"])?.slice(0, 80)}`);
  }
  fields.forEach((f, i) => {
    if (f["maxLength"] !== undefined && !(Number.isInteger(f["maxLength"]) && f["maxLength"] >= 1 && f["maxLength"] <= 100_000)) p(`fields[${i}].maxLength`, `expected a whole number of characters from 1 to 100,000, but found ${JSON.stringify(f["maxLength"])}`);
    if (!(FIELD_TYPES as readonly string[]).includes(f["type"])) p(`fields[${i}].type`, `expected one of ${FIELD_TYPES.join(", ")}, but found ${JSON.stringify(f["type"])}`);
    if ((f["type"] === "choice" || f["type"] === "multiChoice") && (!Array.isArray(f["options"]) || f["options"].length === 0 || f["options"].some((o: any) => typeof o?.value !== "string" || !isLabel(o?.label)))) {
      p(`fields[${i}].options`, "expected a non-empty list of {value, label: {fr, en}}");
    }
    for (const s of f["requiredInStates"] ?? []) if (!stateIds.has(s)) p(`fields[${i}].requiredInStates`, `expected states of this type, but found '${s}'`);
    if (f["currency"] !== undefined && !/^[A-Z]{3}$/.test(f["currency"])) p(`fields[${i}].currency`, `expected an ISO 4217 code such as EUR, but found ${JSON.stringify(f["currency"])}`);
  });
  uniqueIds("partyRoles", list("partyRoles"));
  uniqueIds("documentTypes", list("documentTypes"));
  const childTypes = d["childTypes"] ?? [];
  if (!Array.isArray(childTypes) || childTypes.some((c: unknown) => typeof c !== "string" || !ID.test(c))) p("childTypes", "expected a list of type ids");
  list("transitions").forEach((t, i) => {
    if (!stateIds.has(t["from"]) && t["from"] !== "*") p(`transitions[${i}].from`, `expected a state of this type (or '*'), but found ${JSON.stringify(t["from"])}`);
    if (!stateIds.has(t["to"])) p(`transitions[${i}].to`, `expected a state of this type, but found ${JSON.stringify(t["to"])}`);
    if (t["roles"] !== undefined && (!Array.isArray(t["roles"]) || t["roles"].some((r: unknown) => typeof r !== "string"))) p(`transitions[${i}].roles`, "expected a list of role ids");
  });
  const deadlines = list("deadlines");
  uniqueIds("deadlines", deadlines);
  deadlines.forEach((dl, i) => {
    const field = fields.find((f) => f["id"] === dl["field"]);
    if (!field || field["type"] !== "date") p(`deadlines[${i}].field`, `expected a date field of this type, but found ${JSON.stringify(dl["field"])}`);
    const days = dl["remindDaysBefore"] ?? [];
    if (!Array.isArray(days) || days.some((n: unknown) => !Number.isInteger(n) || (n as number) < 0 || (n as number) > 3650)) p(`deadlines[${i}].remindDaysBefore`, "expected whole numbers of days from 0 to 3650");
  });
  const catalogue = d["catalogue"] ?? {};
  if (typeof catalogue !== "object" || Array.isArray(catalogue)) p("catalogue", "expected an object {opening, actions, reactions}");
  else {
    if (catalogue.opening !== undefined && typeof catalogue.opening?.processId !== "string") p("catalogue.opening.processId", "expected a process id");
    const actions = Array.isArray(catalogue.actions) ? catalogue.actions : catalogue.actions === undefined ? [] : (p("catalogue.actions", "expected a list"), []);
    uniqueIds("catalogue.actions", actions);
    actions.forEach((a: any, i: number) => {
      if (typeof a?.processId !== "string" || a.processId === "") p(`catalogue.actions[${i}].processId`, "expected a process id");
      if (a?.variables !== undefined && (typeof a.variables !== "object" || a.variables === null || Array.isArray(a.variables))) p(`catalogue.actions[${i}].variables`, "expected an object of default variables");
      if (a?.activity !== undefined && (typeof a.activity !== "string" || a.activity === "")) p(`catalogue.actions[${i}].activity`, "expected the id of an activity of the case's ad-hoc sub-process");
      if (a?.condition !== undefined) {
        const text = typeof a.condition === "string" ? a.condition.replace(/^=/, "") : null;
        const error = text === null ? "expected a FEEL expression as a string" : feelSyntaxError(text);
        if (error) p(`catalogue.actions[${i}].condition`, error);
      }
    });
    const reactions = Array.isArray(catalogue.reactions) ? catalogue.reactions : catalogue.reactions === undefined ? [] : (p("catalogue.reactions", "expected a list"), []);
    reactions.forEach((r: any, i: number) => {
      if (!["state.changed", "document.received", "deadline.reached", "mail.received", "dossier.created"].includes(r?.on)) p(`catalogue.reactions[${i}].on`, `expected state.changed, document.received, deadline.reached, mail.received or dossier.created, but found ${JSON.stringify(r?.on)}`);
      if ((r?.start === undefined) === (r?.publish === undefined)) p(`catalogue.reactions[${i}]`, "expected exactly one of 'start' (a process id) or 'publish' (a message name)");
      if (r?.to !== undefined && !stateIds.has(r.to)) p(`catalogue.reactions[${i}].to`, `expected a state of this type, but found ${JSON.stringify(r.to)}`);
    });
  }
  if (problems.length > 0) return { problems };
  void fieldIds;
  const definition: TypeDefinition = {
    id: typeId, name: d["name"], referencePattern: pattern, ...(typeof d["defaultSector"] === "string" ? { defaultSector: d["defaultSector"] } : {}),
    fields, partyRoles: list("partyRoles"), documentTypes: list("documentTypes"), childTypes, states, transitions: list("transitions"),
    deadlines, catalogue: { ...(catalogue.opening ? { opening: catalogue.opening } : {}), actions: catalogue.actions ?? [], reactions: catalogue.reactions ?? [] },
  } as TypeDefinition;
  return { definition, problems };
}

/** The shape of the references a pattern makes ('CLI-####-#####'): two types of one shape could make the same reference. */
export function referenceShape(pattern: string): string {
  return pattern.replace(/\{YYYY\}/g, "####").replace(/\{(YY|MM)\}/g, "##").replace(/\{(0+)\}/g, (_m, zeros: string) => "#".repeat(zeros.length));
}

export interface TypeUsage {
  states: Map<string, number>;
  fields: Map<string, number>;
  /** Dossiers per `field=value` of the choice fields. */
  options: Map<string, number>;
  /** Dossiers with a party in the role. */
  roles: Map<string, number>;
}

/** What a new version may not do to the dossiers that already exist (their data and states stay valid). */
export function checkEvolution(previous: TypeDefinition, next: TypeDefinition, usage: TypeUsage): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const f of previous.fields.filter((x) => x.type === "choice" || x.type === "multiChoice")) {
    const n = next.fields.find((x) => x.id === f.id);
    if (!n || n.type !== f.type) continue;
    for (const o of f.options ?? []) {
      const used = usage.options.get(`${f.id}=${o.value}`) ?? 0;
      if (used > 0 && !(n.options ?? []).some((x) => x.value === o.value)) problems.push({ field: `fields.${f.id}.options`, message: `expected the option '${o.value}' to stay: ${used} dossier(s) hold it` });
    }
  }
  for (const r of previous.partyRoles) {
    const used = usage.roles.get(r.id) ?? 0;
    if (used > 0 && !next.partyRoles.some((x) => x.id === r.id)) problems.push({ field: "partyRoles", message: `expected the party role '${r.id}' to stay: ${used} dossier(s) have a party in it` });
  }
  for (const s of previous.states) {
    if (!next.states.some((n) => n.id === s.id) && (usage.states.get(s.id) ?? 0) > 0) {
      problems.push({ field: "states", message: `expected state '${s.id}' to stay: ${usage.states.get(s.id)} dossier(s) are in it` });
    }
  }
  for (const f of previous.fields) {
    const n = next.fields.find((x) => x.id === f.id);
    const used = usage.fields.get(f.id) ?? 0;
    if (!n && used > 0) problems.push({ field: "fields", message: `expected field '${f.id}' to stay: ${used} dossier(s) hold a value for it` });
    else if (n && n.type !== f.type && used > 0) problems.push({ field: `fields.${f.id}.type`, message: `expected '${f.type}' (as before): ${used} dossier(s) hold a value for it, which would no longer be valid as '${n.type}'` });
  }
  return problems;
}
