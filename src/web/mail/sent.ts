/**
 * "E-mails envoyés": every mail the processes and the agents sent (filters: dossier, status,
 * purpose), and the one picked: headers, status and attempts, the server's answer or last error,
 * attachments, and the body — the HTML, sanitised by the server, in a sandboxed iframe (no
 * scripts, no same-origin), or the text.
 */
import { api } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { formatDate, t } from "../shared/i18n.js";
import { registerTab } from "./tabs.js";

interface MailRow { id: number; dossier: string | null; purpose: string; to: string[]; subject: string; status: string; attempts: number; lastError: string | null; createdAt: string; sentAt: string | null; attachments: number }
interface MailDetail extends Omit<MailRow, "attachments"> {
  from: string; replyTo: string | null; cc: string[]; text: string | null; html: string | null; sensitive?: boolean; hidden?: boolean; headers: Record<string, string>; acceptedResponse: string | null; nextAttemptAt: string | null;
  attachments: Array<{ documentId: number; filename: string; size: number; mime: string }>;
}

export const statusBadge = (status: string) => h("span", { class: `badge status status-${status}`, "data-status": status }, t(`mail.status.${status}`));

function filterBar(onApply: (q: URLSearchParams) => void): HTMLElement {
  const params = new URLSearchParams(location.search);
  const dossier = h("input", { type: "text", name: "dossier", value: params.get("dossier") ?? "", placeholder: "CLI-2026-00001" });
  const status = h("select", { name: "status" }, h("option", { value: "" }, t("mail.filter.any")), ...["queued", "sending", "sent", "failed"].map((s) => h("option", { value: s, selected: params.get("status") === s }, t(`mail.status.${s}`))));
  const purpose = h("input", { type: "text", name: "purpose", value: params.get("purpose") ?? "", placeholder: "process, agent…" });
  return h("form", { class: "mail-filters", onsubmit: (e: Event) => {
    e.preventDefault();
    const q = new URLSearchParams();
    if (dossier.value.trim()) q.set("dossier", dossier.value.trim());
    if (status.value) q.set("status", status.value);
    if (purpose.value.trim()) q.set("purpose", purpose.value.trim());
    history.replaceState(null, "", `${location.pathname}${q.size ? `?${q}` : ""}`);
    onApply(q);
  } }, h("label", {}, t("mail.filter.dossier"), dossier), h("label", {}, t("mail.filter.status"), status), h("label", {}, t("mail.filter.purpose"), purpose),
    h("button", { type: "submit" }, t("mail.filter.apply")));
}

export function filterQuery(): URLSearchParams {
  const q = new URLSearchParams();
  const params = new URLSearchParams(location.search);
  for (const k of ["dossier", "status", "purpose"]) if (params.get(k)) q.set(k, params.get(k)!);
  return q;
}

async function renderSent(host: HTMLElement, session: { permissions: string[] }): Promise<void> {
  const tbody = h("tbody", {});
  const detail = h("aside", { class: "mail-detail", "data-testid": "mail-detail" }, h("p", { class: "muted" }, t("mail.detail.pick")));
  const more = h("button", { type: "button", hidden: true }, t("mail.more"));
  let next: string | null = null;
  let query = filterQuery();
  const load = async (append: boolean) => {
    const q = new URLSearchParams(query);
    if (append && next) q.set("before", next);
    const page = await api<{ items: MailRow[]; next: string | null }>("GET", `/api/mail/outbound?${q}`);
    next = page.next;
    more.hidden = !next;
    const rows = page.items.map((m) => h("tr", { class: "row", "data-id": m.id, onclick: () => void show(m.id) },
      h("td", {}, formatDate(m.createdAt)), h("td", {}, m.to.join(", ")), h("td", {}, m.subject, m.attachments ? h("span", { class: "muted small" }, ` · ${m.attachments} PJ`) : ""),
      h("td", {}, m.dossier ? h("a", { href: `/dossiers/${encodeURIComponent(m.dossier)}`, onclick: (e: Event) => e.stopPropagation() }, m.dossier) : "—"),
      h("td", {}, statusBadge(m.status)), h("td", {}, m.purpose)));
    if (append) tbody.append(...rows);
    else tbody.replaceChildren(...(rows.length ? rows : [h("tr", {}, h("td", { colspan: 6, class: "muted" }, t("mail.none")))]));
  };
  const show = async (id: number) => {
    for (const tr of tbody.querySelectorAll("tr.row")) tr.classList.toggle("selected", (tr as HTMLElement).dataset["id"] === String(id));
    const m = await api<MailDetail>("GET", `/api/mail/outbound/${id}`);
    const url = new URL(location.href);
    url.searchParams.set("id", String(id));
    history.replaceState(null, "", url);
    const frame = h("iframe", { sandbox: "", title: m.subject, referrerpolicy: "no-referrer" });
    // The HTML was sanitised by the server; the sandbox (no scripts, no same-origin) is the second wall.
    if (m.html) frame.srcdoc = `<meta charset="utf-8"><style>body{font-family:Arial,Helvetica,sans-serif;margin:8px;color:#0f172a}</style>${m.html}`;
    detail.replaceChildren(...([
      h("h2", {}, m.subject),
      h("p", {}, statusBadge(m.status), " ", t("mail.detail.attempts", { n: m.attempts }), m.nextAttemptAt ? ` · ${t("mail.detail.next", { at: formatDate(m.nextAttemptAt) })}` : ""),
      m.acceptedResponse ? h("p", { class: "small" }, h("strong", {}, t("mail.detail.answer"), " : "), m.acceptedResponse) : null,
      m.lastError ? h("p", { class: "small error" }, h("strong", {}, t("mail.detail.lastError"), " : "), m.lastError) : null,
      m.status === "failed" && session.permissions.includes("mail.manage") ? h("button", { type: "button", "data-action": "retry-mail", onclick: async () => { await api("POST", `/api/mail/outbound/${id}/retry`); await show(id); await load(false); } }, t("mail.detail.retry")) : null,
      h("h3", {}, t("mail.detail.headers")),
      h("dl", {}, ...Object.entries(m.headers).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
      h("h3", {}, t("mail.detail.attachments")),
      m.attachments.length ? h("ul", {}, ...m.attachments.map((a) => h("li", {}, h("a", { href: `/api/documents/${a.documentId}/content`, target: "_blank", rel: "noopener" }, a.filename), ` (${Math.max(1, Math.round(a.size / 1024))} Ko)`))) : h("p", { class: "muted small" }, t("mail.detail.none")),
      ...(m.hidden ? [h("p", { class: "muted", "data-testid": "mail-hidden" }, t("mail.detail.hidden"))]
        : m.html ? [h("h3", {}, t("mail.detail.html")), frame] : [h("h3", {}, t("mail.detail.text")), h("pre", {}, m.text ?? "")]),
    ].filter((x) => x !== null) as Node[]));
  };
  more.addEventListener("click", () => void load(true));
  host.append(filterBar((q) => { query = q; void load(false); }),
    h("div", { class: "mail-layout" },
      h("div", {}, h("table", { class: "mail-list", "data-testid": "mail-list" },
        h("thead", {}, h("tr", {}, ...["date", "to", "subject", "dossier", "status", "purpose"].map((c) => h("th", {}, t(`mail.col.${c}`))))), tbody), more),
      detail));
  await load(false);
  const id = Number(new URLSearchParams(location.search).get("id"));
  if (Number.isSafeInteger(id) && id > 0) await show(id);
}

registerTab({ id: "sent", order: 10, permission: "mail.read", label: () => t("mail.tab.sent"), render: renderSent });
