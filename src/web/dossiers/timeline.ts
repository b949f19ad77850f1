/**
 * The exchanges timeline: notes (public ones will be visible to the customer in the portal,
 * private ones only to the sector) and logged phone calls, newest first; a note form and the call
 * form of the intake script.
 */
import { h } from "../shared/dom.js";
import { formatDate, t } from "../shared/i18n.js";
import { CallForm, SCRIPT_STEPS } from "./calls.js";
import { openMailCompose } from "./mail-compose.js";
import { addNote, journal, logCall, type JournalEntry } from "./data.js";
import { errorText, section, toast } from "./widgets.js";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" ? (v as Obj) : {});

/** A known outcome in the user's language, a free-text one as written. */
function outcomeText(outcome: string): string {
  const key = `dossiers.call.outcome.${outcome}`;
  const text = t(key);
  return text === key ? outcome : text;
}

export class TimelineSection {
  readonly element: HTMLElement;
  private readonly list = h("ol", { class: "timeline", "data-testid": "timeline" });
  private readonly callHost = h("div", { class: "call-host" });

  constructor(private readonly reference: string, private readonly canWrite: boolean, private readonly changed: () => Promise<void>) {
    this.element = section("exchanges", t("dossiers.exchanges"),
      canWrite ? this.noteForm() : null,
      canWrite ? h("button", { type: "button", "data-action": "log-call", onclick: () => this.openCall() }, t("dossiers.call.log")) : null,
      canWrite ? h("button", { type: "button", "data-action": "write-mail", onclick: () => void openMailCompose(this.reference, async () => { toast(t("mail.compose.sent")); await this.changed(); }).catch((err) => toast(errorText(err))) }, t("mail.compose.open")) : null,
      this.callHost, this.list);
  }

  async load(): Promise<void> {
    try {
      const { items } = await journal(this.reference, "exchanges");
      const entries = [...items].reverse();
      this.list.replaceChildren(...(entries.length ? entries.map((e) => this.item(e)) : [h("li", { class: "muted" }, t("dossiers.exchanges.none"))]));
    } catch (e) {
      this.list.replaceChildren(h("li", { class: "error" }, errorText(e)));
    }
  }

  /** A mail sent (mail.sent) or received (mail.received, by the intake): one thread with the notes and calls. */
  private mailItem(e: JournalEntry, after: Obj): HTMLElement {
    const received = e.action === "mail.received";
    const list = (v: unknown) => (Array.isArray(v) ? v.join(", ") : String(v ?? "—"));
    const docs = Array.isArray(after["documentIds"]) ? after["documentIds"].length : 0;
    const id = after["outboundId"];
    return h("li", { class: `exchange mail ${received ? "received" : "sent"}`, "data-seq": e.seq, "data-action": e.action }, 
      h("p", { class: "meta muted" }, formatDate(e.at), " · ", e.actor ?? "", " · ", h("span", { class: `badge ${received ? "mail-received" : "mail-sent"}` }, t(received ? "mail.timeline.received" : "mail.timeline.sent"))),
      h("p", {}, h("strong", {}, String(after["subject"] ?? e.summary ?? "")) ),
      h("p", { class: "muted small" }, received ? t("mail.timeline.from", { from: String(after["from"] ?? "—") }) : t("mail.timeline.to", { to: list(after["to"]) })),
      after["excerpt"] ? h("p", { class: "text" }, String(after["excerpt"])) : null,
      docs ? h("p", { class: "muted small" }, t("mail.timeline.documents", { n: docs })) : null,
      !received && typeof id === "number" ? h("p", { class: "small" }, h("a", { href: `/mail/sent?id=${id}` }, t("mail.timeline.open"))) : null);
  }

  private item(e: JournalEntry): HTMLElement {
    const after = obj(e.after ?? e.data);
    if (e.action === "mail.sent" || e.action === "mail.received") return this.mailItem(e, after);
    const isCall = /call/i.test(e.action);
    const isPublic = after["public"] === true || (!isCall && e.private === false && after["public"] !== false && /public/i.test(e.action));
    const head = h("p", { class: "meta muted" }, formatDate(e.at), " · ", e.actor, " · ",
      isCall ? [h("span", { class: "badge call" }, after["direction"] === "out" ? t("dossiers.call.out") : t("dossiers.call.in")),
        e.private ? h("span", { class: "badge private" }, t("dossiers.note.private")) : null]
        : h("span", { class: `badge ${isPublic ? "public" : "private"}` }, isPublic ? t("dossiers.note.public") : t("dossiers.note.private")));
    if (isCall) {
      const script = obj(after["script"]);
      const done = SCRIPT_STEPS.filter((s) => script[s]);
      return h("li", { class: "exchange call", "data-seq": e.seq }, head,
        h("p", {}, h("strong", {}, t("dossiers.call.with", { contact: String(after["contact"] ?? "—") })),
          after["outcome"] ? ` · ${outcomeText(String(after["outcome"]))}` : ""),
        after["summary"] ? h("p", { class: "text" }, String(after["summary"])) : (e.summary ? h("p", { class: "text" }, e.summary) : null),
        done.length ? h("p", { class: "muted small" }, t("dossiers.call.steps", { done: done.length, total: SCRIPT_STEPS.length })) : null);
    }
    return h("li", { class: `exchange note ${isPublic ? "public" : "private"}`, "data-seq": e.seq }, head,
      h("p", { class: "text" }, String(after["text"] ?? e.summary ?? "")));
  }

  private noteForm(): HTMLElement {
    const text = h("textarea", { name: "note", rows: 2, placeholder: t("dossiers.note.placeholder"), "aria-label": t("dossiers.note.add") });
    const isPublic = h("input", { type: "checkbox", name: "public" });
    const submit = h("button", { type: "submit", "data-action": "add-note" }, t("dossiers.note.add"));
    const form: HTMLFormElement = h("form", { class: "note-form", onsubmit: async (e: Event) => {
      e.preventDefault();
      if (!text.value.trim()) return text.focus();
      submit.disabled = true;
      try {
        await addNote(this.reference, text.value.trim(), isPublic.checked);
        form.reset();
        toast(t("dossiers.note.added"));
        await this.changed();
      } catch (err) {
        toast(errorText(err));
      } finally {
        submit.disabled = false;
      }
    } }, text, h("div", { class: "row" }, h("label", { class: "check", title: t("dossiers.note.publicHint") }, isPublic, " ", t("dossiers.note.makePublic")), submit));
    // Ctrl+Enter sends the note from the text area.
    text.addEventListener("keydown", (e: KeyboardEvent) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); } });
    return form;
  }

  private openCall(): void {
    const call = new CallForm();
    call.tick("greet");
    call.tick("search");
    const save = h("button", { type: "button", class: "primary", "data-action": "save-call", onclick: async () => {
      save.disabled = true;
      try {
        await logCall(this.reference, call.value());
        this.callHost.replaceChildren();
        toast(t("dossiers.call.saved"));
        await this.changed();
      } catch (err) {
        save.disabled = false;
        toast(errorText(err));
      }
    } }, t("dossiers.call.save"));
    this.callHost.replaceChildren(h("div", { class: "call-panel" }, call.element,
      h("div", { class: "form-actions" }, h("button", { type: "button", onclick: () => this.callHost.replaceChildren() }, t("common.cancel")), save)));
    this.callHost.querySelector<HTMLElement>("[name=contact]")?.focus();
  }
}
