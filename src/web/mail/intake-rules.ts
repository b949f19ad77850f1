/** The "rules" tab: ordered intake rules (conditions, FEEL, actions, stop), edited by an administrator, and the dry run. */
import { api, type Session } from "../shared/api.js";
import { clear, h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";

interface Condition { field: string; op: string; value: string }
interface Rule { id: number; position: number; name: string; enabled: boolean; stop: boolean; version: number; definition: { match: "all" | "any"; conditions: Condition[]; feel?: string; actions: Array<Record<string, unknown>> } }
interface DryRun { items: Array<{ id: number; subject: string | null; from: string | null; status: string; matched: boolean; wouldDo: string[] }> }

const FIELDS = ["from", "recipients", "subject", "body", "hasAttachments", "attachmentName", "source"];
const OPS = ["contains", "equals", "notContains", "regex"];
const EXAMPLE = [{ type: "createDossier", dossierType: "demande-intervention", role: "customer", title: "{subject}" }];

export async function renderRules(container: HTMLElement, session: Session): Promise<void> {
  clear(container);
  const manage = session.permissions.includes("mail.manage");
  const list = h("div");
  const editor = h("div");
  const dry = h("div");
  const load = async () => {
    const { items } = await api<{ items: Rule[] }>("GET", "/api/mail/rules");
    clear(list);
    for (const r of items) {
      list.append(h("div", { class: "intake-rule", "data-testid": "intake-rule" },
        h("h3", {}, `${r.position}. ${r.name}`, r.enabled ? "" : ` (${t("intake.no")} ${t("intake.rule.enabled").toLowerCase()})`),
        h("div", {}, `${t("intake.rule.match")} (${t(`intake.rule.match.${r.definition.match}`)}) : `, r.definition.conditions.map((c) => `${t(`intake.field.${c.field}`)} ${t(`intake.op.${c.op}`)} « ${c.value} »`).join(" ; "), r.definition.feel ? ` ; FEEL ${r.definition.feel}` : ""),
        h("div", { class: "muted" }, r.definition.actions.map((a) => JSON.stringify(a)).join(" → "), r.stop ? ` · ${t("intake.rule.stop")}` : ""),
        manage ? h("button", { type: "button", onclick: () => edit(r) }, t("common.save").replace(/.*/, "✎")) : null,
      ));
    }
    if (manage) list.append(h("button", { type: "button", onclick: () => edit(null) }, t("intake.rule.new")));
  };
  const edit = (rule: Rule | null) => {
    clear(editor);
    const conditions = h("div");
    const addCondition = (c: Condition = { field: "subject", op: "contains", value: "" }) => {
      const row = h("div", { class: "intake-condition" },
        h("select", { name: "field", "aria-label": "champ" }, ...FIELDS.map((f) => h("option", { value: f, selected: f === c.field }, t(`intake.field.${f}`)))),
        h("select", { name: "op", "aria-label": "opérateur" }, ...OPS.map((o) => h("option", { value: o, selected: o === c.op }, t(`intake.op.${o}`)))),
        h("input", { name: "value", value: c.value, "aria-label": "valeur" }),
        h("button", { type: "button", onclick: () => row.remove() }, "✕"),
      );
      conditions.append(row);
    };
    for (const c of rule?.definition.conditions ?? [{ field: "subject", op: "contains", value: "" }]) addCondition(c);
    const name = h("input", { name: "name", value: rule?.name ?? "", required: true }) as HTMLInputElement;
    const position = h("input", { name: "position", type: "number", value: String(rule?.position ?? 10) }) as HTMLInputElement;
    const match = h("select", { name: "match" }, h("option", { value: "all", selected: rule?.definition.match !== "any" }, t("intake.rule.match.all")), h("option", { value: "any", selected: rule?.definition.match === "any" }, t("intake.rule.match.any"))) as HTMLSelectElement;
    const feel = h("input", { name: "feel", value: rule?.definition.feel ?? "", placeholder: 'hasAttachments and contains(subject, "devis")' }) as HTMLInputElement;
    const actions = h("textarea", { name: "actions" }, JSON.stringify(rule?.definition.actions ?? EXAMPLE, null, 2)) as HTMLTextAreaElement;
    const stop = h("input", { type: "checkbox", name: "stop", checked: rule?.stop ?? true }) as HTMLInputElement;
    const enabled = h("input", { type: "checkbox", name: "enabled", checked: rule?.enabled ?? true }) as HTMLInputElement;
    const message = h("div", { role: "status" });
    const body = () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(actions.value);
      } catch (error) {
        throw new Error(`Expected the actions as JSON, but found: ${(error as Error).message}`);
      }
      return {
        name: name.value, position: Number(position.value), enabled: enabled.checked, stop: stop.checked, ...(rule ? { version: rule.version } : {}),
        definition: {
          match: match.value, feel: feel.value || undefined, actions: parsed,
          conditions: [...conditions.querySelectorAll(".intake-condition")].map((row) => ({
            field: (row.querySelector("[name=field]") as HTMLSelectElement).value, op: (row.querySelector("[name=op]") as HTMLSelectElement).value, value: (row.querySelector("[name=value]") as HTMLInputElement).value,
          })).filter((c) => c.value !== ""),
        },
      };
    };
    const fail = (error: unknown) => {
      message.className = "intake-error";
      message.textContent = (error as Error).message;
    };
    editor.append(h("form", { class: "intake-form", "data-testid": "rule-form", onsubmit: async (e: Event) => {
      e.preventDefault();
      try {
        await api(rule ? "PUT" : "POST", rule ? `/api/mail/rules/${rule.id}` : "/api/mail/rules", body());
        clear(editor);
        await load();
      } catch (error) {
        fail(error);
      }
    } },
      h("label", {}, t("intake.rule.name"), name), h("label", {}, t("intake.rule.position"), position),
      h("label", {}, t("intake.rule.match"), match),
      h("div", { class: "wide" }, conditions, h("button", { type: "button", onclick: () => addCondition() }, t("intake.rule.addCondition"))),
      h("label", { class: "wide" }, t("intake.rule.feel"), feel),
      h("label", { class: "wide" }, t("intake.rule.actions"), actions),
      h("label", {}, h("span", {}, stop, " ", t("intake.rule.stop"))), h("label", {}, h("span", {}, enabled, " ", t("intake.rule.enabled"))),
      h("div", { class: "wide intake-toolbar" },
        h("button", { type: "submit" }, t("common.save")),
        h("button", { type: "button", onclick: async () => {
          try {
            showDry(await api<DryRun>("POST", "/api/mail/rules/dry-run", { rule: body() }));
            message.textContent = "";
          } catch (error) {
            fail(error);
          }
        } }, t("intake.rule.dryRun")),
        rule ? h("button", { type: "button", onclick: async () => { await api("DELETE", `/api/mail/rules/${rule.id}`); clear(editor); await load(); } }, t("intake.rule.delete")) : null,
        h("button", { type: "button", onclick: () => clear(editor) }, t("common.cancel")),
      ),
      h("div", { class: "wide" }, message),
    ));
  };
  const showDry = (r: DryRun) => {
    clear(dry);
    dry.append(h("table", { class: "intake-table", "data-testid": "dry-run" },
      h("thead", {}, h("tr", {}, h("th", {}, t("intake.col.subject")), h("th", {}, t("intake.col.from")), h("th", {}, t("intake.dry.matched")), h("th", {}, t("intake.dry.wouldDo")))),
      h("tbody", {}, ...r.items.map((i) => h("tr", {}, h("td", {}, i.subject ?? ""), h("td", {}, i.from ?? ""), h("td", {}, i.matched ? "✔" : ""), h("td", {}, i.wouldDo.join(" ; ") || t("intake.dry.none"))))),
    ));
  };
  container.append(list, editor, dry);
  if (manage) container.append(h("button", { type: "button", onclick: async () => showDry(await api<DryRun>("POST", "/api/mail/rules/dry-run", {})) }, `${t("intake.rule.dryRun")} — toutes les règles`));
  await load();
}
