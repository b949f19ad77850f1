/**
 * The tabs of the "Courrier" page, registered by the files that draw them: main.ts imports each
 * tab file once (one line per file), and a tab file calls `registerTab` with its id (the URL's
 * /mail/<id>), its label, the permission it needs and its render function. Tabs show in the order
 * of their `order`.
 */
import type { Session } from "../shared/api.js";

export interface MailTab {
  id: string;
  label: () => string;
  permission: string;
  order: number;
  render(host: HTMLElement, session: Session): Promise<void>;
}

export const TABS: MailTab[] = [];

export function registerTab(tab: MailTab): void {
  if (TABS.some((t) => t.id === tab.id)) throw new Error(`Expected one mail tab '${tab.id}', but it is registered twice`);
  TABS.push(tab);
  TABS.sort((a, b) => a.order - b.order);
}
