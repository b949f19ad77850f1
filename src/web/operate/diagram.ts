/**
 * The read-only BPMN diagram of the operate view (bpmn-js NavigatedViewer with the Camunda 8
 * moddle extensions: pan and zoom, no editing). State is shown with CSS markers on shapes and
 * sequence flows (see operate.css) and with HTML badges as overlays; both are replaced wholesale
 * on every update, so a refresh never leaves a stale highlight behind.
 */
import NavigatedViewer from "camunda-bpmn-js/lib/camunda-cloud/NavigatedViewer";
import { h } from "../shared/dom.js";

interface Shape {
  id: string;
  type: string;
  businessObject: { name?: string; $type: string };
  labelTarget?: unknown;
  waypoints?: unknown;
}
interface Canvas {
  zoom(level: "fit-viewport" | number, center?: "auto"): number;
  addMarker(element: string, marker: string): void;
  removeMarker(element: string, marker: string): void;
  scrollToElement(element: string, padding?: number): void;
}
interface Overlays {
  add(element: string, type: string, overlay: { position: Record<string, number>; html: HTMLElement }): string;
  remove(filter: { type: string }): void;
}
interface Registry {
  get(id: string): Shape | undefined;
  filter(fn: (e: Shape) => boolean): Shape[];
}
interface EventBus {
  on(event: string, callback: (event: { element: Shape }) => void): void;
}

export interface Badge {
  elementId: string;
  className: string;
  text: string;
  title: string;
  position?: "top-right" | "bottom-left" | "bottom-right" | "top-left";
}

/** Flow node types an operator can activate by modification (not the process, flows, labels). */
const NOT_ACTIVATABLE = new Set(["bpmn:Process", "bpmn:Collaboration", "bpmn:Participant", "bpmn:Lane", "bpmn:SequenceFlow", "bpmn:MessageFlow",
  "bpmn:Association", "bpmn:TextAnnotation", "bpmn:DataObjectReference", "bpmn:DataStoreReference", "bpmn:Group", "bpmn:BoundaryEvent", "label"]);

export class Diagram {
  private readonly viewer: InstanceType<typeof NavigatedViewer>;
  private readonly container: HTMLElement;
  private markers: Array<[string, string]> = [];
  private selected: string | undefined;

  constructor(parent: HTMLElement) {
    this.container = h("div", { class: "op-canvas", "data-testid": "diagram" });
    parent.append(this.container);
    this.viewer = new NavigatedViewer({ container: this.container });
  }

  private get<T>(name: string): T {
    return (this.viewer as unknown as { get(name: string): T }).get(name);
  }

  async load(xml: string): Promise<void> {
    await this.viewer.importXML(xml);
    this.fit();
  }

  fit(): void {
    // Fit, then leave a margin for badges and labels; never blow a small diagram up past 120 %.
    const canvas = this.get<Canvas>("canvas");
    const fitted = canvas.zoom("fit-viewport", "auto");
    canvas.zoom(Math.min(fitted * 0.9, 1.2), "auto");
  }

  has(elementId: string): boolean {
    return this.get<Registry>("elementRegistry").get(elementId) !== undefined;
  }

  nameOf(elementId: string): string {
    return this.get<Registry>("elementRegistry").get(elementId)?.businessObject.name || elementId;
  }

  typeOf(elementId: string): string | undefined {
    return this.get<Registry>("elementRegistry").get(elementId)?.businessObject.$type;
  }

  /** The flow nodes of the diagram an operator may activate, in a stable (alphabetical) order. */
  activatable(): Array<{ id: string; name: string }> {
    return this.get<Registry>("elementRegistry")
      .filter((e) => !NOT_ACTIVATABLE.has(e.type) && !e.labelTarget && !e.waypoints && !NOT_ACTIVATABLE.has(e.businessObject.$type))
      .map((e) => ({ id: e.id, name: e.businessObject.name || e.id }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Replaces every state marker: `markers` maps an element id to its CSS classes. */
  mark(markers: Map<string, string[]>): void {
    const canvas = this.get<Canvas>("canvas");
    for (const [id, cls] of this.markers) canvas.removeMarker(id, cls);
    this.markers = [];
    for (const [id, classes] of markers) {
      if (!this.has(id)) continue;
      for (const cls of classes) {
        canvas.addMarker(id, cls);
        this.markers.push([id, cls]);
      }
    }
    this.container.dataset["marked"] = String(this.markers.length);
  }

  /** Replaces every badge. */
  badges(badges: Badge[]): void {
    const overlays = this.get<Overlays>("overlays");
    overlays.remove({ type: "op-badge" });
    const stack = new Map<string, number>();
    for (const b of badges) {
      if (!this.has(b.elementId)) continue;
      const where = b.position ?? "top-right";
      const slot = `${b.elementId}/${where}`;
      const n = stack.get(slot) ?? 0;
      stack.set(slot, n + 1);
      const shift = n * 22;
      const position: Record<string, number> =
        where === "top-right" ? { top: -10 + shift, right: 10 } : where === "top-left" ? { top: -10 + shift, left: -10 }
          : where === "bottom-left" ? { bottom: 10 + shift, left: -10 } : { bottom: 10 + shift, right: 10 };
      overlays.add(b.elementId, "op-badge", {
        position,
        html: h("span", { class: `op-badge ${b.className}`, title: b.title, "data-element": b.elementId, "aria-label": b.title }, b.text),
      });
    }
  }

  /** Calls back with the id of a clicked flow node (or undefined when the background is clicked). */
  onClick(callback: (elementId: string | undefined) => void): void {
    this.get<EventBus>("eventBus").on("element.click", ({ element }) => {
      const target = (element.labelTarget as Shape | undefined) ?? element;
      callback(NOT_ACTIVATABLE.has(target.type) ? undefined : target.id);
    });
  }

  select(elementId: string | undefined): void {
    const canvas = this.get<Canvas>("canvas");
    if (this.selected && this.has(this.selected)) canvas.removeMarker(this.selected, "op-selected");
    this.selected = elementId && this.has(elementId) ? elementId : undefined;
    if (this.selected) {
      canvas.addMarker(this.selected, "op-selected");
      canvas.scrollToElement(this.selected, 80);
    }
  }

  destroy(): void {
    this.viewer.destroy();
    this.container.remove();
  }
}
