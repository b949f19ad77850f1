/**
 * The archive (bundled into public/build/archive.js), area "archive":
 *   /archive               records: search, consult, download, evidence pack, hold, extend
 *   /archive/disposal      the disposal list, requests, the archivist's review and the manager's approval
 *   /archive/rules         the retention catalogue (archive.manage edits it)
 *   /archive/holds         active legal holds
 *   /archive/integrity     audits, incidents, seals, journal verification, export
 */
import { api, type Session } from "../shared/api.js";
import { clear, h } from "../shared/dom.js";
import { formatDate, t } from "../shared/i18n.js";
import { showError, startPage } from "../shared/shell.js";
import "./texts.js";
import "./archive.css";

type Row = Record<string, any>;
const SECTIONS: Array<[string, string]> = [["", "ar.tab.records"], ["disposal", "ar.tab.disposal"], ["rules", "ar.tab.rules"], ["holds", "ar.tab.holds"], ["integrity", "ar.tab.integrity"]];

const until = (r: Row) => (r["retainUntil"] ? String(r["retainUntil"]) : t("ar.forever"));
const pieceOf = (r: Row) => (r["kind"] === "dossier" ? t("ar.kind.dossier") : String(r["filename"] ?? ""));
const badges = (r: Row) => [
  h("span", { class: `ar-badge ${r["status"] === "destroyed" ? "destroyed" : ""}` }, t(`ar.status.${r["status"]}`)),
  ...(r["holds"] ?? []).map((x: Row) => h("span", { class: "ar-badge hold", title: `${x["reason"]} (${x["placedBy"]})` }, t("ar.hold"))),
];
const reload = () => location.reload();
async function run(button: HTMLButtonElement, f: () => Promise<unknown>): Promise<void> {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = t("ar.running");
  try {
    await f();
  } catch (error) {
    showError(error);
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

async function recordsPage(session: Session, body: HTMLElement): Promise<void> {
  const manage = session.permissions.includes("archive.manage");
  const q = h("input", { type: "search", name: "q", placeholder: t("ar.search"), value: new URLSearchParams(location.search).get("q") ?? "" });
  const table = h("tbody", {});
  const load = async () => {
    const params = new URLSearchParams();
    if (q.value.trim()) params.set("q", q.value.trim());
    const { items } = await api<{ items: Row[] }>("GET", `/api/archive/records?${params}`);
    clear(table);
    if (items.length === 0) table.append(h("tr", {}, h("td", { colspan: 7, class: "muted" }, t("ar.none"))));
    for (const r of items) {
      const detail = h("tr", { class: "ar-detail", hidden: true }, h("td", { colspan: 7 }));
      const open = h("button", { type: "button", class: "link", "data-testid": `open-${r["id"]}` }, t("ar.open"));
      open.addEventListener("click", () => void showDetail(r, detail, manage).catch(showError));
      table.append(
        h("tr", { "data-record": r["id"] },
          h("td", {}, String(r["id"])),
          h("td", {}, h("a", { href: `/dossiers/${encodeURIComponent(r["dossier"])}` }, r["dossier"]), h("div", { class: "muted" }, r["dossierTitle"] ?? "")),
          h("td", {}, pieceOf(r), h("div", { class: "ar-sha" }, r["sha256"] ?? "")),
          h("td", {}, r["documentType"] ?? "—"),
          h("td", {}, formatDate(r["depositedAt"], false)),
          h("td", {}, until(r), h("div", { class: "muted" }, t(`ar.action.${r["finalAction"]}`))),
          h("td", {}, ...badges(r), h("div", {}, open)),
        ),
        detail,
      );
    }
  };
  body.append(
    h("form", { class: "ar-toolbar", onsubmit: (e: Event) => { e.preventDefault(); void load().catch(showError); } }, q, h("button", { type: "submit", class: "primary" }, t("ar.search.go"))),
    h("table", {}, h("thead", {}, h("tr", {}, ...["ar.col.id", "ar.col.dossier", "ar.col.piece", "ar.col.type", "ar.col.deposited", "ar.col.until", "ar.col.status"].map((k) => h("th", {}, t(k))))), table),
  );
  await load();
}

async function showDetail(r: Row, row: HTMLElement, manage: boolean): Promise<void> {
  const cell = row.firstElementChild as HTMLElement;
  if (!row.hidden) return void (row.hidden = true);
  const full = await api<Row>("GET", `/api/archive/records/${r["id"]}`); // journaled as a consultation
  clear(cell);
  const actions = h("div", { class: "ar-toolbar" });
  if (full["status"] === "kept") {
    actions.append(h("a", { href: `/api/archive/records/${r["id"]}/content`, target: "_blank", rel: "noopener" }, t("ar.download")), h("a", { href: `/api/archive/records/${r["id"]}/evidence` }, t("ar.evidence")));
    if (manage) {
      const hold = h("button", { type: "button" }, t("ar.placeHold"));
      hold.addEventListener("click", () => {
        const reason = prompt(t("ar.prompt.holdReason"));
        if (reason) void run(hold, async () => { await api("POST", "/api/archive/holds", { recordId: r["id"], reason }); reload(); });
      });
      const extend = h("button", { type: "button" }, t("ar.extend"));
      extend.addEventListener("click", () => {
        const date = prompt(t("ar.prompt.until"), String(full["retainUntil"] ?? ""));
        const reason = date ? prompt(t("ar.prompt.reason")) : null;
        if (date && reason) void run(extend, async () => { await api("POST", `/api/archive/records/${r["id"]}/retention`, { retainUntil: date, reason }); reload(); });
      });
      actions.append(hold, extend);
    }
  }
  for (const x of full["holds"] ?? []) actions.append(h("span", { class: "ar-badge hold" }, t("ar.held", { reason: x["reason"] })));
  cell.append(actions, h("h4", {}, t("ar.journal")),
    h("table", { class: "ar-journal" }, h("tbody", {}, ...(full["journal"] as Row[]).map((e) =>
      h("tr", {}, h("td", {}, `#${e["seq"]}`), h("td", {}, formatDate(e["at"])), h("td", {}, e["action"]), h("td", {}, e["actor"] ?? "—"), h("td", { class: "ar-sha" }, e["hash"]))))));
  row.hidden = false;
}

async function disposalPage(session: Session, body: HTMLElement): Promise<void> {
  const manage = session.permissions.includes("archive.manage");
  const approve = session.permissions.includes("archive.approve");
  const [eligible, disposals] = await Promise.all([api<{ today: string; items: Row[] }>("GET", "/api/archive/disposals/eligible"), api<{ items: Row[] }>("GET", "/api/archive/disposals")]);
  const checks: HTMLInputElement[] = [];
  const erase = h("input", { type: "checkbox", id: "erase" });
  const request = h("button", { type: "button", class: "primary", "data-testid": "request-disposal" }, t("ar.request"));
  request.addEventListener("click", () => void run(request, async () => {
    await api("POST", "/api/archive/disposals", { recordIds: checks.filter((c) => c.checked).map((c) => Number(c.value)), eraseParties: erase.checked });
    reload();
  }));
  body.append(h("div", { class: "ar-box" }, h("h3", {}, t("ar.eligible", { today: eligible.today })),
    eligible.items.length === 0 ? h("p", { class: "muted" }, t("ar.eligible.none")) :
      h("table", {}, h("tbody", {}, ...eligible.items.map((r) => {
        const c = h("input", { type: "checkbox", value: String(r["id"]), checked: r["finalAction"] === "destroy", disabled: !manage });
        checks.push(c);
        return h("tr", {}, h("td", {}, c), h("td", {}, r["dossier"]), h("td", {}, pieceOf(r)), h("td", {}, r["documentType"] ?? "—"), h("td", {}, until(r)), h("td", {}, t(`ar.action.${r["finalAction"]}`)));
      }))),
    manage && eligible.items.length ? h("div", { class: "ar-toolbar" }, h("label", {}, erase, " ", t("ar.erase")), request) : null));
  const decide = (d: Row, step: "review" | "approval", ok: boolean) => async () => {
    const comment = ok ? "" : prompt(t("ar.prompt.refusal"));
    if (!ok && !comment) return;
    await api("POST", `/api/archive/disposals/${d["id"]}/${step}`, { approve: ok, comment });
    reload();
  };
  const button = (label: string, f: () => Promise<void>, cls = "") => {
    const b = h("button", { type: "button", class: cls }, label);
    b.addEventListener("click", () => void run(b, f));
    return b;
  };
  body.append(h("div", { class: "ar-box" }, h("h3", {}, t("ar.disposals")),
    h("table", {}, h("tbody", {}, ...disposals.items.map((d) => h("tr", { "data-disposal": d["id"] },
      h("td", {}, `#${d["id"]}`), h("td", {}, formatDate(d["created_at"])), h("td", {}, d["created_by"]), h("td", {}, `${(d["record_ids"] as number[]).length} enr.`),
      h("td", {}, h("span", { class: `ar-badge ${d["status"] === "refused" ? "bad" : d["status"] === "done" ? "ok" : ""}` }, t(`ar.disposal.status.${d["status"]}`))),
      h("td", {},
        d["status"] === "review" && manage ? [button(t("ar.review"), decide(d, "review", true), "primary"), " ", button(t("ar.refuse"), decide(d, "review", false))] : null,
        d["status"] === "approval" && approve ? [button(t("ar.approve"), decide(d, "approval", true), "primary"), " ", button(t("ar.refuse"), decide(d, "approval", false))] : null,
        d["status"] === "done" ? h("a", { href: `/api/archive/disposals/${d["id"]}/certificate`, target: "_blank", rel: "noopener" }, t("ar.certificate")) : null,
      )))))));
}

async function rulesPage(session: Session, body: HTMLElement): Promise<void> {
  const manage = session.permissions.includes("archive.manage");
  const { items } = await api<{ items: Row[] }>("GET", "/api/archive/rules");
  body.append(h("p", { class: "muted" }, t("ar.rules.intro")));
  const form = (r: Row | null) => {
    const f = (name: string, value: unknown, extra: Record<string, string> = {}) => h("input", { name, value: value === null || value === undefined ? "" : String(value), disabled: !manage, ...extra });
    const select = (name: string, options: string[], value: string, prefix: string) => h("select", { name, disabled: !manage }, ...options.map((o) => h("option", { value: o, selected: o === value }, t(`${prefix}${o}`))));
    const el = h("form", { class: "ar-rule-form ar-box", "data-rule": r?.["id"] ?? "new" },
      h("label", {}, t("ar.rule.id"), f("id", r?.["id"], r ? { readonly: "readonly" } : { placeholder: "ex. devis" })),
      h("label", {}, t("ar.rule.label"), f("label", r?.["label"])),
      h("label", {}, t("ar.rule.documentType"), f("documentType", r?.["documentType"], { placeholder: t("ar.rule.any") })),
      h("label", {}, t("ar.rule.dossierType"), f("dossierType", r?.["dossierType"], { placeholder: t("ar.rule.any") })),
      h("label", {}, t("ar.rule.duration"), f("duration", r?.["duration"] ?? "P5Y")),
      h("label", {}, t("ar.rule.start"), select("startEvent", ["archived", "field", "document", "fiscalYearEnd"], r?.["startEvent"] ?? "archived", "ar.start.")),
      h("label", {}, t("ar.rule.field"), f("startField", r?.["startField"], { placeholder: "dateFin, document…" })),
      h("label", {}, t("ar.rule.final"), select("finalAction", ["destroy", "review", "keep"], r?.["finalAction"] ?? "destroy", "ar.action.")),
      h("label", {}, t("ar.rule.position"), f("position", r?.["position"] ?? 500, { type: "number" })),
      manage ? h("div", { class: "ar-toolbar" }, h("button", { type: "submit", class: "primary" }, r ? t("ar.rule.save") : t("ar.rule.new")),
        r && r["id"] !== "defaut" ? h("button", { type: "button", class: "danger", onclick: async () => { try { await api("DELETE", `/api/archive/rules/${r["id"]}`); reload(); } catch (e) { showError(e); } } }, t("ar.rule.delete")) : null) : null,
    );
    el.addEventListener("submit", (e) => {
      e.preventDefault();
      const data = Object.fromEntries(new FormData(el).entries()) as Record<string, string>;
      const id = data["id"] || String(r?.["id"] ?? "");
      void api("PUT", `/api/archive/rules/${encodeURIComponent(id)}`, { ...data, position: Number(data["position"]) }).then(reload, showError);
    });
    return el;
  };
  for (const r of items) body.append(form(r));
  if (manage) body.append(form(null));
}

async function holdsPage(session: Session, body: HTMLElement): Promise<void> {
  const { items } = await api<{ items: Row[] }>("GET", "/api/archive/holds");
  if (items.length === 0) return void body.append(h("p", { class: "muted" }, t("ar.holds.none")));
  body.append(h("table", {}, h("thead", {}, h("tr", {}, ...["ar.col.id", "ar.col.on", "ar.col.reason", "ar.col.by", "ar.col.at", ""].map((k) => h("th", {}, k ? t(k) : "")))),
    h("tbody", {}, ...items.map((x) => {
      const release = h("button", { type: "button" }, t("ar.release"));
      release.addEventListener("click", () => {
        const reason = prompt(t("ar.prompt.release"));
        if (reason) void run(release, async () => { await api("POST", `/api/archive/holds/${x["id"]}/release`, { reason }); reload(); });
      });
      return h("tr", {}, h("td", {}, `#${x["id"]}`), h("td", {}, x["record_id"] ? `enr. ${x["record_id"]}` : `dossier #${x["dossier_id"]}`), h("td", {}, x["reason"]), h("td", {}, x["placed_by"]), h("td", {}, formatDate(x["placed_at"])),
        h("td", {}, session.permissions.includes("archive.manage") ? release : null));
    }))));
}

async function integrityPage(session: Session, body: HTMLElement): Promise<void> {
  const manage = session.permissions.includes("archive.manage");
  const [audits, incidents, seals, check] = await Promise.all([
    api<{ items: Row[] }>("GET", "/api/archive/audits"), api<{ items: Row[] }>("GET", "/api/archive/incidents"),
    api<{ items: Row[] }>("GET", "/api/archive/seals"), api<Row>("GET", "/api/archive/journal/verification"),
  ]);
  const ok = (v: boolean) => h("span", { class: `ar-badge ${v ? "ok" : "bad"}` }, v ? t("ar.ok") : t("ar.bad"));
  const toolbar = h("div", { class: "ar-toolbar" }, h("span", {}, t("ar.verify.journal")), ok(check["journal"].valid), h("span", {}, t("ar.verify.seals")), ok(check["seals"].valid));
  if (manage) {
    const audit = h("button", { type: "button", class: "primary", "data-testid": "run-audit" }, t("ar.audit.run"));
    audit.addEventListener("click", () => void run(audit, async () => { await api("POST", "/api/archive/audits"); reload(); }));
    const seal = h("button", { type: "button" }, t("ar.seal.run"));
    seal.addEventListener("click", () => void run(seal, async () => { await api("POST", "/api/archive/seals"); reload(); }));
    toolbar.append(audit, seal, h("a", { href: "/api/archive/export" }, t("ar.export")));
  }
  body.append(toolbar);
  body.append(h("div", { class: "ar-box" }, h("h3", {}, t("ar.incidents")), incidents.items.length === 0 ? h("p", { class: "muted" }, t("ar.incidents.none")) :
    h("table", {}, h("tbody", {}, ...incidents.items.map((i) => {
      const repair = h("button", { type: "button" }, t("ar.repair"));
      repair.addEventListener("click", () => void run(repair, async () => { await api("POST", `/api/archive/incidents/${i["id"]}/repair`); reload(); }));
      return h("tr", { "data-incident": i["id"] }, h("td", {}, h("span", { class: "ar-badge bad" }, i["kind"])), h("td", {}, i["filename"] ? `${i["filename"]} (enr. ${i["record_id"]}, ${i["reference"]})` : "—"), h("td", {}, i["detail"]),
        h("td", {}, manage && (i["kind"] === "altered" || i["kind"] === "missing") ? repair : null));
    })))));
  body.append(h("div", { class: "ar-box" }, h("h3", {}, t("ar.audits")), h("table", {}, h("tbody", {}, ...audits.items.map((a) =>
    h("tr", {}, h("td", {}, `#${a["id"]}`), h("td", {}, formatDate(a["finished_at"])), h("td", {}, a["trigger"]),
      h("td", {}, h("span", { class: `ar-badge ${a["status"] === "clean" ? "ok" : "bad"}` }, t(`ar.audit.${a["status"]}`))),
      h("td", {}, t("ar.audit.line", { files: a["files"], mb: (Number(a["bytes"]) / 1048576).toFixed(2), problems: a["problems"] }))))))));
  body.append(h("div", { class: "ar-box" }, h("h3", {}, t("ar.seals")), h("table", {}, h("tbody", {}, ...seals.items.map((s) =>
    h("tr", {}, h("td", {}, `#${s["seq"]}`), h("td", {}, formatDate(s["sealed_at"])), h("td", {}, `${s["from_seq"]}–${s["to_seq"]}`), h("td", { class: "ar-sha" }, s["merkle_root"]), h("td", { class: "ar-sha" }, s["signature"])))))));
}

try {
  const { session, main } = await startPage("archive");
  const section = location.pathname.replace(/^\/archive\/?/, "").replace(/\/$/, "");
  const overview = await api<Row>("GET", "/api/archive/overview");
  main.append(
    h("nav", { class: "ar-tabs", "aria-label": t("nav.archive") }, ...SECTIONS.map(([path, key]) =>
      h("a", { href: `/archive${path ? `/${path}` : ""}`, class: section === path ? "active" : "", "aria-current": section === path ? "page" : null }, t(key)))),
    h("p", { class: "muted", "data-testid": "overview" }, t("ar.overview", { records: overview["records"], dossiers: overview["dossiers"], holds: overview["holds"], journal: overview["journal"] })),
    overview["certificate"]?.["selfSigned"] ? h("div", { class: "banner info" }, t("ar.selfSigned")) : "",
  );
  const body = h("div", {});
  main.append(body);
  if (section === "disposal") await disposalPage(session, body);
  else if (section === "rules") await rulesPage(session, body);
  else if (section === "holds") await holdsPage(session, body);
  else if (section === "integrity") await integrityPage(session, body);
  else await recordsPage(session, body);
} catch (error) {
  if (!(error instanceof Error && error.message === "not signed in")) showError(error);
}
