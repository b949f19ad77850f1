/** The task's context beside its form: process, dossier, previous steps, open incidents. */
import { h } from "../shared/dom.js";
import { formatDate, register, t } from "../shared/i18n.js";
import type { Step, TaskContext } from "./tasks.js";
import "../dossiers/panel.css";

register({
  fr: { "inbox.dossier.panel": "Dossier", "inbox.dossier.open": "Ouvrir la vue 360°", "inbox.dossier.documents": "{count} document(s)" },
  en: { "inbox.dossier.panel": "File", "inbox.dossier.open": "Open the 360° view", "inbox.dossier.documents": "{count} document(s)" },
});

/** The dossier the task's process belongs to (GET …/context `dossier`), when there is one. */
interface TaskDossier {
  reference: string;
  title: string;
  state: string;
  stateLabel?: string;
  typeName?: string;
  customer?: { name: string } | null;
  documents?: number;
  documentsCount?: number;
}

function dossierPanel(d: TaskDossier): HTMLElement {
  const href = `/dossiers/${encodeURIComponent(d.reference)}`;
  const count = d.documents ?? d.documentsCount;
  return h("section", { class: "task-dossier", "aria-label": t("inbox.dossier.panel"), "data-testid": "task-dossier", "data-reference": d.reference },
    h("h4", {}, t("inbox.dossier.panel"), d.typeName ? h("span", { class: "muted" }, ` · ${d.typeName}`) : null),
    h("p", { class: "dossier-line" }, h("a", { href, class: "task-ref" }, d.reference), " ", h("span", { class: "badge dossier-state", "data-state": d.state }, d.stateLabel ?? d.state)),
    h("p", { class: "dossier-title" }, h("strong", {}, d.title)),
    d.customer?.name ? h("p", {}, `${t("inbox.context.customer")} : ${d.customer.name}`) : null,
    count !== undefined ? h("p", { class: "muted" }, t("inbox.dossier.documents", { count })) : null,
    h("a", { href, class: "dossier-open", "data-action": "open-dossier" }, t("inbox.dossier.open"), " →"));
}

function stepItem(step: Step): HTMLElement {
  const when = step.state === "ACTIVE" ? t("inbox.context.active")
    : step.state === "TERMINATED" ? t("inbox.context.terminated") : formatDate(step.endDate);
  return h("li", { class: `step step-${step.state.toLowerCase()}` },
    h("span", { class: "step-name" }, step.name),
    h("span", { class: "step-meta muted" }, when, step.completedBy ? ` · ${t("inbox.context.by", { name: step.completedBy })}` : ""),
  );
}

export function renderContext(context: TaskContext): HTMLElement {
  const reference = context.dossierReference ?? `#${context.processInstanceKey}`;
  const facts: Array<[string, string]> = [
    [t("inbox.context.process"), `${context.processName ?? context.processDefinitionId} · ${t("inbox.context.version", { version: context.processDefinitionVersion })}`],
    [t("inbox.context.dossier"), reference],
    ...(context.customerName ? [[t("inbox.context.customer"), context.customerName] as [string, string]] : []),
    [t("inbox.context.instance"), context.processInstanceKey],
    [t("inbox.context.started"), formatDate(context.instanceStartDate)],
  ];
  const steps = context.steps; // in the order they started, like a timeline
  const dossier = (context as TaskContext & { dossier?: TaskDossier | null }).dossier ?? null;
  return h("aside", { class: "task-context", "aria-label": t("inbox.context"), "data-testid": "context" },
    dossier ? dossierPanel(dossier) : null,
    h("h3", {}, t("inbox.context")),
    h("dl", {}, ...facts.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    context.incidents.length > 0 && h("section", { class: "incidents", "data-testid": "incidents" },
      h("h4", {}, `${t("inbox.context.incidents")} (${context.incidents.length})`),
      h("ul", {}, ...context.incidents.map((i) => h("li", { class: "incident" },
        h("strong", {}, i.elementName), " — ", i.errorMessage, h("br"), h("span", { class: "muted" }, `${i.errorType} · ${formatDate(i.creationTime)}`))))),
    h("section", { class: "steps" },
      h("h4", {}, t("inbox.context.steps")),
      steps.length === 0 ? h("p", { class: "muted" }, t("inbox.context.noSteps")) : h("ol", { "data-testid": "steps" }, ...steps.map(stepItem))),
  );
}
