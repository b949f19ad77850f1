/**
 * Finds the caller in the address book as you type (name, email, phone, VAT number, city) or
 * creates them on the fly. A new party is checked against the address book (same email, phone, VAT
 * number, a close name at the same postcode) and the possible duplicates are offered instead.
 * The picker's value is either `{partyId}` or `{party: {…}}` (created with the dossier, atomically).
 */
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { partyDuplicates, searchParties, type PartySummary } from "./data.js";
import { fill } from "./widgets.js";

export type PartyChoice = { partyId: number | string; summary: PartySummary } | { party: Record<string, unknown> } | null;

export class PartyPicker {
  readonly element: HTMLElement;
  private chosen: PartySummary | null = null;
  private creating = false;
  private results: PartySummary[] = [];
  private active = -1;
  private timer = 0;
  private dupTimer = 0;
  private generation = 0;
  private readonly input: HTMLInputElement;
  private readonly list = h("ul", { class: "party-results", role: "listbox", id: "party-results", hidden: true });
  private readonly selected = h("div", { class: "party-selected", hidden: true });
  private readonly createForm: HTMLElement;
  private readonly duplicates = h("div", { class: "duplicates", role: "alert", hidden: true, "data-testid": "duplicates" });

  constructor(private readonly events: { searched?(): void; chosen?(party: PartyChoice): void } = {}) {
    this.input = h("input", {
      id: "party-search", type: "search", autocomplete: "off", role: "combobox", "aria-expanded": "false", "aria-controls": "party-results",
      "aria-autocomplete": "list", placeholder: t("dossiers.party.search.placeholder"),
      oninput: () => { window.clearTimeout(this.timer); this.timer = window.setTimeout(() => void this.search(), 250); },
      onkeydown: (e: KeyboardEvent) => this.keys(e),
    });
    this.createForm = this.partyForm();
    this.element = h("fieldset", { class: "party-picker", "data-testid": "party-picker" },
      h("legend", {}, t("dossiers.party.legend")),
      h("div", { class: "party-find" },
        h("label", { for: "party-search" }, t("dossiers.party.search")),
        h("div", { class: "combo" }, this.input, this.list),
        h("button", { type: "button", class: "link", "data-action": "create-party", onclick: () => this.startCreate() }, t("dossiers.party.createNew"))),
      this.selected, this.createForm, this.duplicates);
  }

  setLegend(text: string): void {
    const legend = this.element.querySelector("legend");
    if (legend) legend.textContent = text;
  }

  get value(): PartyChoice {
    if (this.chosen) return { partyId: this.chosen.id, summary: this.chosen };
    if (this.creating) return { party: this.readParty() };
    return null;
  }

  /** A short text for the dossier title suggestion. */
  get displayName(): string {
    if (this.chosen) return this.chosen.name;
    if (!this.creating) return "";
    const p = this.readParty();
    return String(p["name"] ?? [p["lastName"], p["firstName"]].filter(Boolean).join(" "));
  }

  private async search(): Promise<void> {
    const q = this.input.value.trim();
    const generation = ++this.generation;
    if (q.length < 2) return this.showResults([]);
    try {
      const found = await searchParties(q);
      if (generation === this.generation) { this.showResults(found); this.events.searched?.(); }
    } catch {
      if (generation === this.generation) this.showResults([]);
    }
  }

  private showResults(items: PartySummary[]): void {
    this.results = items;
    this.active = -1;
    const q = this.input.value.trim();
    fill(this.list, 
      ...items.map((p, i) => h("li", { role: "option", id: `party-opt-${i}`, class: "party-option", "data-party": String(p.id), "aria-selected": "false",
        onmousedown: (e: Event) => { e.preventDefault(); this.choose(p); } },
      h("strong", {}, p.name), h("span", { class: "muted" }, [p.email, p.phone, p.city].filter(Boolean).join(" · ")))),
      q.length >= 2 ? h("li", { role: "option", id: `party-opt-${items.length}`, class: "party-option create", "aria-selected": "false",
        onmousedown: (e: Event) => { e.preventDefault(); this.startCreate(q); } }, items.length ? t("dossiers.party.createNamed", { name: q }) : t("dossiers.party.noneCreate", { name: q })) : null);
    const open = q.length >= 2;
    this.list.hidden = !open;
    this.input.setAttribute("aria-expanded", String(open));
  }

  private keys(e: KeyboardEvent): void {
    const options = [...this.list.querySelectorAll<HTMLElement>("[role=option]")];
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!options.length) return;
      e.preventDefault();
      this.active = (this.active + (e.key === "ArrowDown" ? 1 : options.length - 1)) % options.length;
      options.forEach((o, i) => o.setAttribute("aria-selected", String(i === this.active)));
      this.input.setAttribute("aria-activedescendant", options[this.active]!.id);
    } else if (e.key === "Enter" && !this.list.hidden) {
      e.preventDefault();
      const i = this.active >= 0 ? this.active : 0;
      const party = this.results[i];
      if (party) this.choose(party);
      else if (options[i]) this.startCreate(this.input.value.trim());
    } else if (e.key === "Escape" && !this.list.hidden) {
      e.preventDefault();
      this.showResults([]);
      this.list.hidden = true;
    }
  }

  choose(party: PartySummary): void {
    this.chosen = party;
    this.creating = false;
    this.createForm.hidden = true;
    this.duplicates.hidden = true;
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.selected.hidden = false;
    this.selected.replaceChildren(
      h("p", { "data-testid": "party-chosen" }, h("strong", {}, party.name), " ", h("span", { class: "muted" }, [party.email, party.phone, party.city].filter(Boolean).join(" · "))),
      h("button", { type: "button", class: "link", onclick: () => this.reset() }, t("dossiers.party.change")));
    this.events.chosen?.(this.value);
  }

  private reset(): void {
    this.chosen = null;
    this.creating = false;
    this.selected.hidden = true;
    this.createForm.hidden = true;
    this.duplicates.hidden = true;
    this.input.value = "";
    this.input.focus();
    this.events.chosen?.(null);
  }

  private startCreate(name = ""): void {
    this.chosen = null;
    this.creating = true;
    this.selected.hidden = true;
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.createForm.hidden = false;
    // "DUPONT Jean" → last name + first name; otherwise the text goes to the name it looks like.
    if (name) {
      const [first, ...rest] = name.split(/\s+/);
      const q = (sel: string) => this.createForm.querySelector<HTMLInputElement>(sel)!;
      if (q("[name=kind]:checked").value === "person") { q("[name=lastName]").value = first ?? ""; q("[name=firstName]").value = rest.join(" "); }
      else q("[name=orgName]").value = name;
    }
    this.createForm.querySelector<HTMLInputElement>("[name=kind]:checked")?.focus();
    this.events.chosen?.(this.value);
    this.checkDuplicates();
  }

  private partyForm(): HTMLElement {
    const input = (name: string, text: string, attrs: Record<string, string | boolean> = {}) =>
      h("label", { class: `field pf-${name}` }, h("span", {}, text), h("input", { name, autocomplete: "off", oninput: () => this.checkDuplicates(), ...attrs }));
    const kind = (value: string, text: string, checked = false) =>
      h("label", { class: "check" }, h("input", { type: "radio", name: "kind", value, checked, onchange: () => this.syncKind() }), " ", text);
    const form = h("div", { class: "party-form", hidden: true, "data-testid": "party-form" },
      h("div", { class: "row" }, kind("person", t("dossiers.party.person"), true), kind("organisation", t("dossiers.party.organisation"))),
      h("div", { class: "grid" },
        input("orgName", t("dossiers.party.name")),
        input("lastName", t("dossiers.party.lastName")), input("firstName", t("dossiers.party.firstName")),
        input("email", t("dossiers.party.email"), { type: "email" }), input("phone", t("dossiers.party.phone"), { type: "tel" }),
        input("street", t("dossiers.party.street")), input("number", t("dossiers.party.number")),
        input("postcode", t("dossiers.party.postcode")), input("city", t("dossiers.party.city")),
        input("country", t("dossiers.party.country"), { value: "FR" }),
        input("vatNumber", t("dossiers.party.vatNumber"))),
      h("div", { class: "row" },
        h("label", { class: "check" }, h("input", { type: "checkbox", name: "prospect", checked: true }), " ", t("dossiers.party.prospect")),
        h("label", { class: "check" }, h("input", { type: "checkbox", name: "customer" }), " ", t("dossiers.party.customer")),
        h("label", { class: "check" }, h("input", { type: "checkbox", name: "vatSubject" }), " ", t("dossiers.party.vatSubject"))),
      h("button", { type: "button", class: "link", onclick: () => this.reset() }, t("dossiers.party.cancelCreate")));
    queueMicrotask(() => this.syncKind());
    return form;
  }

  private syncKind(): void {
    const org = this.createForm.querySelector<HTMLInputElement>("[name=kind]:checked")?.value === "organisation";
    for (const [cls, show] of [["pf-orgName", org], ["pf-lastName", !org], ["pf-firstName", !org]] as const) {
      const el = this.createForm.querySelector<HTMLElement>(`.${cls}`);
      if (el) el.hidden = !show;
    }
  }

  private readParty(): Record<string, unknown> {
    const v = (name: string) => this.createForm.querySelector<HTMLInputElement>(`[name=${name}]`)?.value.trim() ?? "";
    const c = (name: string) => this.createForm.querySelector<HTMLInputElement>(`[name=${name}]`)?.checked ?? false;
    const org = this.createForm.querySelector<HTMLInputElement>("[name=kind]:checked")?.value === "organisation";
    // docs/parties.md: a person's name is lastName/firstName; flags a list; phones as typed; unknown or empty parts left out.
    const party: Record<string, unknown> = { kind: org ? "organisation" : "person" };
    if (org) party["name"] = v("orgName");
    else { party["lastName"] = v("lastName"); if (v("firstName")) party["firstName"] = v("firstName"); }
    if (v("email")) party["emails"] = [v("email")];
    if (v("phone")) party["phones"] = [v("phone")];
    const address: Record<string, string> = {};
    for (const k of ["street", "number", "postcode", "city", "country"]) if (v(k)) address[k] = v(k);
    if (Object.keys(address).some((k) => k !== "country")) party["address"] = address;
    else if (address["country"]) party["address"] = { country: address["country"] };
    const flags = (["prospect", "customer"] as const).filter((f) => c(f));
    if (flags.length) party["flags"] = flags;
    if (c("vatSubject") || v("vatNumber")) party["vatSubject"] = true;
    if (v("vatNumber")) party["vatNumber"] = v("vatNumber");
    return party;
  }

  /** Asks the address book for possible duplicates of the party being typed (debounced). */
  private checkDuplicates(): void {
    window.clearTimeout(this.dupTimer);
    this.dupTimer = window.setTimeout(async () => {
      if (!this.creating) return;
      const party = this.readParty();
      const named = party["name"] || party["lastName"] || party["emails"] || party["phones"] || party["vatNumber"];
      if (!named) { this.duplicates.hidden = true; return; }
      try {
        const found = await partyDuplicates(party);
        if (!this.creating) return;
        this.duplicates.hidden = found.length === 0;
        this.duplicates.replaceChildren(
          h("p", {}, h("strong", {}, t("dossiers.party.duplicates", { count: found.length }))),
          h("ul", {}, ...found.map(({ party: p, reasons }) => h("li", {},
            h("strong", {}, p.name), " ", h("span", { class: "muted" }, [p.email, p.phone, p.city].filter(Boolean).join(" · ")),
            " — ", h("em", {}, reasons.map((r) => t(`dossiers.party.reason.${r}`) === `dossiers.party.reason.${r}` ? r : t(`dossiers.party.reason.${r}`)).join(", ")), " ",
            h("button", { type: "button", "data-action": "use-duplicate", onclick: () => this.choose(p) }, t("dossiers.party.useThis"))))),
          h("p", { class: "muted" }, t("dossiers.party.duplicatesHint")));
      } catch {
        this.duplicates.hidden = true;
      }
    }, 400);
  }
}
