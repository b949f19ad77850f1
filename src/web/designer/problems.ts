/**
 * The problems panel under the editor: lint reports (before deploying) and the problems the
 * engine gave when it refused a deployment. Each line names the element; clicking it selects the
 * element on the canvas (and, for lint reports, opens the properties panel entry at fault).
 */
import { clear, h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";

export type Severity = "error" | "warn" | "info";

export interface Problem {
  source: "lint" | "engine";
  severity: Severity;
  message: string;
  elementId?: string;
  /** The element's name (or id) for display. */
  elementLabel?: string;
  rule?: string;
  /** The original lint report (kept to open the matching properties panel entry). */
  report?: unknown;
}

export function countBySeverity(problems: Problem[]): Record<Severity, number> {
  const out: Record<Severity, number> = { error: 0, warn: 0, info: 0 };
  for (const p of problems) out[p.severity]++;
  return out;
}

export class ProblemsPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly summary: HTMLElement;

  constructor(private readonly onSelect: (problem: Problem) => void) {
    this.summary = h("span", { class: "problems-summary", "data-testid": "problems-summary" });
    this.list = h("ul", { class: "problems-list", "data-testid": "problems" });
    this.element = h("section", { class: "problems", "aria-label": t("designer.problems") },
      h("h3", {}, t("designer.problems"), " ", this.summary), this.list);
  }

  render(problems: Problem[]): void {
    clear(this.list);
    const counts = countBySeverity(problems);
    this.summary.textContent = problems.length === 0 ? t("designer.problems.none") : t("designer.problems.count", { errors: counts.error, warnings: counts.warn + counts.info });
    this.element.classList.toggle("has-errors", counts.error > 0);
    const order: Record<Severity, number> = { error: 0, warn: 1, info: 2 };
    const sorted = [...problems].sort((a, b) => (a.source === b.source ? 0 : a.source === "engine" ? -1 : 1) || order[a.severity] - order[b.severity]);
    for (const p of sorted) {
      const label = p.elementLabel ?? p.elementId;
      this.list.append(h("li", { class: `problem ${p.severity} ${p.source}`, "data-element-id": p.elementId ?? "" },
        h("button", { type: "button", class: "link problem-select", disabled: !p.elementId, onclick: () => this.onSelect(p) },
          h("span", { class: `severity ${p.severity}`, "aria-label": t(`designer.severity.${p.severity}`) }, p.severity === "error" ? "✖" : p.severity === "warn" ? "▲" : "i"),
          h("span", { class: "source" }, t(`designer.source.${p.source}`)),
          label ? h("strong", {}, label) : null,
          h("span", { class: "message" }, p.message)),
      ));
    }
  }
}
