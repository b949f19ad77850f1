/**
 * /dossiers/<reference>: the 360° view. Header (reference, type, state, customer, owner, key
 * dates, deadlines with days left), the action menu from the type's catalogue, state changes, and
 * the sections: tasks in progress, exchanges, documents, fields, child dossiers, processes, journal.
 * Everything reloads after a change; the URL hash names the open section (#documents, …).
 */
import { ApiProblem, type Session } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { formatDate, t } from "../shared/i18n.js";
import { showError } from "../shared/shell.js";
import { actionMenu, stateButtons } from "./actions.js";
import { dossierType, getDossier, label, type Dossier, type TypeDefinition } from "./data.js";
import { DocumentsSection } from "./documents.js";
import { FieldsSection } from "./edit.js";
import { JournalSection } from "./journal.js";
import { LinksSection, portalInfo } from "./links.js";
import { MessagesSection } from "./messages.js";
import { SignaturesSection } from "./signatures.js";
import { ArchiveSection } from "./archive.js";
import { InvoicesSection } from "./invoices.js";
import { childrenSection, processesSection, tasksSection } from "./related.js";
import { TimelineSection } from "./timeline.js";
import { daysLeftBadge, fill, stateBadge, toast } from "./widgets.js";

export class DossierView {
  private dossier!: Dossier;
  private type!: TypeDefinition;
  private readonly header = h("header", { class: "dossier-header card" });
  private readonly tasks = h("div", {});
  private readonly children = h("div", {});
  private readonly processes = h("div", {});
  private readonly timeline: TimelineSection;
  private readonly documents: DocumentsSection;
  private readonly fields: FieldsSection;
  private readonly journal: JournalSection;
  private readonly signatures: SignaturesSection;
  private readonly archive: ArchiveSection;
  private readonly invoices: InvoicesSection;
  private readonly links: LinksSection;
  private readonly messages: MessagesSection;

  constructor(private readonly session: Session, private readonly main: HTMLElement, private readonly reference: string) {
    const reload = () => this.reload();
    const canWrite = session.permissions.includes("dossiers.write");
    this.timeline = new TimelineSection(reference, canWrite, reload);
    this.documents = new DocumentsSection(reference, canWrite, reload);
    this.fields = new FieldsSection(reference, canWrite, (d) => this.updated(d));
    this.journal = new JournalSection(reference);
    this.signatures = new SignaturesSection(reference, session, reload);
    this.archive = new ArchiveSection(reference, session, reload);
    this.invoices = new InvoicesSection(reference, session);
    this.links = new LinksSection(reference, canWrite);
    this.messages = new MessagesSection(reference, canWrite);
  }

  async start(): Promise<void> {
    try {
      this.dossier = await getDossier(this.reference);
    } catch (e) {
      if (e instanceof ApiProblem && e.status === 404) {
        this.main.replaceChildren(h("div", { class: "card not-found", "data-testid": "not-found" },
          h("h1", {}, t("dossiers.view.notFound.title")), h("p", {}, t("dossiers.view.notFound", { reference: this.reference })),
          h("a", { href: "/dossiers" }, t("dossiers.view.backToList"))));
        return;
      }
      throw e;
    }
    this.type = await dossierType(this.dossier.type);
    document.title = `${this.dossier.reference} · ${this.dossier.title} · ${t("app.name")}`;
    this.main.replaceChildren(h("div", { class: "dossier-view", "data-reference": this.reference },
      h("nav", { class: "crumbs", "aria-label": t("dossiers.view.crumbs") }, h("a", { href: "/dossiers" }, t("dossiers.title")),
        this.dossier.parent ? [" › ", h("a", { href: `/dossiers/${encodeURIComponent(this.dossier.parent.reference)}` }, `${this.dossier.parent.reference} · ${this.dossier.parent.title}`)] : null,
        " › ", h("span", {}, this.dossier.reference)),
      this.header,
      h("div", { class: "dossier-grid" },
        h("div", { class: "col-main" }, this.tasks, this.signatures.element, this.invoices.element, this.timeline.element, this.messages.element, this.documents.element),
        h("div", { class: "col-side" }, this.fields.element, this.links.element, this.archive.element, this.children, this.processes, this.journal.element))));
    this.render();
    if (new URLSearchParams(location.search).get("created")) {
      toast(t("dossiers.view.created", { reference: this.reference }));
      history.replaceState(null, "", location.pathname + location.hash);
    }
    await Promise.all([this.timeline.load(), this.documents.load(this.type), this.journal.load(), this.signatures.load(), this.archive.load(), this.invoices.load(), this.loadPortal()]);
    // #documents, #journal, … (the global search links a document hit to #documents).
    const follow = () => { const anchor = location.hash.slice(1); if (anchor) document.getElementById(`section-${anchor}`)?.scrollIntoView(); };
    follow();
    window.addEventListener("hashchange", follow);
  }

  /** After any change: the dossier again (version, state, tasks), then the sections that show history. */
  async reload(): Promise<void> {
    try {
      this.dossier = await getDossier(this.reference);
      if (this.dossier.typeVersion !== this.type.version) this.type = await dossierType(this.dossier.type);
      this.render();
      await Promise.all([this.timeline.load(), this.documents.load(this.type), this.journal.load(), this.signatures.load(), this.archive.load(), this.loadPortal()]);
    } catch (e) {
      showError(e);
    }
  }

  /** The portal's links, waiting tasks and message thread (one request). */
  private async loadPortal(): Promise<void> {
    try {
      const info = await portalInfo(this.reference);
      this.links.render(info);
      this.messages.render(info.messages);
    } catch {
      this.links.element.hidden = true;
      this.messages.element.hidden = true;
    }
  }

  private updated(d: Dossier): void {
    this.dossier = d;
    this.render();
    void this.journal.load();
  }

  private render(): void {
    const d = this.dossier;
    const customer = d.parties?.find((p) => p.role === "customer")?.party ?? d.customer;
    const facts: Array<[string, Node | string]> = [
      [t("dossiers.col.type"), d.typeName ?? label(this.type.name, d.type)],
      [t("dossiers.col.customer"), customer ? h("span", { "data-testid": "customer" }, customer.name,
        "email" in customer && customer.email ? h("span", { class: "muted" }, ` · ${customer.email}`) : null,
        "phone" in customer && customer.phone ? h("span", { class: "muted" }, ` · ${customer.phone}`) : null) : "—"],
      [t("dossiers.col.owner"), d.owner ?? "—"],
      [t("dossiers.col.sector"), d.sector ?? "—"],
      [t("dossiers.col.createdAt"), formatDate(d.createdAt)],
      [t("dossiers.col.updatedAt"), formatDate(d.updatedAt)],
    ];
    const others = (d.parties ?? []).filter((p) => p.role !== "customer");
    for (const p of others) facts.push([p.roleLabel ?? p.role, p.party.name]);
    const deadlines = d.deadlines ?? [];
    fill(this.header, 
      h("div", { class: "header-top" },
        h("div", { class: "header-title" },
          h("p", { class: "ref", "data-testid": "reference" }, d.reference),
          h("h1", { "data-testid": "title" }, d.title),
          stateBadge(d.state, d.stateLabel ?? label(this.type.states.find((s) => s.id === d.state)?.label, d.state))),
        h("div", { class: "header-actions" },
          stateButtons(d, this.type, this.session, () => this.reload()),
          actionMenu(d, this.session, () => this.reload()))),
      h("dl", { class: "header-facts" }, ...facts.map(([k, v]) => h("div", { class: "fact" }, h("dt", {}, k), h("dd", {}, v)))),
      deadlines.length ? h("ul", { class: "deadlines", "aria-label": t("dossiers.view.deadlines"), "data-testid": "deadlines" },
        ...deadlines.map((x) => h("li", {}, h("strong", {}, label(x.label, x.id)), " ", formatDate(x.date, false), " ", daysLeftBadge(x.daysLeft)))) : null,
      this.missing(d));
    this.tasks.replaceChildren(tasksSection(d));
    this.children.replaceChildren(childrenSection(d, this.session));
    this.processes.replaceChildren(processesSection(d, this.session));
    this.fields.render(d, this.type);
  }

  /** The fields still empty for the states the dossier can move to. */
  private missing(d: Dossier): HTMLElement | null {
    const entries = Object.entries(d.fieldsMissingFor ?? {}).filter(([, f]) => f.length);
    if (!entries.length) return null;
    const fieldName = (id: string) => label(this.type.fields.find((f) => f.id === id)?.label, id);
    const stateName = (id: string) => label(this.type.states.find((s) => s.id === id)?.label, id);
    return h("p", { class: "banner info missing" }, entries.map(([state, fields]) => t("dossiers.view.missing", { state: stateName(state), fields: fields.map(fieldName).join(", ") })).join(" · "));
  }
}
