/** The organisation's details printed on documents (letterhead, legal footer, contract parties), with the logo as a data: URI. */
import { api, ApiProblem } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";

const FIELDS = ["name", "legalForm", "capital", "street", "postcode", "city", "country", "siren", "rcs", "vatNumber", "iban", "bic", "email", "phone", "website", "signatory"] as const;
type Settings = Record<(typeof FIELDS)[number] | "logo", string> & { defaults: Record<string, string> };

export async function settingsPage(root: HTMLElement): Promise<void> {
  const current = await api<Settings>("GET", "/api/templates/settings");
  let logo = current.logo;
  const status = h("div", { role: "status", "aria-live": "polite" });
  const inputs = new Map<string, HTMLInputElement>();
  const preview = h("img", { class: "tpl-logo", alt: "", src: logo || null });
  const file = h("input", { type: "file", accept: "image/png,image/jpeg,image/svg+xml", name: "logo" });
  file.addEventListener("change", () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    const reader = new FileReader();
    reader.onload = () => {
      logo = String(reader.result);
      preview.src = logo;
    };
    reader.readAsDataURL(chosen);
  });
  const form = h("form", { class: "tpl-settings", onsubmit: async (e: Event) => {
    e.preventDefault();
    const values: Record<string, string> = { logo };
    for (const [key, input] of inputs) values[key] = input.value;
    try {
      await api("PUT", "/api/templates/settings", values);
      status.replaceChildren(h("div", { class: "banner info" }, t("tpl.settings.saved")));
    } catch (error) {
      const detail = error instanceof ApiProblem ? error.problems.map((p) => `${t(`tpl.f.${(p as { field?: string }).field ?? ""}`)} : ${p.message}`).join(" · ") || error.message : String(error);
      status.replaceChildren(h("div", { class: "banner error", role: "alert" }, detail));
    }
  } },
  h("h2", {}, t("tpl.settings.title")),
  h("div", { class: "tpl-grid" }, ...FIELDS.map((key) => {
    const input = h("input", { name: key, value: current[key] ?? "", maxlength: 300 });
    inputs.set(key, input);
    return h("label", {}, h("span", {}, t(`tpl.f.${key}`)), input, current.defaults[key] && current.defaults[key] !== current[key] ? h("small", { class: "muted" }, t("tpl.settings.default", { value: current.defaults[key]! })) : null);
  })),
  h("div", { class: "tpl-logo-row" }, h("label", {}, h("span", {}, t("tpl.settings.logo")), file), preview,
    h("button", { type: "button", class: "link", onclick: () => { logo = ""; preview.removeAttribute("src"); } }, t("tpl.settings.logo.remove"))),
  status,
  h("button", { type: "submit", class: "primary" }, t("common.save")));
  root.append(form);
}
