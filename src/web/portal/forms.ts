/** A form-js form on an outsider page, sent as multipart (the values as JSON, each picker's files as file:<key>). */
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { mountForm } from "../inbox/form.js";

export async function formBlock(schema: Record<string, unknown>, data: Record<string, unknown>, send: (body: FormData) => Promise<void>, options: { honeypot?: boolean } = {}): Promise<HTMLElement> {
  const host = h("div", { class: "portal-form" });
  const error = h("p", { class: "portal-error", role: "alert", hidden: true }, t("portal.required"));
  const button = h("button", { type: "button", class: "primary", "data-action": "send" }, t("portal.send"));
  // A field people never see (off-screen, not announced, not focusable): robots fill it.
  const trap = options.honeypot ? h("div", { class: "hp", "aria-hidden": "true" }, h("label", {}, t("portal.public.honeypot"), h("input", { type: "text", name: "website", tabindex: "-1", autocomplete: "off" }))) : null;
  const block = h("div", {}, host, trap, error, button);
  const form = await mountForm(host, schema, data, false, () => void submit());
  async function submit() {
    const values = form.submit();
    error.hidden = values !== null;
    if (values === null) return;
    const body = new FormData();
    const picked = form.pickedFiles(values);
    for (const p of picked) delete values[p.key];
    for (const key of Object.keys(values)) if (key === "dossier" || typeof values[key] === "string" && /^files::/.test(values[key] as string)) delete values[key];
    body.append("values", JSON.stringify(values));
    const hp = trap?.querySelector("input")?.value;
    if (hp) body.append("website", hp);
    for (const p of picked) for (const file of p.files) body.append(`file:${p.key}`, file, file.name);
    button.disabled = true;
    button.textContent = t("portal.sending");
    try {
      await send(body);
    } finally {
      button.disabled = false;
      button.textContent = t("portal.send");
    }
  }
  button.addEventListener("click", () => void submit());
  return block;
}
