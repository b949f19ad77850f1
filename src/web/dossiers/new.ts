/**
 * "Nouveau dossier": type, title, the customer found or created on the fly, the type's first
 * (required) fields, sector; beside it the call form of the intake script, so an agent takes a
 * call from the first word to a running file. Submitting creates the dossier and its opening
 * process (POST /api/dossiers), records the call, and opens the 360° view.
 */
import { ApiProblem, type Session } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { CallForm } from "./calls.js";
import { createDossier, dossierMeta, dossierTypes, label, logCall, problemsOf, type FieldDef, type TypeDefinition } from "./data.js";
import { fieldInput, readField, showProblems } from "./fields.js";
import { PartyPicker } from "./party.js";
import { errorText, fill } from "./widgets.js";

/** A random request key (getRandomValues works outside secure contexts too, unlike randomUUID). */
const newKey = () => [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");

/** The fields asked for at creation: those required now (always, or in the initial state). */
export function firstFields(type: TypeDefinition): { required: FieldDef[]; soon: FieldDef[]; others: FieldDef[] } {
  const initial = type.states.find((s) => s.initial)?.id ?? type.states[0]?.id;
  const isRequired = (f: FieldDef) => f.required === true || (initial !== undefined && (f.requiredInStates ?? []).includes(initial));
  // Shown first: the fields required now, then those a later state will require (asked early, not enforced).
  const later = (f: FieldDef) => !isRequired(f) && (f.requiredInStates ?? []).length > 0;
  const entry = (f: FieldDef) => f.type !== "document" && f.type !== "party";
  return {
    required: type.fields.filter(isRequired),
    soon: type.fields.filter((f) => later(f) && entry(f)),
    others: type.fields.filter((f) => !isRequired(f) && !later(f) && entry(f)),
  };
}

export async function newDossierPage(session: Session, main: HTMLElement): Promise<void> {
  const [types, meta] = await Promise.all([dossierTypes(), dossierMeta().catch(() => null)]);
  const params = new URLSearchParams(location.search);
  const call = new CallForm();
  call.tick("greet");
  const picker = new PartyPicker({
    searched: () => call.tick("search"),
    chosen: (choice) => { if (choice) { call.tick("identify"); call.setContact(picker.displayName); suggestTitle(); } },
  });
  // The type asked for in the address, else the one this agent used last, else the first.
  const wanted = params.get("type") ?? localStorage.getItem("dossier.new.type");
  const typeSelect = h("select", { id: "new-type", name: "type", required: true, onchange: () => { localStorage.setItem("dossier.new.type", typeSelect.value); renderFields(); } },
    ...types.map((x) => h("option", { value: x.id, selected: x.id === wanted }, label(x.name, x.id))));
  const title = h("input", { id: "new-title", name: "title", required: true, autocomplete: "off", oninput: () => (title.dataset["touched"] = "true") });
  const sector = h("select", { id: "new-sector", name: "sector" }, h("option", { value: "" }, t("dossiers.new.sector.default")),
    ...(meta?.sectors ?? []).map((s) => h("option", { value: s.id }, s.name)));
  const fieldsHost = h("div", { class: "fields-host" });
  const message = h("div", { class: "form-message", role: "alert" });
  const submit = h("button", { type: "submit", class: "primary", "data-action": "create" }, t("dossiers.new.submit"));
  const recordCall = h("input", { type: "checkbox", name: "recordCall", checked: true });

  const type = () => types.find((x) => x.id === typeSelect.value);
  function suggestTitle(): void {
    if (!title.dataset["touched"] && picker.displayName) title.value = picker.displayName;
  }
  function renderFields(): void {
    const current = type();
    if (!current) return fieldsHost.replaceChildren();
    const { required, soon, others } = firstFields(current);
    if (!sector.dataset["touched"]) {
      // The type's default sector when the user may pick it; otherwise the server applies the default.
      sector.value = [...sector.options].some((o) => o.value === current.defaultSector) ? current.defaultSector! : "";
    }
    const role = current.partyRoles.find((r) => r.id === "customer") ?? current.partyRoles.find((r) => r.required) ?? current.partyRoles[0];
    picker.setLegend(role ? label(role.label, role.id) : t("dossiers.party.legend"));
    fill(fieldsHost,
      ...required.map((f) => fieldInput(f, undefined, true)),
      ...soon.map((f) => fieldInput(f, undefined)),
      others.length ? h("details", { class: "more-fields" }, h("summary", {}, t("dossiers.new.moreFields", { count: others.length })), ...others.map((f) => fieldInput(f, undefined))) : null);
  }
  sector.addEventListener("change", () => (sector.dataset["touched"] = "true"));

  const form = h("form", { class: "new-dossier card", novalidate: true, "aria-labelledby": "new-h", onsubmit: (e: Event) => { e.preventDefault(); void send(); } },
    h("h1", { id: "new-h" }, t("dossiers.new")),
    h("div", { class: "field" }, h("label", { for: "new-type" }, t("dossiers.new.type")), typeSelect),
    picker.element,
    h("div", { class: "field", "data-field": "title" }, h("label", { for: "new-title" }, t("dossiers.new.title"), h("span", { class: "req", "aria-hidden": "true" }, " *")), title,
      h("p", { class: "field-problem", id: "f-title-problem", role: "alert", hidden: true })),
    fieldsHost,
    h("div", { class: "field", "data-field": "sector" }, h("label", { for: "new-sector" }, t("dossiers.new.sector")), sector,
      h("p", { class: "field-problem", id: "f-sector-problem", role: "alert", hidden: true })),
    message,
    h("div", { class: "form-actions" },
      h("label", { class: "check" }, recordCall, " ", t("dossiers.new.recordCall")),
      h("a", { href: "/dossiers", class: "button" }, t("common.cancel")), submit));

  let idempotencyKey = newKey();

  async function send(): Promise<void> {
    const current = type();
    if (!current) return;
    message.replaceChildren();
    const customer = picker.value;
    const data: Record<string, unknown> = {};
    for (const f of current.fields) {
      const v = readField(form, f);
      // An untouched yes/no box is no answer yet (false would read as a "no" given by the caller).
      if (v !== undefined && !(Array.isArray(v) && v.length === 0) && v !== false) data[f.id] = v;
    }
    const local: Array<{ field: string; message: string }> = [];
    if (!title.value.trim()) local.push({ field: "title", message: t("dossiers.new.required") });
    const role = current.partyRoles.find((r) => r.id === "customer") ?? current.partyRoles.find((r) => r.required) ?? current.partyRoles[0];
    if (role?.required && !customer) local.push({ field: "party", message: t("dossiers.new.partyRequired") });
    for (const f of firstFields(current).required) if (data[f.id] === undefined && f.type !== "boolean") local.push({ field: f.id, message: t("dossiers.new.required") });
    if (local.length) return renderProblems(local);
    const parties = customer && role ? [{ role: role.id, ...("partyId" in customer ? { partyId: customer.partyId } : { party: customer.party }) }] : [];
    submit.disabled = true;
    submit.textContent = t("dossiers.new.creating");
    try {
      const created = await createDossier({ type: current.id, title: title.value.trim(), data, parties, ...(sector.value ? { sector: sector.value } : {}) }, idempotencyKey, session.csrfToken);
      if (recordCall.checked && call.touched) {
        call.tick("identify");
        call.setOutcome("dossierOpened");
        await logCall(created.reference, call.value()).catch(() => undefined); // the file exists: a failed call note must not hide it
      }
      location.assign(`/dossiers/${encodeURIComponent(created.reference)}?created=1`);
    } catch (e) {
      submit.disabled = false;
      submit.textContent = t("dossiers.new.submit");
      // Refused (4xx): nothing was opened, the next try is a new request; otherwise (network) it may have been, keep the key.
      if (e instanceof ApiProblem && e.status < 500) idempotencyKey = newKey();
      const problems = problemsOf(e);
      if (problems.length) renderProblems(problems.map((p) => ({ field: (p.field ?? p.elementId ?? "").replace(/^parties(\[\d+\])?(\.party)?\.?/, "party"), message: p.message })));
      else message.replaceChildren(h("p", { class: "banner error" }, errorText(e)));
    }
  }

  function renderProblems(problems: Array<{ field?: string; message: string }>): void {
    const partyProblems = problems.filter((p) => p.field?.startsWith("party"));
    const rest = showProblems(form, problems.filter((p) => !p.field?.startsWith("party")));
    const lines = [...partyProblems.map((p) => `${t("dossiers.party.legend")} : ${p.message}`), ...rest];
    message.replaceChildren(...(lines.length ? [h("div", { class: "banner error" }, h("ul", {}, ...lines.map((l) => h("li", {}, l))))] : []));
    if (partyProblems.length && !form.querySelector(".field.invalid")) (form.querySelector<HTMLElement>("#party-search"))?.focus();
  }

  renderFields();
  main.replaceChildren(h("div", { class: "new-layout" }, form,
    h("aside", { class: "card call-aside", "aria-label": t("dossiers.call.legend") }, call.element)));
  (main.querySelector<HTMLElement>("#party-search"))?.focus();
}
