/**
 * Deadlines: date fields of a type with reminders N days before (contract end, notice period
 * before tacit renewal, end of a fixed-term contract — "no more contracts renewed silently").
 * The reminders of a dossier are rows (dossier_reminder) re-planned in the transaction of every
 * change of the dossier; a poller fires the due ones, each once, as a `deadline.reached` dossier
 * event (catalogue reactions start a process or publish a message) and a journal entry. Durable:
 * a reminder due while the server was down fires at the next start.
 */
import type Database from "better-sqlite3";
import type { Engine } from "../engine/engine.js";
import type { DossierEvents } from "./events.js";
import type { Journal } from "./journal.js";
import { dossierById, type DossierRow } from "./rows.js";
import { label, type TypeDefinition } from "./type-definition.js";
import { statement } from "../persistence/statements.js";

const DAY = 86_400_000;
/** Reminders fire at 07:00 UTC (08:00 or 09:00 in Paris) of their day. */
const FIRE_HOUR_UTC = 7;

export class Deadlines {
  private readonly clear: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly due: Database.Statement;
  private readonly fired: Database.Statement;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: { db: Database.Database; engine: Engine; events: DossierEvents; journal: Journal }) {
    const { db } = deps;
    this.clear = statement(db, `DELETE FROM dossier_reminder WHERE dossier_id = ? AND fired_at IS NULL`);
    this.insert = statement(db, `INSERT OR IGNORE INTO dossier_reminder (dossier_id, deadline_id, kind, days_before, fire_at, due_date, fired_at) VALUES (?, ?, ?, ?, ?, ?, NULL)`);
    this.due = statement(db, `SELECT * FROM dossier_reminder WHERE fired_at IS NULL AND fire_at <= ? ORDER BY fire_at LIMIT 200`);
    this.fired = statement(db, `UPDATE dossier_reminder SET fired_at = ? WHERE dossier_id = ? AND deadline_id = ? AND kind = ? AND days_before = ? AND fired_at IS NULL`);
  }

  /** Re-plans the open reminders of a dossier (inside its transaction). A closed dossier has none. */
  plan(dossier: DossierRow, type: TypeDefinition, now: number): void {
    this.clear.run(dossier.id);
    if (dossier.closedAt !== null || type.states.find((s) => s.id === dossier.state)?.final) return;
    for (const d of type.deadlines) {
      const date = dossier.data[d.field];
      if (typeof date !== "string") continue;
      const dueAt = Date.parse(`${date}T00:00:00Z`);
      if (!Number.isFinite(dueAt)) continue;
      for (const days of new Set([...(d.remindDaysBefore ?? []), 0])) {
        const fireAt = dueAt - days * DAY + FIRE_HOUR_UTC * 3_600_000;
        // Already past: the reminder is not news any more, except the due day itself.
        if (fireAt < now - (days === 0 ? DAY : 0)) continue;
        this.insert.run(dossier.id, d.id, days === 0 ? "due" : "reminder", days, fireAt, date);
      }
    }
  }

  /** The dossier's upcoming deadlines (for the 360° view). */
  upcoming(dossier: DossierRow, type: TypeDefinition, now: number, lang = "fr"): Array<{ id: string; label: string; date: string; daysLeft: number }> {
    const out = [];
    for (const d of type.deadlines) {
      const date = dossier.data[d.field];
      if (typeof date !== "string") continue;
      const today = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
      out.push({ id: d.id, label: label(d.label, lang), date, daysLeft: Math.round((Date.parse(`${date}T00:00:00Z`) - today) / DAY) });
    }
    return out.sort((a, b) => a.daysLeft - b.daysLeft);
  }

  start(intervalMs = 60_000): void {
    this.timer = setInterval(() => void this.fireDue().catch(() => undefined), intervalMs);
    this.timer.unref();
    setImmediate(() => void this.fireDue().catch(() => undefined));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Fires every due reminder (each once), returns how many fired. */
  async fireDue(): Promise<number> {
    const now = this.deps.engine.clock.now();
    if (this.due.get(now) === undefined) return 0; // an idle poll writes nothing
    return this.deps.engine.transaction((tx) => {
      let n = 0;
      for (const r of this.due.all(tx.now) as Array<Record<string, any>>) {
        if (this.fired.run(tx.now, r["dossier_id"], r["deadline_id"], r["kind"], r["days_before"]).changes === 0) continue;
        const dossier = dossierById(this.deps.db, r["dossier_id"]);
        if (!dossier) continue;
        this.deps.journal.append({
          dossierId: dossier.id, at: tx.now, actor: null, action: "deadline.reached",
          summary: r["days_before"] === 0 ? `Échéance ${r["deadline_id"]} atteinte (${r["due_date"]})` : `Rappel : échéance ${r["deadline_id"]} dans ${r["days_before"]} jours (${r["due_date"]})`,
          after: { deadline: r["deadline_id"], dueDate: r["due_date"], daysBefore: r["days_before"] },
        });
        this.deps.events.emit({ type: "deadline.reached", dossier, deadlineId: r["deadline_id"], dueDate: r["due_date"], daysBefore: r["days_before"] }, tx);
        n++;
      }
      return n;
    });
  }
}
