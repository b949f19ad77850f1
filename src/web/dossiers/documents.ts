/**
 * Documents by type: preview (PDF, images), download, print, accept or refuse with a reason, and
 * the upload zone (drag and drop or pick several files at once, with their document type).
 */
import { h } from "../shared/dom.js";
import { formatDate, t } from "../shared/i18n.js";
import { documents, documentUrl, label, setDocumentStatus, uploadDocuments, type DocumentInfo, type TypeDefinition } from "./data.js";
import { kindOf, printPages, renderPreview } from "./preview.js";
import { sharedDocuments, shareToggle } from "./links.js";
import { errorText, fill, section, toast } from "./widgets.js";

const size = (bytes?: number) => (bytes === undefined ? "" : bytes < 1024 ? `${bytes} o` : bytes < 1048576 ? `${Math.round(bytes / 1024)} Ko` : `${(bytes / 1048576).toFixed(1)} Mo`);

export class DocumentsSection {
  readonly element: HTMLElement;
  private type: TypeDefinition | null = null;
  /** Documents shared with the customer's portal (portal module). */
  private shared = new Set<number>();
  private readonly groups = h("div", { class: "doc-groups", "data-testid": "documents" });
  private readonly uploadHost = h("div", {});
  private readonly previewHost = h("div", { class: "preview", "data-testid": "preview", hidden: true });

  constructor(private readonly reference: string, private readonly canWrite: boolean, private readonly changed: () => Promise<void>) {
    this.element = section("documents", t("dossiers.docs"), this.uploadHost, this.groups, this.previewHost);
  }

  async load(type: TypeDefinition): Promise<void> {
    const first = this.type === null;
    this.type = type;
    if (first && this.canWrite) this.uploadHost.replaceChildren(this.uploadZone());
    let items: DocumentInfo[];
    try {
      [items, this.shared] = await Promise.all([documents(this.reference), sharedDocuments(this.reference)]);
    } catch (e) {
      this.groups.replaceChildren(h("p", { class: "error" }, errorText(e)));
      return;
    }
    const byType = new Map<string, DocumentInfo[]>();
    for (const d of items) {
      const key = d.documentType ?? "";
      byType.set(key, [...(byType.get(key) ?? []), d]);
    }
    const known = type.documentTypes.map((x) => x.id);
    const order = [...known.filter((k) => byType.has(k)), ...[...byType.keys()].filter((k) => !known.includes(k))];
    const expected = known.filter((k) => !byType.has(k));
    this.element.querySelector("h2")!.textContent = `${t("dossiers.docs")} (${items.length})`;
    fill(this.groups, 
      ...(order.length ? order.map((k) => h("section", { class: "doc-group", "data-document-type": k || "none" },
        h("h3", {}, this.typeLabel(k), h("span", { class: "muted" }, ` (${byType.get(k)!.length})`)),
        h("ul", { class: "items" }, ...byType.get(k)!.map((d) => this.item(d))))) : [h("p", { class: "muted" }, t("dossiers.docs.none"))]),
      expected.length ? h("p", { class: "muted small expected" }, t("dossiers.docs.expected", { types: expected.map((k) => this.typeLabel(k)).join(", ") })) : null);
  }

  private typeLabel(id: string): string {
    if (!id) return t("dossiers.docs.untyped");
    return label(this.type?.documentTypes.find((x) => x.id === id)?.label, id);
  }

  private item(d: DocumentInfo): HTMLElement {
    const status = d.status ?? "received";
    const reason = d.statusReason ?? d.reason;
    const refuse = h("form", { class: "refuse-form", hidden: true, onsubmit: async (e: Event) => {
      e.preventDefault();
      const text = (refuse.querySelector("input") as HTMLInputElement).value.trim();
      if (!text) return (refuse.querySelector("input") as HTMLInputElement).focus();
      await this.status(d, "refused", text);
    } }, h("input", { name: "reason", placeholder: t("dossiers.docs.refuseReason"), "aria-label": t("dossiers.docs.refuseReason"), required: true }),
    h("button", { type: "submit", class: "danger" }, t("dossiers.docs.refuse")));
    const previewable = kindOf(d) !== "other";
    return h("li", { class: "doc", "data-document": String(d.id) },
      h("div", { class: "doc-main" },
        h("strong", { class: "filename" }, d.filename), " ",
        h("span", { class: `badge doc-${status}`, "data-status": status }, t(`dossiers.docs.status.${status}`)),
        reason ? h("span", { class: "muted small" }, ` ${t("dossiers.docs.reason", { reason })}`) : null,
        h("div", { class: "muted small" }, [formatDate(d.createdAt ?? d.uploadedAt), d.uploadedBy, size(d.size), d.version && d.version > 1 ? `v${d.version}` : ""].filter(Boolean).join(" · "))),
      h("div", { class: "doc-actions" },
        previewable ? h("button", { type: "button", class: "small", "data-action": "preview", onclick: () => void this.preview(d) }, t("dossiers.docs.preview")) : null,
        h("a", { class: "button small", href: documentUrl(d.id, true), "data-action": "download" }, t("dossiers.docs.download")),
        previewable ? h("button", { type: "button", class: "small", "data-action": "print", onclick: () => void this.print(d) }, t("dossiers.docs.print")) : null,
        this.canWrite && status !== "accepted" ? h("button", { type: "button", class: "small", "data-action": "accept", onclick: () => void this.status(d, "accepted") }, t("dossiers.docs.accept")) : null,
        this.canWrite && status !== "refused" ? h("button", { type: "button", class: "small", "data-action": "refuse", onclick: () => { refuse.hidden = false; refuse.querySelector("input")?.focus(); } }, t("dossiers.docs.refuse")) : null,
        this.canWrite ? shareToggle(this.reference, Number(d.id), this.shared.has(Number(d.id))) : null),
      refuse);
  }

  private async status(d: DocumentInfo, status: "accepted" | "refused", reason?: string): Promise<void> {
    try {
      await setDocumentStatus(d.id, status, reason);
      toast(t(`dossiers.docs.${status}`, { name: d.filename }));
      await this.changed();
    } catch (e) {
      toast(errorText(e));
    }
  }

  private async preview(d: DocumentInfo): Promise<Array<HTMLCanvasElement | HTMLImageElement>> {
    this.previewHost.hidden = false;
    const body = h("div", { class: "preview-body" });
    this.previewHost.replaceChildren(
      h("div", { class: "preview-head" }, h("h3", { tabindex: "-1" }, d.filename),
        h("button", { type: "button", class: "link", onclick: () => { this.previewHost.hidden = true; this.previewHost.replaceChildren(); } }, t("common.close"))),
      body);
    this.previewHost.dataset["document"] = String(d.id);
    this.previewHost.querySelector<HTMLElement>("h3")?.focus({ preventScroll: true });
    this.previewHost.scrollIntoView({ block: "start", behavior: "smooth" });
    try {
      return await renderPreview(d, body);
    } catch (e) {
      body.replaceChildren(h("p", { class: "error" }, t("dossiers.docs.previewFailed", { error: errorText(e) })));
      return [];
    }
  }

  private async print(d: DocumentInfo): Promise<void> {
    const pages = await this.preview(d);
    if (pages.length) printPages(pages, `${this.reference} · ${d.filename}`);
  }

  private uploadZone(): HTMLElement {
    const types = this.type?.documentTypes ?? [];
    const select = h("select", { name: "documentType", id: "upload-type", "aria-label": t("dossiers.docs.type") },
      ...types.map((x) => h("option", { value: x.id }, label(x.label, x.id))));
    const input = h("input", { type: "file", multiple: true, id: "upload-files", name: "file", class: "visually-hidden", onchange: () => void send([...(input.files ?? [])]) });
    const status = h("p", { class: "upload-status muted", role: "status", "aria-live": "polite" });
    const zone = h("label", { class: "dropzone", for: "upload-files", tabindex: "0", "data-testid": "dropzone",
      onkeydown: (e: KeyboardEvent) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); } } },
    h("strong", {}, t("dossiers.docs.drop")), h("span", { class: "muted" }, t("dossiers.docs.dropHint")));
    zone.addEventListener("dragover", (e: DragEvent) => { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (e: DragEvent) => {
      e.preventDefault();
      zone.classList.remove("over");
      void send([...(e.dataTransfer?.files ?? [])]);
    });
    const send = async (files: File[]) => {
      if (!files.length) return;
      status.textContent = t("dossiers.docs.uploading", { count: files.length });
      status.className = "upload-status muted";
      try {
        await uploadDocuments(this.reference, files, select.value);
        status.textContent = t("dossiers.docs.uploaded", { count: files.length, type: this.typeLabel(select.value) });
        input.value = "";
        await this.changed();
      } catch (e) {
        status.className = "upload-status error";
        status.textContent = errorText(e);
      }
    };
    return h("div", { class: "upload" }, h("label", { for: "upload-type" }, t("dossiers.docs.type")), select, zone, input, status);
  }
}
