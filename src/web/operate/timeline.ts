/**
 * The history of an instance as people read it: when, which step, what happened — newest first.
 * Engine-internal transitions (activating, completing, jobs picked up…) are hidden unless the
 * reader asks for every event.
 */
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import type { TimelineEntry } from "./data.js";
import { formatTime } from "./views.js";

const QUIET_ACTIVATION = /GATEWAY|EVENT/;
const str = (v: unknown) => (v === null || v === undefined ? "" : String(v));

/** What happened, in words; undefined for a technical event. */
export function describe(e: TimelineEntry): string | undefined {
  const d = e.details;
  const isProcess = e.elementType === "PROCESS";
  switch (e.type) {
    case "ELEMENT_ACTIVATED":
      if (isProcess) return t("op.h.processStarted");
      return QUIET_ACTIVATION.test(e.elementType ?? "") ? undefined : t("op.h.started");
    case "ELEMENT_COMPLETED":
      if (isProcess) return t("op.h.processCompleted");
      if (e.elementType === "START_EVENT") return undefined;
      if (e.elementType === "END_EVENT") return t("op.h.reached");
      return QUIET_ACTIVATION.test(e.elementType ?? "") ? t("op.h.passed") : t("op.h.completed");
    case "ELEMENT_TERMINATED":
      return isProcess ? t("op.h.processTerminated") : t("op.h.terminated");
    case "INCIDENT_CREATED":
      return `${t("op.h.incident", { type: t(`op.err.${str(d["errorType"])}`) })} — ${str(d["errorMessage"])}`;
    case "INCIDENT_RESOLVED":
      return t("op.h.incidentResolved");
    case "VARIABLE_CREATED":
      return t("op.h.varCreated", { name: str(d["name"]), value: str(d["value"]) });
    case "VARIABLE_UPDATED":
      return t("op.h.varUpdated", { name: str(d["name"]), value: str(d["value"]) });
    case "USER_TASK_CREATED":
      return t("op.h.taskCreated");
    case "USER_TASK_ASSIGNED":
      return d["assignee"] ? t("op.h.taskAssigned", { assignee: str(d["assignee"]) }) : t("op.h.taskUnassigned");
    case "USER_TASK_COMPLETED":
      return t("op.h.taskCompleted");
    case "USER_TASK_CANCELED":
      return t("op.h.taskCanceled");
    case "JOB_CREATED":
      return t("op.h.jobCreated", { type: str(d["jobType"]) });
    case "JOB_FAILED":
      return t("op.h.jobFailed", { retries: str(d["retries"]), message: str(d["errorMessage"]) });
    case "JOB_RETRIES_UPDATED":
      return t("op.h.jobRetries", { retries: str(d["retries"]) });
    case "JOB_ERROR_THROWN":
      return t("op.h.jobError", { code: str(d["errorCode"]) });
    case "JOB_TIMED_OUT":
      return t("op.h.jobTimedOut");
    case "MESSAGE_CORRELATED":
      return t("op.h.messageCorrelated", { name: str(d["name"]) });
    case "PROCESS_INSTANCE_MODIFIED":
      return t("op.h.modified");
    case "PROCESS_INSTANCE_MIGRATED":
      return t("op.h.migrated");
    case "CALLED_PROCESS_STARTED":
      return t("op.h.calledStarted");
    case "TIMER_TRIGGERED":
      return t("op.h.timer");
    case "SIGNAL_TRIGGERED":
      return t("op.h.signal");
    case "MESSAGE_TRIGGERED":
      return t("op.h.message");
    default:
      return undefined;
  }
}

/** A technical event in raw form: its type and its details. */
function raw(e: TimelineEntry): string {
  const details = Object.entries(e.details).map(([k, v]) => `${k}: ${str(v)}`).join(", ");
  return details ? `${e.type} (${details})` : e.type;
}

export function timeline(entries: TimelineEntry[], showAll: boolean, onElement: (elementId: string) => void): HTMLElement {
  const rows = [...entries].reverse().flatMap((e) => {
    const text = describe(e);
    if (text === undefined && !showAll) return [];
    const who = e.elementId && e.elementType !== "PROCESS"
      ? h("button", { type: "button", class: "link", onclick: () => onElement(e.elementId!) }, e.elementName ?? e.elementId)
      : h("span", { class: "muted" }, e.elementName ?? "—");
    return [h("tr", { class: text === undefined ? "technical" : "", "data-type": e.type },
      h("td", { class: "nowrap" }, formatTime(e.time)), h("td", {}, who), h("td", { class: "what" }, text ?? raw(e)))];
  });
  if (rows.length === 0) return h("p", { class: "muted" }, t("op.history.none"));
  return h("table", { class: "op-table op-timeline" },
    h("thead", {}, h("tr", {}, h("th", {}, t("op.col.time")), h("th", {}, t("op.col.element")), h("th", {}, t("op.col.what")))),
    h("tbody", {}, ...rows));
}
