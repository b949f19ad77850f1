/**
 * The dossier's action menu (the type's catalogue: only what this user may start now is enabled,
 * the reason shows otherwise) and the state buttons (the transitions allowed to the user now).
 */
import type { Session } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { showError } from "../shared/shell.js";
import { changeState, dossierActions, label, problemsOf, startAction, type Dossier, type TypeDefinition } from "./data.js";
import { closeOnOutside, errorText, toast } from "./widgets.js";

export function actionMenu(d: Dossier, session: Session, changed: () => Promise<void>): HTMLElement {
  const list = h("ul", { class: "menu-list", role: "menu", "aria-label": t("dossiers.actions") }, h("li", { class: "muted" }, t("common.loading")));
  const menu = closeOnOutside(h("details", { class: "menu", "data-testid": "actions" }, h("summary", { class: "button" }, t("dossiers.actions"), " ▾"), list));
  const canWrite = session.permissions.includes("dossiers.write");
  dossierActions(d.reference).then((actions) => {
    if (!actions.length) return list.replaceChildren(h("li", { class: "muted" }, t("dossiers.actions.none")));
    list.replaceChildren(...actions.map((a) => {
      const enabled = a.available && canWrite;
      const reason = a.reason ?? (!canWrite ? t("dossiers.actions.readOnly") : t("dossiers.actions.unavailable"));
      const button = h("button", {
        type: "button", role: "menuitem", "data-action-id": a.id, "aria-disabled": enabled ? null : "true", title: enabled ? null : reason,
        onclick: async () => {
          if (!enabled || button.dataset["busy"]) return;
          button.dataset["busy"] = "1";
          try {
            const started = await startAction(d.reference, a.id);
            menu.open = false;
            toast(t("dossiers.actions.started", { name: label(a.label, a.id), key: started.processInstanceKey }));
            await changed();
          } catch (e) {
            showError(e);
          } finally {
            delete button.dataset["busy"];
          }
        },
      }, label(a.label, a.id), enabled ? null : h("span", { class: "reason muted" }, reason));
      return h("li", { role: "none" }, button);
    }));
  }, (e) => list.replaceChildren(h("li", { class: "error" }, errorText(e))));
  // Arrow keys move between the items; Escape closes the menu.
  menu.addEventListener("keydown", (e: KeyboardEvent) => {
    const items = [...list.querySelectorAll<HTMLElement>("[role=menuitem]")];
    const i = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      items[(i + (e.key === "ArrowDown" ? 1 : items.length - 1 + (i < 0 ? 1 : 0))) % items.length]?.focus();
    } else if (e.key === "Escape" && menu.open) {
      menu.open = false;
      menu.querySelector("summary")?.focus();
    }
  });
  menu.addEventListener("toggle", () => { if (menu.open) list.querySelector<HTMLElement>("[role=menuitem]")?.focus(); });
  return menu;
}

export function stateButtons(d: Dossier, type: TypeDefinition, session: Session, changed: () => Promise<void>): HTMLElement {
  const host = h("div", { class: "state-buttons", role: "group", "aria-label": t("dossiers.state.change") });
  if (!session.permissions.includes("dossiers.write")) return host;
  const message = h("p", { class: "state-message", role: "alert", hidden: true });
  for (const tr of d.transitions ?? []) {
    const target = type.states.find((s) => s.id === tr.to);
    const text = label(tr.label, "") || t("dossiers.state.to", { state: label(target?.label, tr.to) });
    const missing = d.fieldsMissingFor?.[tr.to] ?? [];
    host.append(h("button", {
      type: "button", "data-transition": tr.to,
      title: missing.length ? t("dossiers.state.missing", { fields: missing.map((id) => label(type.fields.find((f) => f.id === id)?.label, id)).join(", ") }) : null,
      onclick: async () => {
        message.hidden = true;
        try {
          await changeState(d.reference, tr.to, d.version);
          toast(t("dossiers.state.changed", { state: label(target?.label, tr.to) }));
          await changed();
        } catch (e) {
          const problems = problemsOf(e);
          message.textContent = problems.length ? problems.map((p) => `${label(type.fields.find((f) => f.id === (p.field ?? "").replace(/^data\./, ""))?.label, p.field ?? "")} : ${p.message}`).join(" · ") : errorText(e);
          message.hidden = false;
        }
      },
    }, text));
  }
  host.append(message);
  return host;
}
