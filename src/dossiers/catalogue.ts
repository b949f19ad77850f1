/**
 * The process catalogue of a dossier type: the opening process, the actions an agent starts from
 * the dossier (availability in FEEL on its state and data, roles, one or several at once), and the
 * reactions to dossier events (start a process, or publish a BPMN message to the dossier's
 * processes with the reference as correlation key). A process started for a dossier carries
 * `dossierRef` and `dossier` as variables and a dossier_process link row, in the same transaction.
 */
import type Database from "better-sqlite3";
import type { Engine, EngineTransaction } from "../engine/engine.js";
import { compileExpression } from "../engine/feel.js";
import type { Principal } from "../identity/identity.js";
import { DossierError } from "./errors.js";
import type { DossierEvent, DossierEvents } from "./events.js";
import type { Journal } from "./journal.js";
import type { PartyDirectory } from "./party-directory.js";
import type { DossierRow } from "./rows.js";
import { label, type CatalogueAction, type CatalogueReaction, type StoredType } from "./type-definition.js";
import type { TypeRegistry } from "./types.js";
import { statement } from "../persistence/statements.js";

/** The variable names a process started from a dossier receives (documented in docs/dossiers.md). */
export const DOSSIER_REF_VARIABLE = "dossierRef";
export const DOSSIER_VARIABLE = "dossier";

/** `dossier.customer` of a process's variables. */
export interface ProcessCustomer {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
}

export interface ActionView {
  id: string;
  label: string;
  processId: string;
  available: boolean;
  reason?: string;
}

export class Catalogue {
  private readonly link: Database.Statement;
  private readonly running: Database.Statement;
  private readonly runningCase: Database.Statement;
  private readonly openActivity: Database.Statement;
  private readonly conditions = new Map<string, ReturnType<typeof compileExpression>>();

  constructor(
    private readonly deps: { db: Database.Database; engine: Engine; types: TypeRegistry; journal: Journal; parties: PartyDirectory; events: DossierEvents },
  ) {
    this.link = statement(deps.db, `INSERT INTO dossier_process (process_instance_key, dossier_id, kind, action_id, bpmn_process_id, started_at, started_by) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    this.running = statement(deps.db, 
      `SELECT COUNT(*) AS n FROM dossier_process dp JOIN process_instance pi ON pi.key = dp.process_instance_key WHERE dp.dossier_id = ? AND dp.action_id = ? AND pi.state = 'ACTIVE'`,
    );
    this.runningCase = statement(deps.db, 
      `SELECT dp.process_instance_key AS key FROM dossier_process dp JOIN process_instance pi ON pi.key = dp.process_instance_key WHERE dp.dossier_id = ? AND dp.bpmn_process_id = ? AND pi.state = 'ACTIVE' ORDER BY dp.started_at DESC LIMIT 1`,
    );
    this.openActivity = statement(deps.db, 
      `SELECT COUNT(*) AS n FROM element_instance WHERE process_instance_key = ? AND element_id = ? AND state NOT IN ('COMPLETED', 'TERMINATED')`,
    );
    deps.events.on((event, tx) => this.react(event, tx));
  }

  /** What a process sees of its dossier. */
  variablesFor(dossier: DossierRow, known?: ProcessCustomer | null): Record<string, unknown> {
    // The main party (customer, else candidate, else the first) with its first e-mail and phone (E.164, what an SMS gateway takes).
    const customer = known !== undefined ? known ?? undefined : statement(
      this.deps.db,
      `SELECT p.id, p.name, (SELECT e.email FROM party_email e WHERE e.party_id = p.id ORDER BY e.rowid LIMIT 1) AS email,
              (SELECT t.e164 FROM party_phone t WHERE t.party_id = p.id ORDER BY t.rowid LIMIT 1) AS phone
       FROM dossier_party dp JOIN party p ON p.id = dp.party_id WHERE dp.dossier_id = ?
       ORDER BY CASE dp.role WHEN 'customer' THEN 0 WHEN 'candidate' THEN 1 ELSE 2 END, dp.added_at LIMIT 1`,
    ).get(dossier.id) as { id: number; name: string; email: string | null; phone: string | null } | undefined;
    return {
      [DOSSIER_REF_VARIABLE]: dossier.reference,
      [DOSSIER_VARIABLE]: {
        reference: dossier.reference, type: dossier.typeId, title: dossier.title, state: dossier.state, data: dossier.data, tags: dossier.tags,
        customer: customer ? { id: customer.id, name: customer.name, email: customer.email, phone: customer.phone } : null,
      },
    };
  }

  /** Starts a process for the dossier inside the caller's transaction; returns its key. */
  start(tx: EngineTransaction, dossier: DossierRow, processId: string, how: { kind: "opening" | "action" | "reaction"; actionId: string | null; actor: string | null; variables?: Record<string, unknown>; customer?: ProcessCustomer | null }): number {
    const created = tx.createInstance({ bpmnProcessId: processId, variables: { ...(how.variables ?? {}), ...this.variablesFor(dossier, how.customer) } });
    this.link.run(created.processInstanceKey, dossier.id, how.kind, how.actionId, processId, tx.now, how.actor);
    const name = this.deps.engine.definitions.byKey(created.processDefinitionKey)?.process.name ?? processId;
    this.deps.journal.append({
      dossierId: dossier.id, at: tx.now, actor: how.actor, action: "process.started",
      summary: `Processus « ${name} » démarré (${how.kind === "opening" ? "ouverture" : how.kind === "action" ? `action ${how.actionId}` : "réaction"})`,
      after: { processInstanceKey: String(created.processInstanceKey), bpmnProcessId: processId, version: created.version, kind: how.kind, actionId: how.actionId },
    });
    return created.processInstanceKey;
  }

  private condition(source: string) {
    let compiled = this.conditions.get(source);
    if (!compiled) {
      compiled = compileExpression(source.startsWith("=") ? source : `=${source}`);
      this.conditions.set(source, compiled);
    }
    return compiled;
  }

  /** Each action of the type with whether this principal may start it now, and why not. */
  actions(principal: Principal | null, dossier: DossierRow, type: StoredType, lang = "fr"): ActionView[] {
    return (type.catalogue.actions ?? []).map((a) => {
      const reason = this.unavailable(principal, dossier, a, lang);
      return { id: a.id, label: label(a.label, lang), processId: a.processId, available: reason === null, ...(reason ? { reason } : {}) };
    });
  }

  private unavailable(principal: Principal | null, dossier: DossierRow, a: CatalogueAction, lang: string): string | null {
    const en = lang === "en";
    if (principal && !principal.permissions.has("dossiers.write")) return en ? "You may not change dossiers" : "Vous ne pouvez pas modifier de dossiers";
    const roles = principal?.roles ?? ["administrator"];
    if (a.roles && a.roles.length > 0 && !roles.includes("administrator") && !a.roles.some((r) => roles.includes(r))) {
      return en ? `Reserved to: ${a.roles.join(", ")}` : `Réservé à : ${a.roles.join(", ")}`;
    }
    if (!this.deps.engine.definitions.latest(a.processId)) return en ? `Process '${a.processId}' is not deployed` : `Le processus '${a.processId}' n'est pas déployé`;
    if (a.condition) {
      const result = this.condition(a.condition).evaluate({ state: dossier.state, data: dossier.data, type: dossier.typeId, reference: dossier.reference, tags: dossier.tags });
      if (!result.ok) return en ? `Condition cannot be evaluated: ${result.message}` : `Condition non évaluable : ${result.message}`;
      if (result.value !== true) return en ? `Not available in this state (${a.condition})` : `Indisponible dans cet état (${a.condition})`;
    }
    if (!a.concurrent) {
      const busy = a.activity ? this.activityOpen(dossier, a) : (this.running.get(dossier.id, a.id) as { n: number }).n > 0;
      if (busy) return en ? "Already in progress" : "Déjà en cours";
    }
    return null;
  }

  private activityOpen(dossier: DossierRow, a: CatalogueAction): boolean {
    const found = this.runningCase.get(dossier.id, a.processId) as { key: number } | undefined;
    return !!found && (this.openActivity.get(found.key, a.activity) as { n: number }).n > 0;
  }

  /** Starts an action: re-checked inside the transaction (two clicks never start a non-concurrent action twice). */
  startAction(principal: Principal | null, dossier: DossierRow, type: StoredType, actionId: string, variables: Record<string, unknown> = {}): Promise<number> {
    const action = (type.catalogue.actions ?? []).find((a) => a.id === actionId);
    if (!action) throw new DossierError("NOT_FOUND", `Expected an action of '${type.id}' (${(type.catalogue.actions ?? []).map((a) => a.id).join(", ") || "none"}), but found '${actionId}'`);
    // Callers may only set the variables the action declares (with their defaults): anything else
    // could steer the process's own steps (a dossier.update's state, note or documents).
    const declared = Object.keys(action.variables ?? {});
    const unknown = Object.keys(variables).filter((name) => !declared.includes(name));
    if (unknown.length) {
      throw new DossierError("INVALID_ARGUMENT", `Expected only the variables the action '${actionId}' declares (${declared.join(", ") || "none"}), but found ${unknown.map((n) => `'${n}'`).join(", ")}`);
    }
    variables = { ...(action.variables ?? {}), ...variables };
    return this.deps.engine.transaction((tx) => {
      const reason = this.unavailable(principal, dossier, action, "en");
      if (reason) throw new DossierError("INVALID_STATE", `Expected the action '${actionId}' to be available for ${dossier.reference}, but: ${reason}`);
      const actor = principal?.username ?? null;
      const key = action.activity ? this.openInCase(tx, dossier, action, actor, variables) : this.start(tx, dossier, action.processId, { kind: "action", actionId, actor, variables });
      statement(this.deps.db, `UPDATE dossier SET updated_at = ? WHERE id = ?`).run(tx.now, dossier.id);
      return key;
    });
  }

  /** Opens the action's activity in the dossier's running case, starting the case when none runs. */
  private openInCase(tx: EngineTransaction, dossier: DossierRow, action: CatalogueAction, actor: string | null, variables: Record<string, unknown>): number {
    const running = this.runningCase.get(dossier.id, action.processId) as { key: number } | undefined;
    if (!running) {
      return this.start(tx, dossier, action.processId, { kind: "action", actionId: action.id, actor, variables: { ...variables, initialActions: [action.activity] } });
    }
    const adHoc = this.deps.engine.activeElements(running.key).filter((e) => e.elementType === "AD_HOC_SUB_PROCESS");
    if (adHoc.length !== 1) {
      throw new DossierError("INVALID_STATE", `Expected the case ${action.processId} (instance ${running.key}) of ${dossier.reference} to have one open ad-hoc sub-process, but found ${adHoc.length}`);
    }
    tx.activateAdHocElements(adHoc[0]!.key, { elements: [{ elementId: action.activity!, variables }] });
    this.deps.journal.append({
      dossierId: dossier.id, at: tx.now, actor, action: "action.started", summary: `Action « ${label(action.label, "fr")} » ouverte dans le cas ${action.processId}`,
      after: { actionId: action.id, activity: action.activity, processInstanceKey: String(running.key) },
    });
    return running.key;
  }

  /** Reactions of the dossier's type to an event, inside the event's transaction. */
  private react(event: DossierEvent, tx: EngineTransaction): void {
    const type = this.deps.types.get(event.dossier.typeId);
    for (const r of type?.catalogue.reactions ?? []) {
      if (!matches(r, event)) continue;
      if (r.start) this.start(tx, event.dossier, r.start, { kind: "reaction", actionId: null, actor: "actor" in event ? event.actor : null });
      if (r.publish) {
        const published = tx.publishMessage({ name: r.publish, correlationKey: event.dossier.reference, variables: { dossierEvent: eventVariables(event) } });
        this.deps.journal.append({
          dossierId: event.dossier.id, at: tx.now, actor: null, action: "message.published",
          summary: `Message « ${r.publish} » publié (${event.type})`, after: { message: r.publish, messageKey: String(published.messageKey), correlations: published.correlations.length },
        });
      }
    }
  }
}

function matches(r: CatalogueReaction, e: DossierEvent): boolean {
  if (r.on !== e.type) return false;
  if (e.type === "state.changed" && r.to !== undefined && r.to !== e.to) return false;
  if (e.type === "document.received" && r.documentType !== undefined && r.documentType !== e.documentType) return false;
  if (e.type === "deadline.reached" && r.deadline !== undefined && r.deadline !== e.deadlineId) return false;
  if (e.type === "deadline.reached" && r.daysBefore !== undefined && r.daysBefore !== e.daysBefore) return false;
  return true;
}

function eventVariables(e: DossierEvent): Record<string, unknown> {
  switch (e.type) {
    case "state.changed":
      return { type: e.type, from: e.from, to: e.to };
    case "document.received":
      return { type: e.type, documentId: e.documentId, documentType: e.documentType };
    case "deadline.reached":
      return { type: e.type, deadline: e.deadlineId, dueDate: e.dueDate, daysBefore: e.daysBefore };
    case "mail.received":
      return { type: e.type, messageId: e.messageId };
    case "dossier.created":
      return { type: e.type };
  }
}
