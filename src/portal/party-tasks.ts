/**
 * User tasks addressed to a party of the dossier: `zeebe:candidateGroups="party:<role>"` (e.g.
 * party:customer, party:candidate). When such a task is created (engine `userTask` events after
 * commit, plus a catch-up pass at start and every half minute, so that none is missed across a
 * restart), the party holding that role in the task's dossier gets a personal link (purpose
 * `portal.task`, subject `task:<userTaskKey>`) and the mail carrying it, in ONE transaction with
 * the row recording the task as handled: the link and its mail commit together or not at all,
 * and a task is linked once.
 *
 * Task headers (zeebe:taskHeaders): `portal.linkLifetime` (ISO duration, default P14D),
 * `portal.reminder` (ISO duration: a reminder mail with a fresh link when the task is still open
 * that long after its link), `portal.sms` (true: an SMS with the link too, to the party's mobile),
 * `portal.share` (comma-separated process variables the page may show besides the form's own keys).
 */
import type { Engine, EngineTransaction } from "../engine/engine.js";
import type { UserTaskRow } from "../engine/state.js";
import type { Domain } from "../dossiers/domain.js";
import { linkedDossier } from "../dossiers/task-dossier.js";
import type { Outbox, SmsOutbox } from "../mail/api.js";
import { statement } from "../persistence/statements.js";
import { DEFAULT_LINK_LIFETIME_MS, MAX_LINK_LIFETIME_MS, type Links } from "./links.js";
import { taskLinkMail, type Locale } from "./mails.js";

export const TASK_PURPOSE = "portal.task";
export const PARTY_GROUP = /^party:([A-Za-z][\w-]{0,63})$/;

/** ms of an ISO 8601 duration of days, hours, minutes (P14D, PT36H, P1DT12H); undefined when it is not one. */
export function durationMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(value.trim());
  if (!m || value.trim() === "P" || value.trim().endsWith("T")) return undefined;
  const [, w, d, h, min] = m.map((x) => Number(x ?? 0)) as number[];
  return (((w! * 7 + d!) * 24 + h!) * 60 + min!) * 60_000;
}

export function partyRoleOf(task: Pick<UserTaskRow, "candidateGroups">): string | undefined {
  for (const g of task.candidateGroups) {
    const m = PARTY_GROUP.exec(g);
    if (m) return m[1];
  }
  return undefined;
}

export function taskPageUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/portail/tache/${token}`;
}

interface Deps {
  engine: Engine;
  domain: Domain;
  links: Links;
  outbox: Outbox;
  sms: SmsOutbox;
  publicUrl: () => string;
  log: (message: string) => void;
}

export class PartyTasks {
  private readonly pending = new Set<number>();
  private readonly reported = new Set<number>();
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly onTask = (key: number) => this.schedule(key);

  constructor(private readonly deps: Deps) {}

  start(intervalMs = 30_000): void {
    this.deps.engine.events.on("userTask", this.onTask);
    void this.catchUp();
    if (intervalMs > 0) {
      this.timer = setInterval(() => void this.catchUp(), intervalMs);
      this.timer.unref();
    }
  }

  stop(): void {
    this.deps.engine.events.off("userTask", this.onTask);
    if (this.timer) clearInterval(this.timer);
  }

  /** Party tasks created and not yet handled (a restart, a missed event), then due reminders. */
  async catchUp(): Promise<void> {
    const rows = statement(
      this.deps.engine.store.db,
      `SELECT ut.key FROM user_task ut WHERE ut.state = 'CREATED' AND ut.candidate_groups LIKE '%party:%' AND NOT EXISTS (SELECT 1 FROM portal_task pt WHERE pt.user_task_key = ut.key) ORDER BY ut.key LIMIT 500`,
    ).all() as Array<{ key: number }>;
    for (const { key } of rows) this.schedule(key);
    await this.drain();
    await this.remind();
  }

  private schedule(key: number): void {
    this.pending.add(key);
    void this.drain();
  }

  /** Handles pending keys one at a time (the write lane serialises anyway). */
  async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.pending.size > 0) {
        const key = this.pending.values().next().value as number;
        this.pending.delete(key);
        try {
          await this.handle(key);
        } catch (error) {
          // Not recorded: the next catch-up tries again (a mail module not ready, a party without address fixed meanwhile).
          if (!this.reported.has(key)) this.deps.log(`portal: could not send the link of user task ${key} (will retry): ${(error as Error).message}`);
          this.reported.add(key);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async record(key: number, outcome: "skipped", reason: string, role = ""): Promise<void> {
    await this.deps.engine.transaction((tx) => {
      statement(this.deps.engine.store.db, `INSERT INTO portal_task (user_task_key, outcome, role, reason, handled_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_task_key) DO NOTHING`)
        .run(key, outcome, role, reason.slice(0, 1000), tx.now);
    });
  }

  private async handle(key: number): Promise<void> {
    const { engine, domain } = this.deps;
    const task = engine.store.userTask(key);
    if (!task || task.state !== "CREATED") return;
    const role = partyRoleOf(task);
    if (!role) return;
    if (statement(engine.store.db, `SELECT 1 FROM portal_task WHERE user_task_key = ?`).get(key)) return;
    const dossier = linkedDossier(domain, task.processInstanceKey);
    if (!dossier) return this.record(key, "skipped", "the task's process belongs to no dossier", role);
    const partyId = domain.service.partiesOf(dossier.id).find((p) => p.role === role)?.partyId;
    if (partyId === undefined) return this.record(key, "skipped", `the dossier ${dossier.reference} has no party in the role '${role}'`, role);
    await engine.transaction((tx) => {
      if (statement(engine.store.db, `SELECT 1 FROM portal_task WHERE user_task_key = ?`).get(key)) return;
      const current = engine.store.userTask(key);
      if (!current || current.state !== "CREATED") return;
      const link = this.sendLink(tx, current, dossier.id, partyId, false);
      statement(engine.store.db, `INSERT INTO portal_task (user_task_key, outcome, role, dossier_id, party_id, link_id, handled_at) VALUES (?, 'linked', ?, ?, ?, ?, ?)`)
        .run(key, role, dossier.id, partyId, link.id, tx.now);
    });
  }

  /** Issues a link for the task and enqueues its mail (and SMS) in the caller's transaction. */
  private sendLink(tx: EngineTransaction, task: UserTaskRow, dossierId: number, partyId: number, reminder: boolean, reissueOf?: number) {
    const { domain, links, outbox } = this.deps;
    const headers = task.customHeaders ?? {};
    const lifetimeMs = Math.min(durationMs(headers["portal.linkLifetime"]) ?? DEFAULT_LINK_LIFETIME_MS, MAX_LINK_LIFETIME_MS);
    const link = reissueOf !== undefined
      ? links.reissue(reissueOf, lifetimeMs, null)
      : links.issue({ partyId, purpose: TASK_PURPOSE, subject: `task:${task.key}`, dossierId, lifetimeMs, actor: null });
    const party = domain.parties.get(partyId);
    const dossier = statement(domain.db, `SELECT reference FROM dossier WHERE id = ?`).get(dossierId) as { reference: string };
    const locale: Locale = party?.language === "en" ? "en" : "fr";
    const href = taskPageUrl(this.deps.publicUrl(), link.token);
    const mail = taskLinkMail(locale, { name: party?.name ?? "", taskName: task.name ?? task.elementId, reference: dossier.reference, href, expiresAt: link.expiresAt, reminder });
    outbox.enqueue(tx, { to: [{ partyId }], dossierId, locale, subject: mail.subject, text: mail.text, html: mail.html, purpose: "portal.link", key: `portal-link:${link.id}`, actor: null, sensitive: true });
    const mobile = party?.phones.find((p) => p.label === "mobile")?.number;
    if (headers["portal.sms"] === "true" && mobile) {
      this.deps.sms.enqueue(tx, { to: mobile, text: `${mail.subject} : ${href}`, dossierId, purpose: "portal.link", key: `portal-link-sms:${link.id}`, actor: null, sensitive: true });
    }
    domain.journal.append({
      dossierId, at: tx.now, actor: null, action: reminder ? "portal.link.reminded" : "portal.link.issued",
      summary: `${reminder ? "Rappel envoyé" : "Lien envoyé"} à ${party?.name ?? `#${partyId}`} : « ${task.name ?? task.elementId} »`,
      after: { linkId: link.id, partyId, userTaskKey: String(task.key), expiresAt: link.expiresAt }, private: true,
    });
    return link;
  }

  /** Reminders: tasks still open past their `portal.reminder` delay get one mail with a fresh link. */
  async remind(): Promise<void> {
    const { engine } = this.deps;
    const rows = statement(engine.store.db, `SELECT user_task_key, dossier_id, party_id, link_id, handled_at FROM portal_task WHERE outcome = 'linked' AND reminded_at IS NULL AND completed_at IS NULL ORDER BY user_task_key LIMIT 500`).all() as
      Array<{ user_task_key: number; dossier_id: number; party_id: number; link_id: number; handled_at: number }>;
    for (const r of rows) {
      const task = engine.store.userTask(r.user_task_key);
      const delay = durationMs(task?.customHeaders?.["portal.reminder"]);
      if (!task || task.state !== "CREATED" || delay === undefined || r.handled_at + delay > engine.clock.now()) continue;
      const current = this.deps.links.forSubject(TASK_PURPOSE, `task:${task.key}`)[0];
      try {
        await engine.transaction((tx) => {
          const still = engine.store.userTask(task.key);
          if (still?.state !== "CREATED") return;
          const link = this.sendLink(tx, still, r.dossier_id, r.party_id, true, current?.id ?? r.link_id);
          statement(engine.store.db, `UPDATE portal_task SET reminded_at = ?, link_id = ? WHERE user_task_key = ?`).run(tx.now, link.id, task.key);
        });
      } catch (error) {
        this.deps.log(`portal: reminder of user task ${task.key} failed: ${(error as Error).message}`);
      }
    }
  }

  /** A fresh link for an expired one, to the address on file (the holder of the old token asked). */
  reissueExpired(tx: EngineTransaction, linkId: number): boolean {
    const link = this.deps.links.get(linkId);
    if (!link || link.purpose !== TASK_PURPOSE || link.replacedBy !== null || link.dossierId === null) return false;
    const task = this.deps.engine.store.userTask(Number(link.subject.slice("task:".length)));
    if (!task || task.state !== "CREATED") return false;
    const fresh = this.sendLink(tx, task, link.dossierId, link.partyId, false, link.id);
    statement(this.deps.engine.store.db, `UPDATE portal_task SET link_id = ? WHERE user_task_key = ?`).run(fresh.id, task.key);
    return true;
  }
}
