/**
 * The tabs of the "Recouvrement" page (/receivables/<tab>). A tab file calls `registerTab`; main.ts
 * imports each tab file once (one line per file) — the dashboards (dashboard*.ts) register theirs the same way.
 */
import type { Session } from "../shared/api.js";

export interface ReceivablesTab {
  id: string;
  label: () => string;
  permission: string;
  order: number;
  render(host: HTMLElement, session: Session): Promise<void>;
}

export const TABS: ReceivablesTab[] = [];

export function registerTab(tab: ReceivablesTab): void {
  if (TABS.some((t) => t.id === tab.id)) throw new Error(`Expected one receivables tab '${tab.id}', but it is registered twice`);
  TABS.push(tab);
  TABS.sort((a, b) => a.order - b.order);
}
