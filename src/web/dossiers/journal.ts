/**
 * The journal of every change (who, when, what, before → after) with the chain badge: the server
 * re-computes the hash chain of the dossier's entries ("Chaîne intègre ✓ (n entrées)" or, in red,
 * "Chaîne rompue à l'entrée n").
 */
import { h } from "../shared/dom.js";
import { formatDate, t } from "../shared/i18n.js";
import { journal, verifyJournal, type JournalEntry } from "./data.js";
import { errorText, section } from "./widgets.js";

export class JournalSection {
  readonly element: HTMLElement;
  private readonly badge = h("span", { class: "chain", "data-testid": "chain" });
  private readonly list = h("ol", { class: "journal", "data-testid": "journal", reversed: true });
  private readonly more = h("p", { class: "journal-more" });

  constructor(private readonly reference: string) {
    this.element = section("journal", t("dossiers.journal"),
      h("p", {}, this.badge, " ", h("button", { type: "button", class: "link", "data-action": "verify", onclick: () => void this.verify() }, t("dossiers.journal.verify"))),
      h("details", { class: "journal-details", open: true }, h("summary", {}, t("dossiers.journal.entries")), this.list, this.more));
  }

  async load(): Promise<void> {
    await Promise.all([this.verify(), this.entries()]);
  }

  private async verify(): Promise<void> {
    this.badge.className = "chain";
    this.badge.textContent = t("dossiers.journal.checking");
    try {
      const v = await verifyJournal(this.reference);
      this.badge.className = `chain ${v.valid ? "valid" : "broken"}`;
      this.badge.dataset["valid"] = String(v.valid);
      this.badge.textContent = v.valid ? t("dossiers.journal.valid", { count: v.entries })
        : t("dossiers.journal.broken", { seq: v.firstInvalid?.seq ?? "?" }) + (v.firstInvalid?.reason ? ` (${v.firstInvalid.reason})` : "");
    } catch (e) {
      this.badge.className = "chain broken";
      this.badge.textContent = errorText(e);
    }
  }

  private async entries(): Promise<void> {
    try {
      const { items, next } = await journal(this.reference, undefined, 100);
      this.list.replaceChildren(...[...items].reverse().map((e) => this.item(e)));
      this.older(next ?? null);
    } catch (e) {
      this.list.replaceChildren(h("li", { class: "error" }, errorText(e)));
    }
  }

  /** Newest first; older entries page in on demand (the journal of a long-lived contract is long). */
  private older(next: string | null): void {
    this.more.replaceChildren();
    if (!next) return;
    const button = h("button", { type: "button", class: "link", "data-action": "older", onclick: async () => {
      button.disabled = true;
      try {
        const page = await journal(this.reference, undefined, 100, next);
        this.list.append(...[...page.items].reverse().map((e) => this.item(e)));
        this.older(page.next ?? null);
      } catch (e) {
        this.more.replaceChildren(h("span", { class: "error" }, errorText(e)));
      }
    } }, t("dossiers.journal.older"));
    this.more.append(button);
  }

  private item(e: JournalEntry): HTMLElement {
    const label = t(`dossiers.journal.action.${e.action}`);
    return h("li", { "data-seq": e.seq, "data-action": e.action, class: e.private ? "private" : "" },
      h("div", { class: "meta muted" }, h("span", { class: "seq" }, `#${e.seq}`), " ", formatDate(e.at), " · ", e.actor,
        e.private ? h("span", { class: "badge private" }, t("dossiers.note.private")) : null),
      h("div", {}, h("strong", {}, label === `dossiers.journal.action.${e.action}` ? e.action : label), e.summary ? ` — ${e.summary}` : ""));
  }
}
