/** The "mailboxes" tab: IMAP mailboxes with their state and last error; add, check now, delete (mail.manage). */
import { api, type Session } from "../shared/api.js";
import { clear, h } from "../shared/dom.js";
import { formatDate, t } from "../shared/i18n.js";

interface Mailbox {
  id: number; name: string; origin: string; host: string; port: number; tls: boolean; username: string; folder: string; afterAction: string; moveTo: string | null;
  maxAgeDays: number | null; consume: string; enabled: boolean; state: string; lastError: string | null; lastCheckAt: number | null;
}

export async function renderMailboxes(container: HTMLElement, _session: Session): Promise<void> {
  clear(container);
  const list = h("div");
  const message = h("div", { role: "status" });
  const load = async () => {
    const { items } = await api<{ items: Mailbox[] }>("GET", "/api/mail/mailboxes");
    clear(list);
    if (items.length === 0) return void list.append(h("p", { class: "muted" }, t("intake.mb.none")));
    list.append(h("table", { class: "intake-table", "data-testid": "mailboxes" },
      h("thead", {}, h("tr", {}, ...["name", "server", "user", "folder", "after", "state", "lastError"].map((c) => h("th", {}, t(`intake.mb.${c}`))), h("th", {}))),
      h("tbody", {}, ...items.map((m) => h("tr", {},
        h("td", {}, m.name, m.origin === "env" ? h("div", { class: "muted" }, t("intake.mb.env")) : null),
        h("td", {}, `${m.tls ? "imaps" : "imap"}://${m.host}:${m.port}`),
        h("td", {}, m.username),
        h("td", {}, m.folder),
        h("td", {}, t(`intake.mb.after.${m.afterAction}`), m.moveTo ? ` → ${m.moveTo}` : ""),
        h("td", {}, h("span", { class: `intake-badge ${m.state}` }, t(`intake.mb.state.${m.state}`)), m.lastCheckAt ? h("div", { class: "muted" }, formatDate(m.lastCheckAt)) : null),
        h("td", { class: m.lastError ? "intake-error" : "" }, m.lastError ?? "—"),
        h("td", {},
          h("button", { type: "button", onclick: async () => { await api("POST", `/api/mail/mailboxes/${m.id}/check`, {}); setTimeout(() => void load(), 800); } }, t("intake.mb.check")),
          m.origin === "ui" ? h("button", { type: "button", onclick: async () => { await api("DELETE", `/api/mail/mailboxes/${m.id}`); await load(); } }, t("intake.mb.delete")) : null),
      ))),
    ));
  };
  const field = (name: string, label: string, input: HTMLElement) => h("label", {}, label, (input.setAttribute("name", name), input));
  const form = h("form", { class: "intake-form", "data-testid": "mailbox-form" },
    h("strong", { class: "wide" }, t("intake.mb.add")),
    field("name", t("intake.mb.name"), h("input", { required: true })),
    field("host", t("intake.mb.server"), h("input", { required: true, placeholder: "imap.example.fr" })),
    field("port", t("intake.mb.port"), h("input", { type: "number", value: "993", min: "1", max: "65535" })),
    field("tls", t("intake.mb.tls"), h("select", {}, h("option", { value: "true" }, t("intake.yes")), h("option", { value: "false" }, t("intake.no")))),
    field("username", t("intake.mb.user"), h("input", { required: true, autocomplete: "off" })),
    field("password", t("intake.mb.password"), h("input", { type: "password", required: true, autocomplete: "new-password" })),
    field("folder", t("intake.mb.folder"), h("input", { value: "INBOX" })),
    field("afterAction", t("intake.mb.after"), h("select", {}, ...["seen", "flag", "move"].map((a) => h("option", { value: a }, t(`intake.mb.after.${a}`))))),
    field("moveTo", t("intake.mb.moveTo"), h("input", { placeholder: "Traités" })),
    field("maxAgeDays", t("intake.mb.maxAge"), h("input", { type: "number", min: "1" })),
    field("consume", t("intake.mb.consume"), h("select", {}, ...["both", "attachments", "eml"].map((a) => h("option", { value: a }, t(`intake.mb.consume.${a}`))))),
    h("div", { class: "wide" }, h("button", { type: "submit" }, t("common.save"))),
  ) as HTMLFormElement;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const v = (n: string) => (form.elements.namedItem(n) as HTMLInputElement).value;
    try {
      await api("POST", "/api/mail/mailboxes", {
        name: v("name"), host: v("host"), port: Number(v("port")), tls: v("tls") === "true", username: v("username"), password: v("password"), folder: v("folder") || "INBOX",
        afterAction: v("afterAction"), ...(v("moveTo") ? { moveTo: v("moveTo") } : {}), ...(v("maxAgeDays") ? { maxAgeDays: Number(v("maxAgeDays")) } : {}), consume: v("consume"),
      });
      form.reset();
      message.textContent = "";
      await load();
    } catch (error) {
      message.className = "intake-error";
      message.textContent = (error as Error).message;
    }
  });
  container.append(list, message, form);
  await load();
}
