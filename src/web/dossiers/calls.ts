/**
 * The phone call form, following the intake procedure's call script: greet, identify, search and
 * open the file, listen, rephrase, propose, recap, close. Each step is a checkbox with its hint;
 * the call is recorded with POST /api/dossiers/{ref}/calls.
 */
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";

export const SCRIPT_STEPS = ["greet", "identify", "search", "listen", "rephrase", "propose", "recap", "close"] as const;
export type ScriptStep = (typeof SCRIPT_STEPS)[number];

export class CallForm {
  readonly element: HTMLElement;
  private readonly started = new Date();

  constructor(options: { contact?: string; compact?: boolean } = {}) {
    this.element = h("fieldset", { class: "call-form", "data-testid": "call-form" },
      h("legend", {}, t("dossiers.call.legend")),
      h("div", { class: "row" },
        h("label", { class: "check" }, h("input", { type: "radio", name: "direction", value: "in", checked: true }), " ", t("dossiers.call.in")),
        h("label", { class: "check" }, h("input", { type: "radio", name: "direction", value: "out" }), " ", t("dossiers.call.out"))),
      h("label", { class: "field" }, h("span", {}, t("dossiers.call.contact")), h("input", { name: "contact", autocomplete: "off", value: options.contact ?? "" })),
      h("ol", { class: "script", "aria-label": t("dossiers.call.script") },
        ...SCRIPT_STEPS.map((step) => h("li", {},
          h("label", { class: "check" }, h("input", { type: "checkbox", name: `script-${step}`, "data-step": step }), " ",
            h("strong", {}, t(`dossiers.call.step.${step}`))),
          h("span", { class: "hint muted" }, t(`dossiers.call.hint.${step}`))))),
      h("label", { class: "field" }, h("span", {}, t("dossiers.call.summary")), h("textarea", { name: "summary", rows: 3 })),
      h("label", { class: "field" }, h("span", {}, t("dossiers.call.outcome")),
        h("select", { name: "outcome" }, ...["answered", "callback", "dossierOpened", "info", "voicemail", "noAnswer"].map((o) => h("option", { value: o }, t(`dossiers.call.outcome.${o}`))))));
    if (options.compact) this.element.classList.add("compact");
  }

  /** Ticks a step the page saw happen (the caller identified, the file found). */
  tick(step: ScriptStep): void {
    const box = this.element.querySelector<HTMLInputElement>(`[data-step=${step}]`);
    if (box) box.checked = true;
  }

  setContact(name: string): void {
    const input = this.element.querySelector<HTMLInputElement>("[name=contact]")!;
    if (!input.value) input.value = name;
  }

  setOutcome(outcome: string): void {
    this.element.querySelector<HTMLSelectElement>("[name=outcome]")!.value = outcome;
  }

  /** Whether anything was noted (a call worth recording). */
  get touched(): boolean {
    return SCRIPT_STEPS.some((s) => this.element.querySelector<HTMLInputElement>(`[data-step=${s}]`)?.checked)
      || !!this.element.querySelector<HTMLTextAreaElement>("[name=summary]")?.value.trim();
  }

  value(): Record<string, unknown> {
    const q = <T extends HTMLElement>(sel: string) => this.element.querySelector<T>(sel)!;
    const script: Record<string, boolean> = {};
    for (const s of SCRIPT_STEPS) script[s] = q<HTMLInputElement>(`[data-step=${s}]`).checked;
    return {
      direction: q<HTMLInputElement>("[name=direction]:checked").value,
      contact: q<HTMLInputElement>("[name=contact]").value.trim(),
      at: this.started.toISOString(),
      // Worded in the user's language: the journal's summary and other readers show it as written.
      outcome: t(`dossiers.call.outcome.${q<HTMLSelectElement>("[name=outcome]").value}`),
      summary: q<HTMLTextAreaElement>("[name=summary]").value.trim(),
      script,
    };
  }
}
