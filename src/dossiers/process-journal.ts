/**
 * Process events into dossier journals: a task completed (by whom, with which outcome), a process
 * ended or cancelled, an incident. The engine knows nothing of dossiers; this reads its append-only
 * history after commit from a cursor kept in dossier_meta, and writes the journal entries and the
 * new cursor in one transaction — so every event is journaled exactly once, also across a crash
 * (the next run resumes from the cursor). Processes called by a dossier's process (call
 * activities) belong to the same dossier.
 */
import type Database from "better-sqlite3";
import type { Engine } from "../engine/engine.js";
import type { HistoryRecord } from "../engine/state.js";
import type { Journal } from "./journal.js";
import { dossierIdOfProcess } from "./rows.js";
import { statement } from "../persistence/statements.js";

const CURSOR = "journal.history_position";
const BATCH = 2000;
/** Completion variables kept in a journal entry (the outcome), at most this many bytes. */
const MAX_OUTCOME_BYTES = 4096;

export class ProcessJournal {
  private readonly readCursor: Database.Statement;
  private readonly writeCursor: Database.Statement;
  private readonly batch: Database.Statement;
  private readonly task: Database.Statement;
  private running = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly wake = () => this.schedule();

  constructor(private readonly deps: { db: Database.Database; engine: Engine; journal: Journal }) {
    const { db } = deps;
    this.readCursor = statement(db, `SELECT value FROM dossier_meta WHERE name = '${CURSOR}'`);
    this.writeCursor = statement(db, `INSERT INTO dossier_meta (name, value) VALUES ('${CURSOR}', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`);
    this.batch = statement(db, `SELECT position, process_instance_key, created_at, records FROM history WHERE position > ? ORDER BY position LIMIT ${BATCH}`);
    this.task = statement(db, `SELECT assignee, name FROM user_task WHERE key = ?`);
  }

  start(intervalMs = 2000): void {
    this.deps.engine.events.on("userTask", this.wake);
    this.deps.engine.events.on("finished", this.wake);
    this.timer = setInterval(this.wake, intervalMs);
    this.timer.unref();
    this.schedule();
  }

  stop(): void {
    this.deps.engine.events.off("userTask", this.wake);
    this.deps.engine.events.off("finished", this.wake);
    if (this.timer) clearInterval(this.timer);
  }

  private schedule(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    setImmediate(() => {
      this.catchUp()
        .catch(() => undefined)
        .finally(() => {
          this.running = false;
          if (this.again) {
            this.again = false;
            this.schedule();
          }
        });
    });
  }

  private cursor(): number {
    const row = this.readCursor.get() as { value: string } | undefined;
    return row ? Number(row.value) : 0;
  }

  /** Journals every history row after the cursor; resolves when caught up. */
  async catchUp(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = this.batch.all(this.cursor()) as Array<{ position: number; process_instance_key: number; created_at: number; records: string }>;
      if (rows.length === 0) return total;
      total += await this.deps.engine.transaction(() => {
        // Re-read inside the lane: another run may have advanced the cursor meanwhile.
        const fresh = this.batch.all(this.cursor()) as typeof rows;
        let n = 0;
        const dossierOf = new Map<number, number | null>();
        for (const row of fresh) {
          const dossierId = this.dossierOf(row.process_instance_key, dossierOf);
          if (dossierId !== null) n += this.journalRow(dossierId, row.process_instance_key, row.created_at, JSON.parse(row.records) as HistoryRecord[]);
        }
        if (fresh.length) this.writeCursor.run(String(fresh[fresh.length - 1]!.position));
        return n;
      });
      if (rows.length < BATCH) return total;
    }
  }

  private dossierOf(processInstanceKey: number, cache: Map<number, number | null>): number | null {
    if (!cache.has(processInstanceKey)) cache.set(processInstanceKey, dossierIdOfProcess(this.deps.db, processInstanceKey) ?? null);
    return cache.get(processInstanceKey)!;
  }

  private journalRow(dossierId: number, processInstanceKey: number, at: number, records: HistoryRecord[]): number {
    let n = 0;
    for (const r of records) {
      if (r.type === "USER_TASK_COMPLETED" && r.key !== undefined) {
        const task = this.task.get(r.key) as { assignee: string | null; name: string | null } | undefined;
        let outcome = r["variables"] ?? null;
        if (outcome !== null && JSON.stringify(outcome).length > MAX_OUTCOME_BYTES) outcome = { truncated: true, names: Object.keys(outcome as object) };
        this.deps.journal.append({
          // The form's outcome is internal work (evaluations, comments): for the sector, never the portal.
          dossierId, at, actor: task?.assignee ?? null, action: "task.completed", private: true,
          summary: `Tâche « ${task?.name ?? r.elementId} » terminée${task?.assignee ? ` par ${task.assignee}` : ""}`,
          after: { userTaskKey: String(r.key), elementId: r.elementId, processInstanceKey: String(processInstanceKey), outcome },
        });
        n++;
      } else if (r.elementType === "PROCESS" && (r.type === "ELEMENT_COMPLETED" || r.type === "ELEMENT_TERMINATED")) {
        const completed = r.type === "ELEMENT_COMPLETED";
        this.deps.journal.append({
          dossierId, at, actor: null, action: completed ? "process.ended" : "process.canceled",
          summary: `Processus ${r.elementId} ${completed ? "terminé" : "annulé"}`,
          after: { processInstanceKey: String(processInstanceKey), bpmnProcessId: r.elementId },
        });
        n++;
      } else if (r.type === "INCIDENT_CREATED") {
        this.deps.journal.append({
          dossierId, at, actor: null, action: "process.incident", private: true,
          summary: `Incident sur ${r.elementId ?? "le processus"} : ${String(r["errorMessage"] ?? r["errorType"] ?? "")}`.slice(0, 1000),
          after: { processInstanceKey: String(processInstanceKey), elementId: r.elementId ?? null, errorType: r["errorType"] ?? null },
        });
        n++;
      }
    }
    return n;
  }
}
