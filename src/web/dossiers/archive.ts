/**
 * The 360° view's "Archives" section: whether the dossier is archived (since when, by whom, which
 * period), its records with their retain-until date and hold badges, and the actions "Archiver"
 * (a closed dossier) and "Réactiver" (with a reason). Shown once the dossier is closed or has records.
 */
import { api, type Session } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { formatDate, t } from "../shared/i18n.js";
import { showError } from "../shared/shell.js";
import "../archive/texts.js";
import "../archive/archive.css";
import { section, toast } from "./widgets.js";

interface ArchiveView {
  status: "archived" | "active"; period: number; archivedAt: number | null; archivedBy: string | null; reactivatedAt: number | null; reactivatedBy: string | null; reason: string | null;
  canArchive: boolean; canReactivate: boolean;
  records: Array<{ id: number; kind: string; filename: string | null; documentType: string | null; retainUntil: string | null; finalAction: string; status: string; period: number; holds: Array<{ reason: string }> }>;
}

export class ArchiveSection {
  readonly element = h("div", { class: "ar-panel" });
  constructor(private readonly reference: string, private readonly session: Session, private readonly reload: () => void) {}

  async load(): Promise<void> {
    try {
      this.render(await api<ArchiveView>("GET", `/api/archive/dossiers/${encodeURIComponent(this.reference)}`));
    } catch (e) {
      this.element.replaceChildren();
      showError(e);
    }
  }

  private render(v: ArchiveView): void {
    if (v.records.length === 0 && !v.canArchive && v.status === "active") return void this.element.replaceChildren();
    const canWrite = this.session.permissions.includes("dossiers.write");
    const act = (button: HTMLButtonElement, fn: () => Promise<unknown>, done: string) => {
      button.addEventListener("click", async () => {
        button.disabled = true;
        try {
          await fn();
          toast(done);
          this.reload();
          await this.load();
        } catch (e) {
          showError(e);
        } finally {
          button.disabled = false;
        }
      });
      return button;
    };
    const archive = h("button", { type: "button", class: "primary", "data-testid": "archive-dossier" }, t("ar.panel.archive"));
    const reactivate = h("button", { type: "button", "data-testid": "reactivate-dossier" }, t("ar.panel.reactivate"));
    const status = v.status === "archived"
      ? h("p", { "data-testid": "archive-status" }, t("ar.panel.archived", { date: formatDate(v.archivedAt), by: v.archivedBy ?? "—", period: v.period }))
      : h("p", { class: "muted" }, t("ar.panel.active"), v.reactivatedAt ? ` · ${t("ar.panel.reactivated", { date: formatDate(v.reactivatedAt), by: v.reactivatedBy ?? "—", reason: v.reason ?? "" })}` : "");
    const rows = v.records.map((r) =>
      h("li", { "data-record": r.id },
        h("strong", {}, r.kind === "dossier" ? t("ar.kind.dossier") : r.filename ?? ""), " ",
        h("span", { class: "muted" }, `P${r.period} · ${t("ar.col.until")} : ${r.retainUntil ?? t("ar.forever")} (${t(`ar.action.${r.finalAction}`)})`),
        r.status === "destroyed" ? h("span", { class: "ar-badge destroyed" }, t("ar.status.destroyed")) : null,
        ...r.holds.map((x) => h("span", { class: "ar-badge hold", title: x.reason }, t("ar.hold")))));
    this.element.replaceChildren(section("archive", t("ar.panel.title"),
      status,
      canWrite && v.canArchive ? act(archive, async () => { if (confirm(t("ar.panel.confirm.archive"))) await api("POST", `/api/archive/dossiers/${encodeURIComponent(this.reference)}/archive`, {}); }, t("ar.panel.archive")) : null,
      canWrite && v.canReactivate ? act(reactivate, async () => {
        const reason = prompt(t("ar.panel.prompt.reactivate"));
        if (reason) await api("POST", `/api/archive/dossiers/${encodeURIComponent(this.reference)}/reactivation`, { reason });
      }, t("ar.panel.reactivate")) : null,
      v.records.length ? h("p", { class: "muted" }, t("ar.panel.records", { count: v.records.length })) : null,
      v.records.length ? h("ul", { class: "items ar-records" }, ...rows) : null,
    ));
  }
}
