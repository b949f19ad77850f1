/**
 * Dossier events, dispatched INSIDE the transaction that caused them, so that what reacts (the
 * journal, a process the type's catalogue starts, a BPMN message published to the dossier's
 * processes) commits with the change or not at all. Listeners are synchronous.
 */
import type { EngineTransaction } from "../engine/engine.js";
import type { DossierRow } from "./rows.js";

export type DossierEvent =
  | { type: "dossier.created"; dossier: DossierRow; actor: string | null }
  | { type: "state.changed"; dossier: DossierRow; from: string; to: string; actor: string | null }
  | { type: "document.received"; dossier: DossierRow; documentId: number; documentType: string | null; actor: string | null }
  | { type: "deadline.reached"; dossier: DossierRow; deadlineId: string; dueDate: string; daysBefore: number }
  | { type: "mail.received"; dossier: DossierRow; messageId: string; actor: string | null };

export type DossierEventType = DossierEvent["type"];
export type DossierListener = (event: DossierEvent, tx: EngineTransaction) => void;

export class DossierEvents {
  private readonly listeners: DossierListener[] = [];

  on(listener: DossierListener): void {
    this.listeners.push(listener);
  }

  /** Must be called inside Engine.transaction; a listener that throws rolls the whole change back. */
  emit(event: DossierEvent, tx: EngineTransaction): void {
    for (const listener of this.listeners) listener(event, tx);
  }
}
