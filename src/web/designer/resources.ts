/**
 * What a resource file says about itself (its id, name and kind, read without the editors), and
 * the blank Camunda 8 templates a new model or form starts from.
 */
import type { ResourceKind } from "./drafts.js";

export const EXECUTION_PLATFORM = "Camunda Cloud";
export const EXECUTION_PLATFORM_VERSION = "8.7.0";

export interface ResourceInfo {
  kind: ResourceKind;
  /** Main (first executable) process id, or form id. */
  id: string;
  name: string;
  /** A BPMN model with an ad-hoc sub-process is a case model. */
  isCase: boolean;
}

const BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL";

/** Reads id and name of a .bpmn or .form text; throws an Error saying what is wrong. */
export function describeResource(fileName: string, content: string): ResourceInfo {
  const looksLikeXml = /\.(bpmn|xml)$/i.test(fileName) || content.trimStart().startsWith("<");
  return looksLikeXml ? describeBpmn(fileName, content) : describeForm(fileName, content);
}

export function describeBpmn(fileName: string, xml: string): ResourceInfo {
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  const parseError = doc.getElementsByTagName("parsererror")[0];
  if (parseError) throw new Error(`'${fileName}' is not well-formed XML: ${(parseError.textContent ?? "").trim().split("\n")[0]}`);
  const root = doc.documentElement;
  if (root.namespaceURI !== BPMN_NS || root.localName !== "definitions") {
    throw new Error(`'${fileName}': expected a BPMN 2.0 <definitions> document, but found <${root.nodeName}>`);
  }
  const processes = [...doc.getElementsByTagNameNS(BPMN_NS, "process")].filter((p) => p.parentNode === root);
  const main = processes.find((p) => p.getAttribute("isExecutable") === "true") ?? processes[0];
  const id = main?.getAttribute("id");
  if (!main || !id) throw new Error(`'${fileName}': expected at least one <process> with an id, but found none`);
  return { kind: "bpmn", id, name: main.getAttribute("name") || id, isCase: doc.getElementsByTagNameNS(BPMN_NS, "adHocSubProcess").length > 0 };
}

export function describeForm(fileName: string, json: string): ResourceInfo {
  let schema: unknown;
  try {
    schema = JSON.parse(json);
  } catch (error) {
    throw new Error(`'${fileName}' is not JSON: ${(error as Error).message}`);
  }
  const s = schema as { id?: unknown; components?: unknown; name?: unknown };
  if (typeof schema !== "object" || schema === null || typeof s.id !== "string" || !s.id || !Array.isArray(s.components)) {
    throw new Error(`'${fileName}': expected a form-js schema with an 'id' and a 'components' list`);
  }
  return { kind: "form", id: s.id, name: typeof s.name === "string" && s.name ? s.name : s.id, isCase: false };
}

/** A name → an id usable as a BPMN process id or form id ("Relance client" → "relance-client"). */
export function idFromName(name: string): string {
  const slug = name.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return /^[a-z_]/.test(slug) ? slug : `p-${slug || Math.random().toString(36).slice(2, 8)}`;
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");

/** A blank executable Camunda 8 process: one start event, ready for the palette. */
export function blankBpmn(id: string, name: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="${BPMN_NS}" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_${escapeXml(id)}" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Dossier" exporterVersion="1.0" modeler:executionPlatform="${EXECUTION_PLATFORM}" modeler:executionPlatformVersion="${EXECUTION_PLATFORM_VERSION}">
  <bpmn:process id="${escapeXml(id)}" name="${escapeXml(name)}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="${escapeXml(id)}">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="182" y="162" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

/** A blank Camunda 8 form. */
export function blankForm(id: string): string {
  return `${JSON.stringify({
    id, type: "default", schemaVersion: 16, executionPlatform: EXECUTION_PLATFORM, executionPlatformVersion: EXECUTION_PLATFORM_VERSION,
    components: [],
  }, null, 2)}\n`;
}
