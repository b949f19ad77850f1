/** The "received mails" and "quarantine" tabs: the list, a mail's detail, retry / attach / discard, .eml upload. */
import { api, type Session } from "../shared/api.js";
import { clear, h } from "../shared/dom.js";
import { formatDate, t } from "../shared/i18n.js";

interface Inbound {
  id: number; source: string; from: string | null; fromName: string | null; subject: string | null; excerpt: string | null; receivedAt: number;
  status: string; reason: string | null; dossier: { reference: string; title: string } | null; outcome: Record<string, unknown>;
}
interface Detail extends Inbound {
  body: { text: string; html: string; attachments: Array<{ filename: string; contentType: string; size: number; inline: boolean; tnef: boolean }> } | null;
  parseError: string | null;
}

const can = (s: Session, p: string) => s.permissions.includes(p);
const badge = (status: string) => h("span", { class: `intake-badge ${status}` }, t(`intake.status.${status}`));

export async function renderReceived(container: HTMLElement, session: Session, only?: "quarantined"): Promise<void> {
  clear(container);
  let status = only ?? "";
  const list = h("div");
  const detail = h("div");
  const message = h("div", { class: "muted", role: "status" });
  const load = async () => {
    const data = await api<{ items: Inbound[] }>("GET", `/api/mail/inbound?limit=100${status ? `&status=${status}` : ""}`);
    clear(list);
    if (data.items.length === 0) {
      list.append(h("p", { class: "muted" }, t(only ? "intake.quarantine.empty" : "intake.empty")));
      return;
    }
    list.append(h("table", { class: "intake-table", "data-testid": "intake-list" },
      h("thead", {}, h("tr", {}, ...["date", "from", "subject", "status", "reason", "dossier"].map((c) => h("th", {}, t(`intake.col.${c}`))))),
      h("tbody", {}, ...data.items.map((m) => h("tr", { class: "clickable", "data-id": m.id, onclick: () => void open(m.id) },
        h("td", {}, formatDate(m.receivedAt), h("br"), h("span", { class: "muted" }, t(`intake.source.${m.source}`))),
        h("td", {}, m.fromName ? `${m.fromName} ` : "", h("span", { class: "muted" }, m.from ?? "?")),
        h("td", {}, m.subject || "(sans objet)"),
        h("td", {}, badge(m.status)),
        h("td", {}, m.reason ?? ""),
        h("td", {}, m.dossier ? h("a", { href: `/dossiers/${encodeURIComponent(m.dossier.reference)}`, onclick: (e: Event) => e.stopPropagation() }, m.dossier.reference) : "—"),
      ))),
    ));
  };
  const open = async (id: number) => {
    const d = await api<Detail>("GET", `/api/mail/inbound/${id}`);
    clear(detail);
    const actions = h("div", { class: "intake-toolbar" });
    if (d.status === "quarantined" && can(session, "mail.manage")) {
      const ref = h("input", { type: "text", placeholder: t("intake.assign.placeholder"), "aria-label": t("intake.assign.placeholder"), name: "assign-reference" });
      const act = (fn: () => Promise<unknown>) => async () => {
        try {
          await fn();
          message.textContent = "";
          await load();
          await open(id);
        } catch (error) {
          message.textContent = (error as Error).message;
          message.className = "intake-error";
        }
      };
      actions.append(
        h("button", { type: "button", onclick: act(() => api("POST", `/api/mail/inbound/${id}/retry`, {})) }, t("intake.retry")),
        ref, h("button", { type: "button", onclick: act(() => api("POST", `/api/mail/inbound/${id}/assignment`, { dossier: ref.value.trim() })) }, t("intake.assign")),
        h("button", { type: "button", onclick: act(async () => { if (confirm(t("intake.discard.confirm"))) await api("POST", `/api/mail/inbound/${id}/discard`, {}); }) }, t("intake.discard")),
      );
    }
    actions.append(h("a", { href: `/api/mail/inbound/${id}/raw` }, t("intake.raw")));
    const skipped = (d.outcome["skipped"] as Array<{ filename: string; reason: string }> | undefined) ?? [];
    const frame = h("iframe", { sandbox: "", title: t("intake.detail.html"), referrerpolicy: "no-referrer" }) as HTMLIFrameElement;
    if (d.body?.html) frame.srcdoc = d.body.html;
    detail.append(h("section", { class: "intake-detail", "data-testid": "intake-detail" },
      h("h3", {}, d.subject || "(sans objet)", " ", badge(d.status)),
      h("p", {}, `${d.fromName ?? ""} <${d.from ?? "?"}> · ${formatDate(d.receivedAt)}`),
      d.reason ? h("p", { class: d.status === "quarantined" ? "intake-error" : "muted" }, d.reason) : null,
      d.parseError ? h("p", { class: "intake-error" }, d.parseError) : null,
      actions,
      d.body ? h("div", {}, h("h4", {}, t("intake.detail.text")), h("pre", {}, d.body.text)) : null,
      d.body?.html ? h("div", {}, h("h4", {}, t("intake.detail.html")), frame) : null,
      d.body?.attachments.length ? h("div", {}, h("h4", {}, t("intake.detail.attachments")), h("ul", {}, ...d.body.attachments.map((a) => h("li", {}, `${a.filename} (${a.contentType}, ${Math.ceil(a.size / 1024)} Ko)${a.tnef ? " — TNEF" : ""}${a.inline ? " — inline" : ""}`)))) : null,
      skipped.length ? h("div", {}, h("h4", {}, t("intake.detail.skipped")), h("ul", {}, ...skipped.map((s) => h("li", {}, `${s.filename} : ${s.reason}`)))) : null,
    ));
  };
  const toolbar = h("div", { class: "intake-toolbar" });
  if (!only) {
    const select = h("select", { "aria-label": t("intake.col.status"), onchange: (e: Event) => { status = (e.target as HTMLSelectElement).value; void load(); } },
      h("option", { value: "" }, t("intake.filter.all")), ...["processed", "quarantined", "ignored", "duplicate", "discarded"].map((s) => h("option", { value: s }, t(`intake.status.${s}`))));
    toolbar.append(select);
  }
  if (can(session, "dossiers.write")) {
    const file = h("input", { type: "file", accept: ".eml,message/rfc822", "aria-label": t("intake.upload") }) as HTMLInputElement;
    const onto = h("input", { type: "text", placeholder: t("intake.upload.dossier"), "aria-label": t("intake.upload.dossier") }) as HTMLInputElement;
    const send = h("button", { type: "button", onclick: async () => {
      const f = file.files?.[0];
      if (!f) return;
      try {
        const result = await api<{ status: string }>("POST", `/api/mail/uploads${onto.value.trim() ? `?dossier=${encodeURIComponent(onto.value.trim())}` : ""}`, undefined, { body: f, headers: { "content-type": "message/rfc822", accept: "application/json", "x-requested-with": "XMLHttpRequest", ...(session.csrfToken ? { "x-csrf-token": session.csrfToken } : {}) } });
        message.className = "muted";
        message.textContent = t("intake.upload.done", { status: t(`intake.status.${result.status}`) });
        await load();
      } catch (error) {
        message.className = "intake-error";
        message.textContent = (error as Error).message;
      }
    } }, t("intake.upload"));
    toolbar.append(file, onto, send);
  }
  container.append(toolbar, message, list, detail);
  await load();
}
