/**
 * Modifying a running instance: the element instances where it waits (each can be terminated)
 * and "activate" for any flow node, picked from the list or by clicking the diagram. Only for
 * those with instances.operate; others see the running elements without buttons.
 */
import { h } from "../shared/dom.js";
import { formatDate, t } from "../shared/i18n.js";
import { act, type InstanceContext } from "./context.js";
import { modifyInstance } from "./data.js";

export function modifyPanel(ctx: InstanceContext): HTMLElement[] {
  const { instance, elements } = ctx.data;
  const running = instance.state === "ACTIVE";
  const allowed = ctx.canOperate && running;
  const active = elements.filter((e) => e.state === "ACTIVE");
  const list = active.length === 0 ? h("p", { class: "muted" }, t("op.modify.noneActive"))
    : h("ul", { class: "op-active-list" }, ...active.map((e) => {
      const terminate = allowed ? h("button", { type: "button", class: "danger", "data-action": "terminate" }, t("op.modify.terminate")) : null;
      terminate?.addEventListener("click", () => {
        if (!confirm(t("op.modify.terminateConfirm", { name: e.elementName, key: e.elementInstanceKey }))) return;
        void act(ctx, terminate, () => modifyInstance(ctx.key, { terminateInstructions: [{ elementInstanceKey: e.elementInstanceKey }] }), t("op.modify.done"));
      });
      return h("li", { "data-element": e.elementId, class: e.hasIncident ? "incident" : "" },
        h("button", { type: "button", class: "link", onclick: () => ctx.select(e.elementId) }, e.elementName),
        h("span", { class: "muted" }, ` ${t("op.col.since")} ${formatDate(e.startDate)}`), terminate);
    }));
  const out: HTMLElement[] = [list];
  if (!allowed) return out;

  const pick = h("select", { name: "activate", "aria-label": t("op.modify.activateLabel") },
    h("option", { value: "" }, t("op.modify.pick")),
    ...ctx.diagram.activatable().map((e) => h("option", { value: e.id, selected: e.id === ctx.selected() }, e.name)));
  pick.addEventListener("change", () => ctx.select(pick.value || undefined));
  const activate = h("button", { type: "submit", "data-action": "activate" }, t("op.modify.activate"));
  out.push(h("form", { class: "op-activate", onsubmit: (event: Event) => {
    event.preventDefault();
    if (!pick.value) return pick.focus();
    void act(ctx, activate, () => modifyInstance(ctx.key, { activateInstructions: [{ elementId: pick.value }] }), t("op.modify.done"));
  } }, h("label", {}, t("op.modify.activateLabel"), pick), activate));
  return out;
}
