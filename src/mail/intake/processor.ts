/**
 * The intake of one mail, exactly once. Order ("files before rows"):
 *
 *   1. already recorded under its source key (mailbox+UIDVALIDITY+UID, or the file's SHA-256)? done.
 *   2. the raw .eml made durable in the content-addressed store; parsed; each attachment checked by
 *      content and stored (outside any transaction; a refused one is named, not fatal);
 *   3. ONE engine transaction: the source key and the Message-ID checked again inside the write
 *      lane, the route chosen (threading, then rules), its effects applied (dossier opened, party
 *      found or created, documents, journal, process started or message published, bounce marked)
 *      and the `mail_inbound` row written. Either all of it commits or nothing does;
 *   4. a route that fails (an unknown dossier, a rule action refused) rolls back and the mail is
 *      recorded in quarantine instead, with the reason, in a second transaction.
 *
 * The server-side flag or move (IMAP) and the file move (drop folder) happen after the commit, and
 * `server_done` records them; on start, what is recorded but not done is done again (idempotent).
 */
import type Database from "better-sqlite3";
import type { EngineTransaction } from "../../engine/engine.js";
import type { Domain } from "../../dossiers/domain.js";
import { DossierError } from "../../dossiers/errors.js";
import { dossierById, toDossier, type DossierRow } from "../../dossiers/rows.js";
import type { PreparedUpload } from "../../documents/library.js";
import { writeTemp } from "../../documents/temp-file.js";
import { label } from "../../dossiers/type-definition.js";
import { compileExpression } from "../../engine/feel.js";
import { statement } from "../../persistence/statements.js";
import type { SentMailLedger } from "../api.js";
import type { FaultPoint } from "./config.js";
import { excerptOf, MailParseError, readMail, type ReadMail } from "./parse.js";
import { capture, describeAction, fill, matches, type MailFacts, type Rule, type RuleAction } from "./rules.js";
import { IntakeStore, type InboundRow } from "./store.js";

export type MailSource = "imap" | "drop" | "upload";
export type Consume = "attachments" | "eml" | "both";

export interface Incoming {
  source: MailSource;
  sourceKey: string;
  raw: Buffer;
  mailboxId?: number | null;
  uidValidity?: string | null;
  uid?: number | null;
  consume?: Consume;
  /** An agent's upload onto a dossier: attached there, whatever the mail says. */
  dossierId?: number | null;
  actor?: string | null;
}

export interface IngestResult {
  id: number;
  status: InboundRow["status"];
  dossierId: number | null;
  /** The source key (or the Message-ID) was already recorded: nothing new happened. */
  duplicate: boolean;
  reason: string | null;
}

/** Where a mail goes, decided without side effects (the dry run shows it). */
export type Plan =
  | { kind: "ignore"; reason: string }
  | { kind: "bounce"; outbound: { id: number; dossierId: number | null }; reason: string; recipient: string | null }
  | { kind: "thread"; dossier: DossierRow; via: string }
  | { kind: "rules"; rules: Array<{ rule: Rule; actions: RuleAction[] }> }
  | { kind: "quarantine"; reason: string };

/** Raised inside the transaction when a route cannot be applied: rolls back, then quarantines. */
export class RouteError extends Error {}

interface Staged {
  raw: { sha256: string; size: number };
  /** The .eml as a document (when consumed and accepted). */
  eml: PreparedUpload | null;
  files: Array<{ upload: PreparedUpload; filename: string }>;
  skipped: Array<{ filename: string; reason: string }>;
}

const REFERENCE_IN_SUBJECT = /\[([A-Za-z0-9]+(?:-[A-Za-z0-9]+)+)\]/g;
/** How long a `mail-received` message waits for a process that is not yet at its catch event, ms. */
export const MESSAGE_TTL_MS = 60 * 60 * 1000;

export interface ProcessorOptions {
  db: Database.Database;
  domain: Domain;
  sent: SentMailLedger;
  store: IntakeStore;
  maxBytes: number;
  log: (m: string) => void;
  fault?: (point: FaultPoint) => void;
  /** Who may feed a dossier by its reference alone (IntakeConfig.threadSenders); `parties` when not given. */
  threadSenders?: "parties" | "anyone";
}

export class MailProcessor {
  private readonly db: Database.Database;
  private readonly domain: Domain;

  constructor(private readonly o: ProcessorOptions) {
    this.db = o.db;
    this.domain = o.domain;
  }

  /** Takes one mail in (see the file's comment); never throws for a bad mail (it is quarantined). */
  async ingest(incoming: Incoming): Promise<IngestResult> {
    const known = this.o.store.bySourceKey(incoming.sourceKey);
    if (known) return { id: known.id, status: known.status, dossierId: known.dossierId, duplicate: true, reason: known.reason };
    this.o.fault?.("before-transaction");
    let mail: ReadMail | null = null;
    let failure: string | null = null;
    if (incoming.raw.length > this.o.maxBytes) failure = `Expected a mail of at most ${this.o.maxBytes} bytes (MAIL_MAX_BYTES), but this one has ${incoming.raw.length} bytes`;
    else {
      try {
        mail = await readMail(incoming.raw);
      } catch (error) {
        if (!(error instanceof MailParseError)) throw error;
        failure = error.message;
      }
    }
    let staged: Staged | undefined;
    try {
      // The original is kept in every case: as the .eml document when it is consumed (one file), else on its own.
      staged = mail && !mail.autoReply && !mail.bounce ? await this.stage(mail, incoming, null) : { raw: await this.keepRaw(incoming.raw), eml: null, files: [], skipped: [] };
      return await this.record(incoming, mail, staged, failure);
    } finally {
      if (staged) this.release(staged);
    }
  }

  /** Runs a quarantined mail through the routing again (retry), or onto a dossier chosen by hand. */
  async reprocess(id: number, actor: string, dossierId?: number): Promise<IngestResult> {
    const row = this.o.store.get(id);
    if (!row) throw new DossierError("NOT_FOUND", `Expected a received mail ${id}, but there is none`);
    if (row.status !== "quarantined") throw new DossierError("INVALID_STATE", `Expected a mail in quarantine, but mail ${id} is ${row.status}`);
    if (!row.rawSha256) throw new DossierError("INVALID_STATE", `Expected the original of mail ${id} to be kept, but it was too large to be taken from the server: raise MAIL_MAX_BYTES and take it again`);
    const raw = await this.readRaw(row.rawSha256);
    let mail: ReadMail;
    try {
      mail = await readMail(raw);
    } catch (error) {
      throw new DossierError("INVALID_ARGUMENT", (error as Error).message);
    }
    const incoming: Incoming = { source: row.source, sourceKey: row.sourceKey, raw, consume: "both", dossierId: dossierId ?? null, actor };
    if (dossierId !== undefined && !dossierById(this.db, dossierId)) throw new DossierError("NOT_FOUND", `Expected a dossier ${dossierId}, but there is none`);
    const staged = await this.stage(mail, incoming, { sha256: row.rawSha256, size: raw.length });
    try {
      return await this.domain.engine.transaction((tx) => {
        const now = this.o.store.get(id)!;
        if (now.status !== "quarantined") throw new DossierError("INVALID_STATE", `Expected a mail in quarantine, but mail ${id} is ${now.status} (handled meanwhile)`);
        const plan = this.plan(mail, incoming, id);
        if (plan.kind === "quarantine") throw new DossierError("INVALID_STATE", `Expected a route for mail ${id}, but still: ${plan.reason}`);
        const out = this.apply(tx, plan, mail, incoming, staged, id);
        this.o.store.resolve(id, { status: out.status, dossierId: out.dossierId, ruleId: out.ruleId, outcome: out.outcome, reason: out.reason, handledBy: actor, at: tx.now });
        return { id, status: out.status, dossierId: out.dossierId, duplicate: false, reason: out.reason };
      });
    } catch (error) {
      if (error instanceof RouteError) throw new DossierError("INVALID_STATE", error.message);
      throw error;
    } finally {
      this.release(staged);
    }
  }

  /** The route of a parsed mail (threading first, then rules), without side effects. */
  plan(mail: ReadMail, incoming: Pick<Incoming, "source" | "dossierId">, selfId?: number): Plan {
    if (incoming.dossierId) {
      const d = dossierById(this.db, incoming.dossierId);
      if (d) return { kind: "thread", dossier: d, via: "manual" };
    }
    if (mail.autoReply) return { kind: "ignore", reason: `Réponse automatique (${mail.autoReply}) : ni dossier ni message` };
    if (mail.bounce) {
      const outbound = mail.bounce.originalMessageId ? this.sentMail(mail.bounce.originalMessageId) : undefined;
      if (outbound) return { kind: "bounce", outbound, reason: mail.bounce.reason, recipient: mail.bounce.recipient };
      return { kind: "quarantine", reason: mail.bounce.originalMessageId ? `Avis de non-distribution d'un mail que Dossier n'a pas envoyé (${mail.bounce.originalMessageId})` : "Avis de non-distribution sans l'identifiant du mail d'origine" };
    }
    for (const id of [...mail.inReplyTo, ...[...mail.references].reverse()]) {
      const sent = this.sentMail(id);
      const dossier = sent?.dossierId ? dossierById(this.db, sent.dossierId) : undefined;
      if (dossier) return { kind: "thread", dossier, via: `réponse au mail ${id}` };
      const earlier = this.o.store.dossierOfMessage(id, selfId);
      const d2 = earlier ? dossierById(this.db, earlier) : undefined;
      if (d2) return { kind: "thread", dossier: d2, via: `suite du mail ${id}` };
    }
    const unknown: string[] = [];
    // A reference alone is guessable (references are sequential): it threads the mail only from a party of the dossier.
    const byReference = (d: DossierRow, via: string): Plan =>
      this.senderMayFeed(mail, d) ? { kind: "thread", dossier: d, via }
        : { kind: "quarantine", reason: `L'expéditeur ${mail.from?.address ?? "(inconnu)"} n'est pas un intervenant du dossier ${d.reference} (${via}) : à rattacher à la main si c'est bien lui` };
    for (const m of mail.subject.matchAll(REFERENCE_IN_SUBJECT)) {
      const d = this.byReference(m[1]!);
      if (d) return byReference(d, `référence [${d.reference}] dans le sujet`);
      unknown.push(m[1]!);
    }
    for (const r of mail.recipients) {
      const m = /^[^@+]+\+([^@]+)@/.exec(r);
      if (!m) continue;
      const d = this.byReference(m[1]!);
      if (d) return byReference(d, `adresse ${r}`);
      unknown.push(m[1]!);
    }
    const facts = factsOf(mail, incoming.source);
    const chosen: Array<{ rule: Rule; actions: RuleAction[] }> = [];
    for (const rule of this.o.store.rules().filter((r) => r.enabled)) {
      let ok = false;
      try {
        ok = matches(rule.definition, facts);
      } catch {
        ok = false;
      }
      if (!ok) continue;
      chosen.push({ rule, actions: rule.definition.actions });
      if (rule.stop) break;
    }
    if (chosen.length) return { kind: "rules", rules: chosen };
    return {
      kind: "quarantine",
      reason: unknown.length
        ? `La référence ${unknown.map((u) => `« ${u} »`).join(", ")} ne correspond à aucun dossier, et aucune règle ne s'applique`
        : "Aucun dossier ni aucune règle ne correspond à ce mail",
    };
  }

  /** The sender is an address of a party of the dossier or of its parent (or MAIL_THREAD_SENDERS=anyone). */
  private senderMayFeed(mail: ReadMail, dossier: DossierRow): boolean {
    if (this.o.threadSenders === "anyone") return true;
    const from = mail.from?.address?.toLowerCase();
    if (!from) return false;
    const dossiers = [dossier.id, ...(dossier.parentId ? [dossier.parentId] : [])];
    return dossiers.some((id) => this.domain.service.partiesOf(id).some(({ partyId }) => (this.domain.parties.get(partyId)?.emails ?? []).some((e) => e.toLowerCase() === from)));
  }

  /** A plan in words (the dry run). */
  describe(plan: Plan): string[] {
    switch (plan.kind) {
      case "ignore": return [plan.reason];
      case "bounce": return [`marquer le mail envoyé n° ${plan.outbound.id} comme non distribué (${plan.reason})`, ...(plan.outbound.dossierId ? ["créer une tâche pour le responsable du dossier"] : [])];
      case "thread": return [`rattacher au dossier ${plan.dossier.reference} (${plan.via}) et publier le message mail-received`];
      case "rules": return plan.rules.flatMap((r) => r.actions.map((a) => `${r.rule.name} : ${describeAction(a)}`));
      case "quarantine": return [`quarantaine : ${plan.reason}`];
    }
  }

  // ── inside the transaction ────────────────────────────────────────────────────────────────

  private async record(incoming: Incoming, mail: ReadMail | null, staged: Staged, failure: string | null): Promise<IngestResult> {
    const base = this.baseRow(incoming, mail, staged);
    try {
      return await this.domain.engine.transaction((tx) => {
        const again = this.o.store.bySourceKey(incoming.sourceKey);
        if (again) return { id: again.id, status: again.status, dossierId: again.dossierId, duplicate: true, reason: again.reason };
        this.insertRawBlob(staged, tx.now, mail);
        if (failure || !mail) {
          const id = this.o.store.insert({ ...base, status: "quarantined", reason: failure ?? "Illisible", outcome: {} }, tx.now);
          this.o.fault?.("in-transaction");
          return { id, status: "quarantined" as const, dossierId: null, duplicate: false, reason: failure };
        }
        const twin = mail.messageId ? this.o.store.byMessageId(mail.messageId) : undefined;
        if (twin) {
          const reason = `Déjà reçu (mail n° ${twin.id}, même Message-ID)`;
          const id = this.o.store.insert({ ...base, status: "duplicate", reason, dossierId: twin.dossierId, outcome: { duplicateOf: twin.id } }, tx.now);
          return { id, status: "duplicate" as const, dossierId: twin.dossierId, duplicate: true, reason };
        }
        const id = this.o.store.insert({ ...base, status: "processing", reason: null, outcome: {} }, tx.now);
        this.o.fault?.("in-transaction");
        const plan = this.plan(mail, incoming, id);
        if (plan.kind === "quarantine") {
          this.o.store.resolve(id, { status: "quarantined", dossierId: null, ruleId: null, outcome: { skipped: staged.skipped }, reason: plan.reason, handledBy: null, at: tx.now });
          return { id, status: "quarantined" as const, dossierId: null, duplicate: false, reason: plan.reason };
        }
        const out = this.apply(tx, plan, mail, incoming, staged, id);
        this.o.store.resolve(id, { status: out.status, dossierId: out.dossierId, ruleId: out.ruleId, outcome: out.outcome, reason: out.reason, handledBy: incoming.actor ?? null, at: tx.now });
        return { id, status: out.status, dossierId: out.dossierId, duplicate: false, reason: out.reason };
      });
    } catch (error) {
      if (!(error instanceof RouteError) && !(error instanceof DossierError)) throw error;
      const reason = error.message;
      return this.domain.engine.transaction((tx) => {
        const again = this.o.store.bySourceKey(incoming.sourceKey);
        if (again) return { id: again.id, status: again.status, dossierId: again.dossierId, duplicate: true, reason: again.reason };
        this.insertRawBlob(staged, tx.now, mail);
        const id = this.o.store.insert({ ...base, status: "quarantined", reason, outcome: { skipped: staged.skipped } }, tx.now);
        return { id, status: "quarantined" as const, dossierId: null, duplicate: false, reason };
      });
    }
  }

  private apply(tx: EngineTransaction, plan: Exclude<Plan, { kind: "quarantine" }>, mail: ReadMail, incoming: Incoming, staged: Staged, inboundId: number) {
    const actor = incoming.actor ?? null;
    switch (plan.kind) {
      case "ignore":
        return { status: "ignored" as const, dossierId: null, ruleId: null, reason: plan.reason, outcome: {} };
      case "bounce": {
        this.o.sent.markBounced(tx, plan.outbound.id, plan.reason);
        const dossier = plan.outbound.dossierId ? dossierById(this.db, plan.outbound.dossierId) : undefined;
        let task: number | null = null;
        if (dossier) {
          // the ledger journals mail.bounced in the dossier; the follow-up task is ours
          task = this.domain.catalogue.start(tx, dossier, "mail-bounce-followup", {
            kind: "reaction", actionId: null, actor: null,
            variables: { owner: dossier.owner, sector: dossier.sector, recipient: plan.recipient ?? "", reason: plan.reason, subject: mail.subject, inboundId },
          });
        }
        return { status: "processed" as const, dossierId: dossier?.id ?? null, ruleId: null, reason: `Non-distribution du mail envoyé n° ${plan.outbound.id}`, outcome: { bounced: plan.outbound.id, processInstanceKey: task === null ? null : String(task) } };
      }
      case "thread": {
        const documentIds = this.attach(tx, plan.dossier, mail, staged, inboundId, actor, plan.via);
        tx.publishMessage({ name: "mail-received", correlationKey: plan.dossier.reference, variables: this.messageVariables(mail, documentIds), timeToLive: MESSAGE_TTL_MS, messageId: `mail-received:${inboundId}` });
        return { status: "processed" as const, dossierId: plan.dossier.id, ruleId: null, reason: `Rattaché à ${plan.dossier.reference} (${plan.via})`, outcome: { documentIds, via: plan.via, skipped: staged.skipped } };
      }
      case "rules":
        return this.applyRules(tx, plan.rules, mail, incoming, staged, inboundId);
    }
  }

  private applyRules(tx: EngineTransaction, rules: Array<{ rule: Rule; actions: RuleAction[] }>, mail: ReadMail, incoming: Incoming, staged: Staged, inboundId: number) {
    let dossier: DossierRow | null = null;
    let documentIds: number[] = [];
    const done: string[] = [];
    const processes: string[] = [];
    const values = () => ({ ...this.messageVariables(mail, documentIds), from: mail.from?.address ?? "", fromName: mail.from?.name ?? "", recipients: mail.recipients, reference: dossier?.reference ?? null, inboundId, documentIds });
    for (const { rule, actions } of rules) {
      for (const a of actions) {
        switch (a.type) {
          case "createDossier": {
            const type = this.domain.types.get(a.dossierType);
            if (!type) throw new RouteError(`Règle « ${rule.name} » : le type de dossier ${a.dossierType} n'existe plus`);
            const role = a.role ?? (type.partyRoles.find((r) => r.id === "customer") ?? type.partyRoles[0])?.id;
            const party = mail.from ? this.partyFor(mail.from) : null;
            const title = (fill(a.title ?? "{subject}", { subject: mail.subject, from: mail.from?.address ?? "", fromName: mail.from?.name ?? "" }).trim() || `Mail de ${mail.from?.address ?? "expéditeur inconnu"}`).slice(0, 200);
            const data: Record<string, unknown> = {};
            const initial = type.states.find((s) => s.initial);
            for (const f of type.fields) {
              const required = f.required || (initial !== undefined && (f.requiredInStates ?? []).includes(initial.id));
              if (required && (f.type as string) === "text") data[f.id] = title;
            }
            let prepared;
            try {
              prepared = this.domain.service.prepareCreate(null, { type: type.id, title, data, parties: party && role ? [{ role, partyId: party.id }] : [], skipOpening: true });
            } catch (error) {
              throw new RouteError(`Règle « ${rule.name} » : le dossier ne peut pas être ouvert : ${(error as Error).message}`);
            }
            dossier = this.domain.service.createIn(tx, null, prepared).dossier;
            documentIds = this.attach(tx, dossier, mail, staged, inboundId, null, `règle « ${rule.name} »`);
            done.push(`dossier ${dossier.reference} ouvert`);
            if (a.startOpening !== false && type.catalogue.opening) {
              const key = this.domain.catalogue.start(tx, dossier, type.catalogue.opening.processId, {
                kind: "opening", actionId: null, actor: null, variables: this.messageVariables(mail, documentIds),
                customer: party ? { id: party.id, name: party.name, email: party.emails[0] ?? null, phone: party.phones[0]?.number ?? null } : null,
              });
              processes.push(String(key));
              done.push(`processus ${type.catalogue.opening.processId} démarré`);
            }
            break;
          }
          case "attachByField": {
            const text = a.in === "body" ? mail.text : mail.subject;
            const value = capture(a.pattern, text);
            if (!value) throw new RouteError(`Règle « ${rule.name} » : aucune valeur ${a.pattern} trouvée dans ${a.in === "body" ? "le corps" : "le sujet"}`);
            const found = a.field === "reference" ? (this.byReference(value) ? [this.byReference(value)!] : []) : this.byField(a.field, value);
            if (found.length !== 1) throw new RouteError(`Règle « ${rule.name} » : ${found.length === 0 ? "aucun dossier" : `${found.length} dossiers`} dont ${a.field} = « ${value} »`);
            dossier = found[0]!;
            documentIds = this.attach(tx, dossier, mail, staged, inboundId, null, `règle « ${rule.name} »`);
            tx.publishMessage({ name: "mail-received", correlationKey: dossier.reference, variables: this.messageVariables(mail, documentIds), timeToLive: MESSAGE_TTL_MS, messageId: `mail-received:${inboundId}` });
            done.push(`rattaché à ${dossier.reference}`);
            break;
          }
          case "startProcess": {
            const variables = this.mapVariables(a.variables, values());
            const key = dossier
              ? this.domain.catalogue.start(tx, dossier, a.processId, { kind: "action", actionId: `mail-rule:${rule.id}`, actor: null, variables })
              : tx.createInstance({ bpmnProcessId: a.processId, variables: { ...variables, mailInboundId: inboundId } }).processInstanceKey;
            processes.push(String(key));
            done.push(`processus ${a.processId} démarré`);
            break;
          }
          case "publishMessage": {
            const correlationKey = fill(a.correlationKey, values() as Record<string, unknown>);
            tx.publishMessage({ name: a.name, correlationKey, variables: this.mapVariables(a.variables, values()) ?? this.messageVariables(mail, documentIds), timeToLive: MESSAGE_TTL_MS, messageId: `${a.name}:${inboundId}` });
            done.push(`message ${a.name} publié (${correlationKey})`);
            break;
          }
          case "triageTask": {
            const variables = { triageGroup: a.group, inboundId, sender: mail.from?.address ?? "", subject: mail.subject, excerpt: excerptOf(mail.text) };
            const key = dossier
              ? this.domain.catalogue.start(tx, dossier, "mail-triage", { kind: "action", actionId: `mail-rule:${rule.id}`, actor: null, variables })
              : tx.createInstance({ bpmnProcessId: "mail-triage", variables }).processInstanceKey;
            processes.push(String(key));
            done.push(`tâche de tri pour ${a.group}`);
            break;
          }
        }
      }
    }
    return {
      status: "processed" as const, dossierId: (dossier as DossierRow | null)?.id ?? null, ruleId: rules[0]!.rule.id,
      reason: `${rules.map((r) => `« ${r.rule.name} »`).join(", ")} : ${done.join(", ")}`,
      outcome: { rules: rules.map((r) => r.rule.id), documentIds, processInstanceKeys: processes, skipped: staged.skipped },
    };
  }

  /** Files the mail's documents in the dossier and journals `mail.received`. */
  private attach(tx: EngineTransaction, dossier: DossierRow, mail: ReadMail, staged: Staged, inboundId: number, actor: string | null, via: string): number[] {
    const documentIds: number[] = [];
    if (staged.eml) documentIds.push(...this.domain.documents.addIn(tx, { dossier, documentType: null, upload: staged.eml, actor }));
    for (const f of staged.files) documentIds.push(...this.domain.documents.addIn(tx, { dossier, documentType: null, upload: f.upload, actor }));
    this.domain.journal.append({
      dossierId: dossier.id, at: tx.now, actor, action: "mail.received", private: true,
      summary: `Mail reçu de ${mail.from?.address ?? "?"} : ${mail.subject || "(sans objet)"}`,
      after: { inboundId, messageId: mail.messageId, from: mail.from?.address ?? null, subject: mail.subject, excerpt: excerptOf(mail.text), documentIds, via, skipped: staged.skipped },
    });
    this.domain.events.emit({ type: "mail.received", dossier, messageId: mail.messageId ?? `inbound:${inboundId}`, actor }, tx);
    statement(this.db, `UPDATE dossier SET updated_at = ? WHERE id = ?`).run(tx.now, dossier.id);
    return documentIds;
  }

  private messageVariables(mail: ReadMail, documentIds: number[]) {
    return { sender: mail.from?.address ?? "", subject: mail.subject, text: mail.text.slice(0, 20_000), documentIds };
  }

  private mapVariables(map: Record<string, string> | undefined, values: Record<string, unknown>): Record<string, unknown> | undefined {
    if (!map) return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(map)) {
      if (v.startsWith("=")) {
        const r = compileExpression(v).evaluate(values);
        out[k] = r.ok ? r.value : null;
      } else out[k] = values[v] ?? null;
    }
    return out;
  }

  /** The sender's party: found by e-mail in the address book, or created as a prospect. */
  private partyFor(from: { address: string; name: string }) {
    const row = statement(this.db, `SELECT party_id FROM party_email WHERE email = ? ORDER BY party_id LIMIT 1`).get(from.address) as { party_id: number } | undefined;
    const found = row ? this.domain.parties.get(row.party_id) : undefined;
    if (found) return found;
    const words = from.name.replace(/["']/g, "").trim().split(/\s+/).filter(Boolean);
    const lastName = words.length > 1 ? words.slice(1).join(" ") : words[0] || from.address.split("@")[0]!;
    const firstName = words.length > 1 ? words[0] : undefined;
    try {
      return this.domain.parties.create({ kind: "person", lastName, ...(firstName ? { firstName } : {}), emails: [from.address], flags: ["prospect"], notes: "Créé à la réception d'un mail" }, null);
    } catch {
      return this.domain.parties.create({ kind: "person", lastName: from.address.split("@")[0]!.slice(0, 100) || "Expéditeur", emails: [from.address], flags: ["prospect"] }, null);
    }
  }

  private byReference(reference: string): DossierRow | undefined {
    const row = statement(this.db, `SELECT * FROM dossier WHERE reference = ?`).get(reference.toUpperCase()) as Record<string, any> | undefined;
    return row ? toDossier(row) : undefined;
  }

  private byField(field: string, value: string): DossierRow[] {
    const rows = statement(this.db, `SELECT * FROM dossier WHERE json_extract(data, ?) = ? LIMIT 2`).all(`$."${field}"`, value) as Array<Record<string, any>>;
    return rows.map(toDossier);
  }

  private sentMail(messageId: string): { id: number; dossierId: number | null } | undefined {
    try {
      return this.o.sent.byMessageId(messageId);
    } catch {
      return undefined;
    }
  }

  // ── files ─────────────────────────────────────────────────────────────────────────────────

  private async keepRaw(raw: Buffer): Promise<{ sha256: string; size: number }> {
    const store = this.domain.documents.store;
    const temp = await writeTemp(store, raw, "mail.eml");
    await store.commit(temp.path, temp.sha256);
    return { sha256: temp.sha256, size: temp.size };
  }

  async readRaw(sha256: string): Promise<Buffer> {
    const { readFile } = await import("node:fs/promises");
    return readFile(this.domain.documents.store.pathOf(sha256));
  }

  private async stage(mail: ReadMail, incoming: Incoming, raw: { sha256: string; size: number } | null): Promise<Staged> {
    const skipped: Staged["skipped"] = [];
    const consume = incoming.consume ?? "both";
    const docs = this.domain.documents;
    const prepare = async (bytes: Buffer, filename: string) => {
      try {
        return await docs.prepareUpload([await docs.stage(bytes, filename)]);
      } catch (error) {
        skipped.push({ filename, reason: (error as Error).message });
        return null;
      }
    };
    const emlName = `${(mail.subject || "mail").replace(/[\\/:*?"<>|\u0000-\u001f]+/g, "").replace(/\s+/g, " ").trim().slice(0, 120) || "mail"}.eml`;
    const wanted = consume === "eml" ? [] : mail.attachments.filter((a) => {
      if (!a.tnef) return true;
      skipped.push({ filename: a.filename, reason: "Pièce jointe Outlook au format TNEF (winmail.dat) : non décodée, conservée dans le mail original" });
      return false;
    });
    const [eml, ...files] = await Promise.all([
      consume !== "attachments" ? prepare(incoming.raw, emlName) : Promise.resolve(null),
      ...wanted.map((a) => prepare(a.content, a.filename)),
    ]);
    const emlFile = eml?.prepared[0];
    const kept = raw ?? (emlFile ? { sha256: emlFile.temp.sha256, size: emlFile.temp.size } : await this.keepRaw(incoming.raw));
    if (emlFile && kept.sha256 === emlFile.temp.sha256) docs.store.pin(kept.sha256); // released with the rest
    return {
      raw: kept, eml, skipped,
      files: files.flatMap((u, i) => (u ? [{ upload: u, filename: wanted[i]!.filename }] : [])),
    };
  }

  private release(staged: Staged): void {
    this.domain.documents.store.unpin(staged.raw.sha256);
    if (staged.eml) this.domain.documents.releaseUpload(staged.eml);
    for (const f of staged.files) this.domain.documents.releaseUpload(f.upload);
  }

  private insertRawBlob(staged: Staged, at: number, mail: ReadMail | null): void {
    const asDocument = staged.eml?.prepared[0];
    const same = asDocument && asDocument.temp.sha256 === staged.raw.sha256;
    statement(this.db, `INSERT INTO blob (sha256, size, mime, text, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`).run(
      staged.raw.sha256, staged.raw.size, same ? asDocument.accepted.mime : "message/rfc822",
      same ? asDocument.text : mail ? `${mail.subject}\n${mail.text}`.slice(0, 100_000) : null, at,
    );
  }

  private baseRow(incoming: Incoming, mail: ReadMail | null, staged: Staged) {
    return {
      source: incoming.source, sourceKey: incoming.sourceKey, mailboxId: incoming.mailboxId ?? null, uidValidity: incoming.uidValidity ?? null, uid: incoming.uid ?? null,
      messageId: mail?.messageId ?? null, rawSha256: staged.raw.sha256, size: staged.raw.size,
      fromAddress: mail?.from?.address ?? null, fromName: mail?.from?.name ?? null, recipients: mail?.recipients ?? [],
      subject: mail?.subject ?? null, excerpt: mail ? excerptOf(mail.text) : null, sentAt: mail?.date ?? null,
      dossierId: null as number | null,
      serverDone: incoming.source === "imap" ? 0 : 1,
    };
  }
}

export function factsOf(mail: ReadMail, source: MailSource): MailFacts {
  return {
    from: mail.from?.address ?? "", fromName: mail.from?.name ?? "", recipients: mail.recipients, subject: mail.subject, body: mail.text,
    hasAttachments: mail.attachments.some((a) => !a.inline), attachmentNames: mail.attachments.map((a) => a.filename), source,
  };
}

export { label };
