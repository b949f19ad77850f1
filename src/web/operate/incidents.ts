/**
 * Open incidents of an instance: what failed, where, since when, and "retry" once the cause is
 * fixed (a job incident first gets its retries back, as Operate does).
 */
import { h } from "../shared/dom.js";
import { formatDate, t } from "../shared/i18n.js";
import { act, type InstanceContext } from "./context.js";
import { retryIncident } from "./data.js";

export function incidentsPanel(ctx: InstanceContext): HTMLElement[] {
  const { incidents, instance } = ctx.data;
  const open = incidents.filter((i) => i.state === "ACTIVE");
  const resolved = incidents.length - open.length;
  const out: HTMLElement[] = [];
  if (open.length === 0) out.push(h("p", { class: "muted" }, t("op.incidents.none")));
  else if (ctx.canOperate && instance.state === "ACTIVE") out.push(h("p", { class: "op-note" }, t("op.incidents.hint")));
  for (const incident of open) {
    const retry = ctx.canOperate && instance.state === "ACTIVE"
      ? h("button", { type: "button", class: "primary", "data-action": "retry" }, t("op.incidents.retry"))
      : null;
    retry?.addEventListener("click", () => void act(ctx, retry, () => retryIncident(incident), t("op.incidents.retried")));
    out.push(h("article", { class: "op-incident", "data-incident": incident.incidentKey, "data-error-type": incident.errorType },
      h("header", {},
        h("strong", {}, t(`op.err.${incident.errorType}`)),
        h("button", { type: "button", class: "link", title: t("op.incidents.show"), onclick: () => ctx.select(incident.elementId) }, ctx.diagram.nameOf(incident.elementId)),
        h("span", { class: "muted" }, formatDate(incident.creationTime))),
      h("p", { class: "op-message" }, incident.errorMessage),
      incident.jobKey && h("p", { class: "muted" }, t("op.incidents.job", { key: incident.jobKey })),
      retry));
  }
  if (resolved > 0) out.push(h("p", { class: "muted" }, t("op.incidents.resolved", { count: resolved })));
  return out;
}
