/**
 * "SMS envoyés": the SMS the processes and the signature sent, with their encoding and segments;
 * a confidential text (a one-time code) is not kept once sent, but what the development gateway's
 * "phone" received is shown, so that a code can be read without a real phone.
 */
import { api } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { formatDate, t } from "../shared/i18n.js";
import { filterQuery, statusBadge } from "./sent.js";
import { registerTab } from "./tabs.js";

interface SmsRow { id: number; dossier: string | null; purpose: string; to: string; status: string; attempts: number; lastError: string | null; encoding: string; length: number; segments: number; sensitive: boolean; text: string | null; received: string | null; createdAt: string }

registerTab({
  id: "sms", order: 20, permission: "mail.read", label: () => t("mail.tab.sms"),
  async render(host) {
    const page = await api<{ items: SmsRow[] }>("GET", `/api/mail/sms?${filterQuery()}`);
    host.append(h("table", { class: "mail-list", "data-testid": "sms-list" },
      h("thead", {}, h("tr", {}, ...["mail.col.date", "sms.col.to", "sms.col.text", "sms.col.encoding", "mail.col.dossier", "mail.col.status", "sms.col.received"].map((k) => h("th", {}, t(k))))),
      h("tbody", {}, ...(page.items.length ? page.items.map((s) => h("tr", { "data-id": s.id },
        h("td", {}, formatDate(s.createdAt)), h("td", {}, s.to),
        h("td", {}, s.sensitive ? h("span", { class: "muted" }, t("sms.sensitive")) : (s.text ?? "")),
        h("td", {}, `${s.encoding} · ${t("sms.segments", { n: s.segments, length: s.length })}`),
        h("td", {}, s.dossier ? h("a", { href: `/dossiers/${encodeURIComponent(s.dossier)}` }, s.dossier) : "—"),
        h("td", {}, statusBadge(s.status), s.lastError ? h("div", { class: "small error" }, s.lastError) : null),
        h("td", {}, s.received ?? "—"))) : [h("tr", {}, h("td", { colspan: 7, class: "muted" }, t("sms.none")))]))));
  },
});
