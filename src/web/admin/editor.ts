/**
 * One dossier type, edited by an administrator: names, reference pattern, fields, party roles,
 * document types, states and transitions, deadlines, the process catalogue (opening process,
 * actions, reactions) with processes picked among the deployed ones. A JSON view is there for
 * whatever the forms do not cover. Save = PUT /api/dossier-types/{id}: a new version; the 400's
 * problems are listed and their rows marked.
 */
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { dossierType, dossierTypes, label, problemsOf, processDefinitions, saveDossierType, type TypeDefinition } from "../dossiers/data.js";
import { rowsEditor, type Column } from "./rows.js";

const FIELD_TYPES = ["text", "longText", "number", "amount", "date", "boolean", "choice", "multiChoice", "email", "phone", "party", "document"];
const EVENTS = ["state.changed", "document.received", "deadline.reached", "dossier.created"];

function blank(id: string): TypeDefinition {
  return {
    id, name: { fr: "", en: "" }, referencePattern: `${id.slice(0, 3).toUpperCase() || "DOS"}-{YYYY}-{00000}`, fields: [], partyRoles: [{ id: "customer", label: { fr: "Client", en: "Customer" }, required: true }],
    documentTypes: [], childTypes: [], states: [{ id: "ouvert", label: { fr: "Ouvert", en: "Open" }, initial: true }, { id: "clos", label: { fr: "Clos", en: "Closed" }, final: true }],
    transitions: [{ from: "ouvert", to: "clos", roles: ["agent", "manager", "administrator"] }], deadlines: [], catalogue: { actions: [], reactions: [] },
  };
}

export async function typeEditor(main: HTMLElement, typeId: string | null): Promise<void> {
  const [existing, all, processes] = await Promise.all([
    typeId ? dossierType(typeId) : Promise.resolve(null), dossierTypes().catch(() => []), processDefinitions().catch(() => []),
  ]);
  const draft: TypeDefinition = existing ? structuredClone(existing) : blank("");
  draft.fields ??= []; draft.partyRoles ??= []; draft.documentTypes ??= []; draft.states ??= []; draft.transitions ??= []; draft.deadlines ??= []; draft.childTypes ??= [];
  draft.catalogue ??= {}; draft.catalogue.actions ??= []; draft.catalogue.reactions ??= [];
  delete draft.version;
  let dirty = false;
  const dirtyBadge = h("span", { class: "muted dirty", hidden: true }, t("admin.unsaved"));
  const changed = () => { dirty = true; dirtyBadge.hidden = false; };
  window.addEventListener("beforeunload", (e) => { if (dirty) e.preventDefault(); });

  const states = () => draft.states.filter((s) => s.id).map((s) => ({ value: s.id, label: label(s.label, s.id) }));
  const processChoices = () => processes.map((p) => ({ value: p.id, label: `${p.name} (${p.id})` }));
  const dateFields = () => draft.fields.filter((f) => f.type === "date").map((f) => ({ value: f.id, label: label(f.label, f.id) }));
  const docTypes = () => draft.documentTypes.map((d) => ({ value: d.id, label: label(d.label, d.id) }));
  const roles = "agent, manager, administrator";
  const labels: Column[] = [{ key: "label.fr", title: t("admin.labelFr") }, { key: "label.en", title: t("admin.labelEn") }];
  const message = h("div", { class: "form-message", role: "alert", "data-testid": "problems" });
  const panels = h("div", { class: "panels" });

  const general = () => {
    const input = (name: string, text: string, value: string, onInput: (v: string) => void, attrs: Record<string, string | boolean> = {}) =>
      h("label", { class: "field" }, h("span", {}, text), h("input", { name, value, oninput: (e: Event) => { onInput((e.target as HTMLInputElement).value.trim()); changed(); }, ...attrs }));
    const name = draft.name && typeof draft.name === "object" ? draft.name : (draft.name = { fr: String(draft.name ?? ""), en: "" });
    return h("section", { class: "card", "data-path": "general" }, h("h2", {}, t("admin.general")),
      h("div", { class: "grid2" },
        input("id", t("admin.id"), draft.id, (v) => {
          draft.id = v;
          // A new type's reference pattern follows its id until the administrator writes one.
          const pattern = main.querySelector<HTMLInputElement>("input[name=referencePattern]");
          if (pattern && !pattern.dataset["touched"]) pattern.value = draft.referencePattern = `${(v.replace(/[^a-z]/gi, "").slice(0, 3) || "DOS").toUpperCase()}-{YYYY}-{00000}`;
        }, { disabled: !!existing, required: true, pattern: "[a-z0-9-]+", placeholder: "client" }),
        input("referencePattern", t("admin.referencePattern"), draft.referencePattern, (v) => {
          draft.referencePattern = v;
          main.querySelector<HTMLInputElement>("input[name=referencePattern]")!.dataset["touched"] = "true";
        }, { placeholder: "CLI-{YYYY}-{00000}" }),
        input("nameFr", t("admin.nameFr"), name.fr ?? "", (v) => (name.fr = v)),
        input("nameEn", t("admin.nameEn"), name.en ?? "", (v) => (name.en = v)),
        input("defaultSector", t("admin.defaultSector"), draft.defaultSector ?? "", (v) => (v ? (draft.defaultSector = v) : delete draft.defaultSector))),
      h("p", { class: "muted small" }, t("admin.patternHint")),
      h("fieldset", { class: "child-types" }, h("legend", {}, t("admin.childTypes")),
        ...all.filter((x) => x.id !== draft.id).map((x) => h("label", { class: "check" },
          h("input", { type: "checkbox", value: x.id, checked: draft.childTypes!.includes(x.id), onchange: (e: Event) => {
            const on = (e.target as HTMLInputElement).checked;
            draft.childTypes = on ? [...draft.childTypes!, x.id] : draft.childTypes!.filter((c) => c !== x.id);
            changed();
          } }), " ", label(x.name, x.id)))));
  };

  const block = (id: string, title: string, hint: string | null, editor: HTMLElement) =>
    h("section", { class: "card", "data-path": id, id: `panel-${id}` }, h("h2", {}, title), hint ? h("p", { class: "muted small" }, hint) : null, editor);

  const renderForms = () => {
    panels.replaceChildren(
      general(),
      block("fields", t("admin.fields"), t("admin.fieldsHint"), rowsEditor("fields", draft.fields as never, [
        { key: "id", title: t("admin.id"), placeholder: "montant" }, ...labels,
        { key: "type", title: t("admin.fieldType"), kind: "select", choices: () => FIELD_TYPES.map((x) => ({ value: x, label: t(`admin.type.${x}`) })) },
        { key: "options", title: t("admin.options"), kind: "options" },
        { key: "required", title: t("admin.required"), kind: "checkbox" },
        { key: "requiredInStates", title: t("admin.requiredInStates"), kind: "multi", choices: states },
      ], () => ({ id: "", label: { fr: "", en: "" }, type: "text" }), () => { changed(); }, t("admin.addField"))),
      block("partyRoles", t("admin.partyRoles"), null, rowsEditor("partyRoles", draft.partyRoles as never, [
        { key: "id", title: t("admin.id"), placeholder: "customer" }, ...labels,
        { key: "required", title: t("admin.required"), kind: "checkbox" }, { key: "multiple", title: t("admin.multiple"), kind: "checkbox" },
      ], () => ({ id: "", label: { fr: "", en: "" } }), changed, t("admin.addRole"))),
      block("documentTypes", t("admin.documentTypes"), null, rowsEditor("documentTypes", draft.documentTypes as never, [
        { key: "id", title: t("admin.id"), placeholder: "kbis" }, ...labels,
      ], () => ({ id: "", label: { fr: "", en: "" } }), changed, t("admin.addDocumentType"))),
      block("states", t("admin.states"), t("admin.statesHint"), rowsEditor("states", draft.states as never, [
        { key: "id", title: t("admin.id"), placeholder: "prospect" }, ...labels,
        { key: "initial", title: t("admin.initial"), kind: "radio" }, { key: "final", title: t("admin.final"), kind: "checkbox" },
      ], () => ({ id: "", label: { fr: "", en: "" } }), () => { changed(); }, t("admin.addState"))),
      block("transitions", t("admin.transitions"), t("admin.transitionsHint"), rowsEditor("transitions", draft.transitions as never, [
        { key: "from", title: t("admin.from"), kind: "select", choices: states }, { key: "to", title: t("admin.to"), kind: "select", choices: states },
        { key: "roles", title: t("admin.roles"), kind: "csv", placeholder: roles }, ...labels,
      ], () => ({ from: "", to: "", roles: ["agent", "manager", "administrator"] }), changed, t("admin.addTransition"))),
      block("deadlines", t("admin.deadlines"), t("admin.deadlinesHint"), rowsEditor("deadlines", draft.deadlines as never, [
        { key: "id", title: t("admin.id"), placeholder: "fin-contrat" }, { key: "field", title: t("admin.dateField"), kind: "select", choices: dateFields }, ...labels,
        { key: "remindDaysBefore", title: t("admin.remindDaysBefore"), kind: "csv", placeholder: "90, 30" },
      ], () => ({ id: "", field: "", label: { fr: "", en: "" }, remindDaysBefore: [30] }), changed, t("admin.addDeadline"))),
      catalogue());
  };

  const catalogue = () => {
    const cat = draft.catalogue!;
    const opening = h("select", { name: "opening", id: "opening-process", onchange: () => { if (opening.value) cat.opening = { processId: opening.value }; else delete cat.opening; changed(); } },
      h("option", { value: "" }, t("admin.noOpening")),
      ...processChoices().map((p) => h("option", { value: p.value, selected: cat.opening?.processId === p.value }, p.label)));
    if (cat.opening?.processId && !processes.some((p) => p.id === cat.opening!.processId)) opening.append(h("option", { value: cat.opening.processId, selected: true }, `${cat.opening.processId} (${t("admin.notDeployed")})`));
    return h("section", { class: "card", "data-path": "catalogue", id: "panel-catalogue" }, h("h2", {}, t("admin.catalogue")),
      h("div", { class: "field" }, h("label", { for: "opening-process" }, t("admin.opening")), opening),
      h("h3", {}, t("admin.actions")), h("p", { class: "muted small" }, t("admin.actionsHint")),
      rowsEditor("catalogue.actions", cat.actions as never, [
        { key: "id", title: t("admin.id"), placeholder: "avenant" }, ...labels,
        { key: "processId", title: t("admin.process"), kind: "select", choices: processChoices },
        { key: "activity", title: t("admin.activity"), placeholder: "Amendment" },
        { key: "condition", title: t("admin.condition"), placeholder: '=state = "client"' },
        { key: "roles", title: t("admin.roles"), kind: "csv", placeholder: "agent, manager" },
        { key: "concurrent", title: t("admin.concurrent"), kind: "checkbox" },
      ], () => ({ id: "", label: { fr: "", en: "" }, processId: "", roles: ["agent", "manager"], concurrent: false }), changed, t("admin.addAction")),
      h("h3", {}, t("admin.reactions")), h("p", { class: "muted small" }, t("admin.reactionsHint")),
      rowsEditor("catalogue.reactions", cat.reactions as never, [
        { key: "on", title: t("admin.on"), kind: "select", choices: () => EVENTS.map((e) => ({ value: e, label: t(`admin.event.${e}`) })) },
        { key: "to", title: t("admin.toState"), kind: "select", choices: states },
        { key: "documentType", title: t("admin.documentType"), kind: "select", choices: docTypes },
        { key: "deadline", title: t("admin.deadline"), kind: "select", choices: () => (draft.deadlines ?? []).map((d) => ({ value: d.id, label: label(d.label, d.id) })) },
        { key: "daysBefore", title: t("admin.daysBefore"), kind: "number" },
        { key: "start", title: t("admin.start"), kind: "select", choices: processChoices },
        { key: "publish", title: t("admin.publish"), placeholder: "rib-recu" },
      ], () => ({ on: "state.changed" }), changed, t("admin.addReaction")));
  };

  // The JSON view: the whole definition, for nested parts the forms do not cover.
  const json = h("textarea", { class: "json", name: "json", rows: 30, spellcheck: "false", "aria-label": t("admin.json") });
  const jsonPanel = h("section", { class: "card", hidden: true, "data-path": "json" }, h("h2", {}, t("admin.json")), h("p", { class: "muted small" }, t("admin.jsonHint")), json);
  let jsonMode = false;
  const toggle = h("button", { type: "button", "data-action": "toggle-json", "aria-pressed": "false", onclick: () => {
    if (!jsonMode) { json.value = JSON.stringify(draft, null, 2); }
    else if (!applyJson()) return;
    jsonMode = !jsonMode;
    toggle.setAttribute("aria-pressed", String(jsonMode));
    toggle.textContent = jsonMode ? t("admin.formView") : t("admin.jsonView");
    jsonPanel.hidden = !jsonMode;
    panels.hidden = jsonMode;
    if (!jsonMode) renderForms();
  } }, t("admin.jsonView"));
  const applyJson = (): boolean => {
    try {
      const parsed = JSON.parse(json.value) as TypeDefinition;
      for (const k of Object.keys(draft)) delete (draft as unknown as Record<string, unknown>)[k];
      Object.assign(draft, parsed);
      changed();
      return true;
    } catch (e) {
      message.replaceChildren(h("p", { class: "banner error" }, t("admin.jsonInvalid", { error: (e as Error).message })));
      return false;
    }
  };

  /** Puts the focus on the row (or section) a problem names: "fields[8].id" → that row's id input. */
  const goTo = (field: string) => {
    const row = field.match(/^[\w.]+\[\d+\]/)?.[0];
    const key = field.slice(row?.length ?? 0).replace(/^\./, "");
    const general = main.querySelector<HTMLElement>(`[data-path=general] [name="${CSS.escape(field === "name" ? "nameFr" : field)}"]`);
    if (!row && general) return general.focus();
    const host = (row && main.querySelector<HTMLElement>(`tr[data-path="${CSS.escape(row)}"]`)) || main.querySelector<HTMLElement>(`[data-path="${CSS.escape(field.split(/[.[]/)[0]!)}"]`);
    if (!host) return;
    host.scrollIntoView({ block: "center" });
    (host.querySelector<HTMLElement>(`td[data-key="${CSS.escape(key)}"] input, td[data-key="${CSS.escape(key)}"] select, td[data-key^="${CSS.escape(key)}"] input`) ?? host.querySelector<HTMLElement>("input, select, textarea"))?.focus();
  };

  const save = h("button", { type: "button", class: "primary", "data-action": "save-type", onclick: async () => {
    if (jsonMode && !applyJson()) return;
    message.replaceChildren();
    for (const el of main.querySelectorAll(".has-problem")) el.classList.remove("has-problem");
    if (!draft.id) { message.replaceChildren(h("p", { class: "banner error" }, t("admin.idRequired"))); return; }
    save.disabled = true;
    try {
      const saved = await saveDossierType(draft);
      dirty = false;
      dirtyBadge.hidden = true;
      message.replaceChildren(h("p", { class: "banner info", "data-testid": "saved" }, t("admin.saved", { version: saved?.version ?? "?" })));
      const heading = main.querySelector(".editor-head h1");
      if (heading) heading.textContent = t("admin.editType", { name: label(draft.name, draft.id), version: saved?.version ?? "?" });
      if (!existing) history.replaceState(null, "", `/admin/dossier-types/${encodeURIComponent(draft.id)}`);
    } catch (e) {
      const problems = problemsOf(e);
      message.replaceChildren(h("div", { class: "banner error" }, h("div", {},
        h("strong", {}, problems.length ? t("admin.problems", { count: problems.length }) : (e as Error).message),
        problems.length ? h("ul", {}, ...problems.map((p) => h("li", {}, p.field ? h("button", { type: "button", class: "link", title: t("admin.goTo"), onclick: () => goTo(p.field!) }, h("code", {}, p.field)) : null,
          p.field ? " : " : null, p.message))) : null)));
      for (const p of problems) {
        const path = (p.field ?? p.elementId ?? "").match(/^[\w.]+\[\d+\]/)?.[0];
        if (path) main.querySelector(`tr[data-path="${CSS.escape(path)}"]`)?.classList.add("has-problem");
      }
      message.scrollIntoView({ block: "nearest" });
    } finally {
      save.disabled = false;
    }
  } }, t("admin.save"));

  renderForms();
  main.replaceChildren(h("div", { class: "type-editor", "data-type": draft.id },
    h("nav", { class: "crumbs" }, h("a", { href: "/admin/dossier-types" }, t("admin.types")), " › ", existing ? label(existing.name, existing.id) : t("admin.newType")),
    h("div", { class: "editor-head" },
      h("h1", {}, existing ? t("admin.editType", { name: label(existing.name, existing.id), version: existing.version ?? "?" }) : t("admin.newType")),
      dirtyBadge, toggle, save),
    message, panels, jsonPanel));
}
