/**
 * The BPMN editor: camunda-bpmn-js's Camunda 8 Modeler (Zeebe properties panel, element templates
 * for the built-in connectors, create/append menus with the deployed forms and processes), with
 * @camunda/linting (Camunda 8.7 rules) drawn on the canvas after every change, and the engine's
 * deploy problems drawn on the offending elements.
 */
import Modeler from "camunda-bpmn-js/lib/camunda-cloud/Modeler";
import { Linter } from "@camunda/linting";
import lintingModule from "@camunda/linting/modeler";
import modelerModdle from "modeler-moddle/resources/modeler.json";
import "camunda-bpmn-js/dist/assets/camunda-cloud-modeler.css";
import "@camunda/linting/assets/linting.css";
import { h } from "../shared/dom.js";
import { lang, t } from "../shared/i18n.js";
import type { Problem, Severity } from "./problems.js";
import { EXECUTION_PLATFORM, EXECUTION_PLATFORM_VERSION } from "./resources.js";
import { elementTemplates } from "./templates.js";
import { lintFr, translateModule } from "./modeler-i18n.js";

interface LintReport {
  id: string;
  message: string;
  category: string;
  rule?: string;
}

/** A deployed form or process a designer can link from the create / append menus. */
export type LinkableResource = { type: "form"; name: string; formId: string } | { type: "bpmnProcess"; name: string; processId: string };

export interface BpmnEditorOptions {
  canvas: HTMLElement;
  properties: HTMLElement;
  /** After each change (debounced): the model's lint problems. */
  onChange: () => void;
  onLint: (problems: Problem[]) => void;
  resources: () => LinkableResource[];
}

const LINT_DELAY_MS = 300;
const FIT_MARGIN = 24;
const LINT_MARKER_TITLE = "Click to show issue";
const DEPLOY_MARKER = "dossier-deploy-error";

// Services of the modeler, typed loosely: bpmn-js types `get()` by name only for its core services.
type Service = any;

export class BpmnEditor {
  readonly modeler: Modeler;
  private readonly linter = new Linter({ modeler: "web", type: "cloud" });
  private lintProblems: Problem[] = [];
  private engineProblems: Problem[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private importing = false;
  private overlayTitles: MutationObserver | undefined;

  constructor(private readonly options: BpmnEditorOptions) {
    const templates = elementTemplates(lang());
    this.modeler = new Modeler({
      container: options.canvas,
      propertiesPanel: { parent: options.properties },
      additionalModules: [lintingModule, translateModule(lang(), templateTexts(templates))],
      // modeler:executionPlatform(Version) tell the linter which Camunda version's rules apply.
      moddleExtensions: { modeler: modelerModdle },
      linting: { active: true },
      // align-to-origin would move every shape of a model drawn away from (0,0) right after opening,
      // turning a mere look into a change.
      disableAdjustOrigin: true,
      elementTemplates: templates,
    } as ConstructorParameters<typeof Modeler>[0]);
    this.get("resources.resourceLoader").register({ getResources: () => options.resources() });
    this.modeler.on("commandStack.changed", () => {
      if (!this.importing) this.scheduleLint();
    });
    // An element the designer touched after a refused deployment loses the engine's complaint.
    this.modeler.on("elements.changed", (event: { elements: Array<{ id: string }> }) => {
      if (this.importing || this.engineProblems.length === 0) return;
      const changed = new Set(event.elements.map((e) => e.id));
      const remaining = this.engineProblems.filter((p) => !p.elementId || !changed.has(p.elementId));
      if (remaining.length !== this.engineProblems.length) this.setEngineProblems(remaining);
    });
    // @camunda/linting's messages under the properties panel entries are English sentences, and its
    // markers on the canvas carry a fixed English tooltip.
    if (lang() === "fr") {
      this.overlayTitles = new MutationObserver(() => {
        for (const marker of options.canvas.querySelectorAll(`[title="${LINT_MARKER_TITLE}"]`)) marker.setAttribute("title", "Cliquer pour voir le problème");
      });
      this.overlayTitles.observe(options.canvas, { childList: true, subtree: true });
      this.modeler.on("propertiesPanel.setErrors", 2000, (event: { errors: Record<string, string> }) => {
        for (const [entry, message] of Object.entries(event.errors)) event.errors[entry] = lintFr(message);
      });
    }
    this.modeler.on("elementTemplates.errors", (event: { errors: Error[] }) => {
      for (const error of event.errors) console.warn(`Element template rejected: ${error.message}`);
    });
  }

  get<T = Service>(name: string): T {
    return (this.modeler as unknown as { get(name: string): T }).get(name);
  }

  /** Opens a model; returns the XML as this editor exports it (the baseline to compare drafts with). */
  async open(xml: string): Promise<string> {
    this.importing = true;
    try {
      this.setEngineProblems([]);
      this.get("resources.resourceLoader").reload();
      const { warnings } = await this.modeler.importXML(xml);
      for (const w of warnings as Array<{ message?: string }>) console.warn(`BPMN import: ${w.message ?? String(w)}`);
      this.ensureExecutionPlatform();
      this.fit();
      this.get("commandStack").clear();
    } finally {
      this.importing = false;
    }
    await this.lint();
    return this.export();
  }

  /**
   * Fits the whole model into the part of the canvas the palette leaves free, centred, never above 100 %.
   * (`zoom("fit-viewport")` counts the area under the palette, so a model opened partly hidden by it.)
   */
  fit(): void {
    const canvas = this.get("canvas");
    const container = canvas.getContainer() as HTMLElement;
    const box = container.getBoundingClientRect();
    const palette = container.querySelector(".djs-palette")?.getBoundingClientRect();
    const left = (palette && palette.width > 0 ? palette.right - box.left : 0) + FIT_MARGIN;
    const width = box.width - left - FIT_MARGIN;
    const height = box.height - 2 * FIT_MARGIN;
    canvas.zoom("fit-viewport", "auto");
    const inner = canvas.viewbox().inner as { x: number; y: number; width: number; height: number };
    if (width <= 0 || height <= 0 || !(inner.width > 0 && inner.height > 0)) return;
    const scale = Math.min(width / inner.width, height / inner.height, 1);
    canvas.viewbox({
      x: inner.x - (left + (width - inner.width * scale) / 2) / scale,
      y: inner.y - (FIT_MARGIN + (height - inner.height * scale) / 2) / scale,
      width: box.width / scale,
      height: box.height / scale,
    });
  }

  async export(): Promise<string> {
    const { xml } = await this.modeler.saveXML({ format: true });
    if (!xml) throw new Error("The modeler exported no XML");
    return xml;
  }

  /** Lints the current model now; shows markers on the canvas and returns the problems. */
  async lint(): Promise<Problem[]> {
    clearTimeout(this.timer);
    const definitions = (this.modeler as unknown as { getDefinitions(): unknown }).getDefinitions();
    const reports = (await this.linter.lint(definitions)) as LintReport[];
    if (lang() === "fr") for (const report of reports) report.message = lintFr(report.message);
    this.get("linting").setErrors(reports);
    this.lintProblems = reports.filter((r) => r.category !== "rule-error").map((r) => ({
      source: "lint" as const, severity: toSeverity(r.category), message: r.message, elementId: r.id, elementLabel: this.label(r.id), rule: r.rule, report: r,
    }));
    this.options.onLint(this.problems());
    return this.lintProblems;
  }

  problems(): Problem[] {
    return [...this.engineProblems, ...this.lintProblems];
  }

  /** Shows the engine's problems of a refused deployment: a marker and a badge on each element named. */
  setEngineProblems(problems: Array<{ elementId?: string; message: string }>): void {
    const overlays = this.get("overlays");
    const canvas = this.get("canvas");
    const registry = this.get("elementRegistry");
    overlays.remove({ type: "dossier-deploy" });
    for (const p of this.engineProblems) if (p.elementId && registry.get(p.elementId)) canvas.removeMarker(p.elementId, DEPLOY_MARKER);
    this.engineProblems = problems.map((p) => ({ source: "engine" as const, severity: "error" as const, message: p.message, ...(p.elementId ? { elementId: p.elementId, elementLabel: this.label(p.elementId) } : {}) }));
    const byElement = new Map<string, string[]>();
    for (const p of this.engineProblems) if (p.elementId && registry.get(p.elementId)) byElement.set(p.elementId, [...(byElement.get(p.elementId) ?? []), p.message]);
    for (const [id, messages] of byElement) {
      canvas.addMarker(id, DEPLOY_MARKER);
      const badge = h("button", { type: "button", class: "deploy-problem-badge", title: messages.join("\n"), "aria-label": `${t("designer.source.engine")}: ${messages.join(" ")}`, onclick: () => this.select(id) }, "!");
      overlays.add(id, "dossier-deploy", { position: { top: -12, right: 12 }, html: badge });
    }
    this.options.onLint(this.problems());
  }

  /** Selects an element, scrolls it into view and, for a lint report, opens the panel entry at fault. */
  select(elementId: string, report?: unknown): void {
    if (report) return void this.get("linting").showError(report);
    const element = this.get("elementRegistry").get(elementId);
    if (!element) return;
    if (element !== this.get("canvas").getRootElement()) this.get("canvas").scrollToElement(element);
    this.get("selection").select(element);
  }

  destroy(): void {
    clearTimeout(this.timer);
    this.overlayTitles?.disconnect();
    this.modeler.destroy();
  }

  private scheduleLint(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.lint().catch((error: unknown) => console.warn(`Linting failed: ${(error as Error).message}`));
      this.options.onChange();
    }, LINT_DELAY_MS);
  }

  private label(elementId: string): string {
    const element = this.get("elementRegistry").get(elementId);
    const name = element?.businessObject?.name as string | undefined;
    return name ? `${name} (${elementId})` : elementId;
  }

  /** The linter picks its rules from these attributes; a model without them is treated as Camunda 8.7. */
  private ensureExecutionPlatform(): void {
    const definitions = (this.modeler as unknown as { getDefinitions(): { get(name: string): unknown; set(name: string, value: unknown): void } }).getDefinitions();
    if (!definitions.get("modeler:executionPlatform")) definitions.set("modeler:executionPlatform", EXECUTION_PLATFORM);
    if (!definitions.get("modeler:executionPlatformVersion")) definitions.set("modeler:executionPlatformVersion", EXECUTION_PLATFORM_VERSION);
  }
}

function toSeverity(category: string): Severity {
  return category === "error" ? "error" : category === "warn" ? "warn" : "info";
}

/** The connector templates' own texts (already in the interface's language), which bpmn-js passes to translate. */
function templateTexts(templates: unknown[]): string[] {
  return (templates as Array<{ name?: string; description?: string; category?: { name?: string } }>)
    .flatMap((template) => [template.name, template.description, template.category?.name])
    .filter((text): text is string => typeof text === "string" && text !== "");
}
