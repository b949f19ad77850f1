/**
 * The global search box of the top bar: dossiers, parties and document text (GET /api/search),
 * as you type (debounced), in a dropdown the keyboard can walk (arrows, Enter, Escape; "/" puts
 * the focus in the box from anywhere on the page).
 */
import { api } from "./api.js";
import { h } from "./dom.js";
import { lang, register, t } from "./i18n.js";
import "./search.css";

register({
  fr: {
    "nav.dossiers": "Dossiers", "nav.admin": "Administration",
    "search.label": "Recherche globale", "search.placeholder": "Rechercher un dossier, un client, un document…  ( / )",
    "search.dossiers": "Dossiers", "search.parties": "Contacts", "search.documents": "Documents", "search.none": "Aucun résultat pour « {q} ».",
    "search.in": "dans {refs}", "search.partyDossiers": "voir ses dossiers",
  },
  en: {
    "nav.dossiers": "Files", "nav.admin": "Administration",
    "search.label": "Global search", "search.placeholder": "Search a file, a customer, a document…  ( / )",
    "search.dossiers": "Files", "search.parties": "Contacts", "search.documents": "Documents", "search.none": "Nothing found for “{q}”.",
    "search.in": "in {refs}", "search.partyDossiers": "see their files",
  },
});

interface Results {
  dossiers: Array<{ reference: string; title: string; stateLabel?: string; state: string; typeName?: string; customer?: { name: string } | null }>;
  parties: Array<{ id: string | number; name: string; email?: string | null; phone?: string | null; city?: string | null }>;
  documents: Array<{ id: string | number; filename: string; snippet?: string; dossiers: Array<{ reference: string; title: string }> }>;
}

/**
 * A snippet from the server (HTML-escaped text with the matches in <mark>): parsed inert in a
 * template, then rebuilt from its text and <mark> elements only.
 */
function snippet(html: string): HTMLElement {
  const template = document.createElement("template");
  template.innerHTML = html;
  const out = h("span", { class: "snippet" });
  const walk = (node: Node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) out.append(child.textContent ?? "");
      else if (child instanceof Element && /^(mark|b)$/i.test(child.tagName)) out.append(h("mark", {}, child.textContent ?? ""));
      else walk(child);
    }
  };
  walk(template.content);
  return out;
}

export function searchBox(): HTMLElement {
  let timer = 0;
  let generation = 0;
  let active = -1;
  const list = h("div", { class: "search-results", id: "global-search-results", role: "listbox", hidden: true, "aria-label": t("search.label") });
  const input = h("input", {
    type: "search", id: "global-search", name: "global-search", autocomplete: "off", role: "combobox", "aria-expanded": "false",
    "aria-controls": "global-search-results", "aria-autocomplete": "list", "aria-label": t("search.label"), placeholder: t("search.placeholder"),
    oninput: () => { window.clearTimeout(timer); timer = window.setTimeout(() => void run(), 250); },
    onfocus: () => { if (list.childElementCount && input.value.trim().length >= 2) open(true); },
    onkeydown: (e: KeyboardEvent) => keys(e),
  });
  const box = h("div", { class: "global-search", role: "search" }, input, list);

  const open = (on: boolean) => {
    list.hidden = !on;
    input.setAttribute("aria-expanded", String(on));
    if (!on) { active = -1; input.removeAttribute("aria-activedescendant"); }
  };

  async function run(): Promise<void> {
    const q = input.value.trim();
    const mine = ++generation;
    if (q.length < 2) return open(false);
    let results: Results;
    try {
      results = await api<Results>("GET", `/api/search?q=${encodeURIComponent(q)}&lang=${lang()}`);
    } catch {
      return;
    }
    if (mine !== generation) return;
    render(q, results);
    open(true);
  }

  function option(href: string, ...children: Array<Node | string | null>): HTMLElement {
    return h("a", { href, role: "option", class: "search-option", id: `gs-${Math.random().toString(36).slice(2, 9)}`, "aria-selected": "false", tabindex: "-1" }, ...children);
  }

  function render(q: string, r: Results): void {
    const groups: HTMLElement[] = [];
    const group = (title: string, items: HTMLElement[], kind: string) => {
      if (items.length) groups.push(h("div", { class: "search-group", role: "group", "aria-label": title, "data-group": kind }, h("p", { class: "search-group-title" }, title), ...items));
    };
    group(t("search.dossiers"), (r.dossiers ?? []).map((d) => option(`/dossiers/${encodeURIComponent(d.reference)}`,
      h("strong", {}, d.reference), ` ${d.title}`, h("span", { class: "muted" }, ` · ${[d.typeName, d.stateLabel ?? d.state, d.customer?.name].filter(Boolean).join(" · ")}`))), "dossiers");
    group(t("search.parties"), (r.parties ?? []).map((p) => option(`/dossiers?party=${encodeURIComponent(String(p.id))}`,
      h("strong", {}, p.name), h("span", { class: "muted" }, ` · ${[p.email, p.phone, p.city].filter(Boolean).join(" · ")} · ${t("search.partyDossiers")}`))), "parties");
    group(t("search.documents"), (r.documents ?? []).map((d) => {
      const first = d.dossiers[0];
      return option(first ? `/dossiers/${encodeURIComponent(first.reference)}#documents` : "#", h("strong", {}, d.filename),
        d.dossiers.length ? h("span", { class: "muted" }, ` · ${t("search.in", { refs: d.dossiers.map((x) => `${x.reference} ${x.title}`).join(", ") })}`) : null,
        d.snippet ? h("span", { class: "snippet-line" }, snippet(d.snippet)) : null);
    }), "documents");
    list.replaceChildren(...(groups.length ? groups : [h("p", { class: "search-empty" }, t("search.none", { q }))]));
    active = -1;
  }

  function keys(e: KeyboardEvent): void {
    const options = [...list.querySelectorAll<HTMLElement>("[role=option]")];
    if ((e.key === "ArrowDown" || e.key === "ArrowUp") && options.length) {
      e.preventDefault();
      if (list.hidden) open(true);
      active = (active + (e.key === "ArrowDown" ? 1 : options.length - 1 + (active < 0 ? 1 : 0))) % options.length;
      options.forEach((o, i) => o.setAttribute("aria-selected", String(i === active)));
      input.setAttribute("aria-activedescendant", options[active]!.id);
      options[active]!.scrollIntoView({ block: "nearest" });
    } else if (e.key === "Enter") {
      const target = options[active >= 0 ? active : 0];
      if (target && !list.hidden) { e.preventDefault(); location.assign(target.getAttribute("href")!); }
    } else if (e.key === "Escape") {
      if (!list.hidden) { e.preventDefault(); e.stopPropagation(); open(false); }
    }
  }

  document.addEventListener("click", (e) => { if (!box.contains(e.target as Node)) open(false); });
  document.addEventListener("keydown", (e) => {
    const target = e.target as HTMLElement;
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || target.closest("input, textarea, select, [contenteditable], .fjs-form, .djs-container")) return;
    e.preventDefault();
    input.focus();
  });
  return box;
}
