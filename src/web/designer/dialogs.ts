/** Small modal dialogs (native <dialog>): ask for a name, confirm an action. */
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";

/** Asks for a name; resolves with the trimmed text, or null when cancelled. `check` returns an error message or null. */
export function askName(title: string, label: string, check: (name: string) => string | null, hint?: (name: string) => string): Promise<string | null> {
  return new Promise((resolve) => {
    const hintLine = h("p", { class: "muted dialog-hint", "data-testid": "name-hint" });
    const input = h("input", { name: "name", required: true, autocomplete: "off", oninput: () => {
      hintLine.textContent = hint && input.value.trim() ? hint(input.value.trim()) : "";
    } });
    const error = h("p", { class: "banner error", role: "alert", hidden: true });
    const dialog = h("dialog", { class: "designer-dialog", "data-testid": "name-dialog" });
    const close = (value: string | null) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    const form = h("form", { method: "dialog", onsubmit: (event: Event) => {
      event.preventDefault();
      const name = input.value.trim();
      const problem = name ? check(name) : t("designer.dialog.nameRequired");
      if (problem) {
        error.textContent = problem;
        error.hidden = false;
        return;
      }
      close(name);
    } },
      h("h2", {}, title), error,
      h("label", {}, label, h("br"), input), hintLine,
      h("div", { class: "dialog-buttons" },
        h("button", { type: "button", onclick: () => close(null) }, t("common.cancel")),
        h("button", { type: "submit", class: "primary" }, t("designer.dialog.create"))));
    dialog.append(form);
    dialog.addEventListener("cancel", () => close(null));
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
}

/** Asks the user to confirm; resolves true when they do. */
export function confirmAction(title: string, message: string, confirmLabel: string, danger = false): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "designer-dialog", "data-testid": "confirm-dialog" });
    const close = (value: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    dialog.append(h("h2", {}, title), h("p", {}, message),
      h("div", { class: "dialog-buttons" },
        h("button", { type: "button", onclick: () => close(false) }, t("common.cancel")),
        h("button", { type: "button", class: danger ? "danger" : "primary", "data-testid": "confirm", onclick: () => close(true) }, confirmLabel)));
    dialog.addEventListener("cancel", () => close(false));
    document.body.append(dialog);
    dialog.showModal();
  });
}
