/**
 * Turns untrusted bytes into a moddle tree. Hardening happens before the XML parser sees anything:
 * size, binary content, DTDs/entities (no entity expansion, no external fetches), nesting depth and
 * element count are all capped, and each refusal says what was expected and what was found.
 */
import { createRequire } from "node:module";
import { BpmnModdle } from "bpmn-moddle";
import { EngineError, type Problem } from "../errors.js";
import { decodeXmlBytes, declareUtf8 } from "./encoding.js";
import { elementIdsByLine, isVendorElement, namespaces, withElementId } from "./foreign.js";

const require = createRequire(import.meta.url);
const zeebeSchema = require("zeebe-bpmn-moddle/resources/zeebe.json") as Record<string, unknown>;

export const LIMITS = {
  maxBytes: 5 * 1024 * 1024,
  maxDepth: 100,
  maxElements: 50_000,
};

/**
 * Decodes a resource into text by the encoding its bytes and XML declaration name (UTF-8, UTF-16 with
 * or without a byte order mark, ISO-8859-1, ISO-8859-15, windows-1252, US-ASCII; see encoding.ts) or
 * explains why it is not a readable XML document. The text's declaration then says UTF-8: it is Unicode now.
 */
export function decodeText(resource: string, content: Buffer | string): string {
  const size = typeof content === "string" ? Buffer.byteLength(content) : content.length;
  if (size > LIMITS.maxBytes) {
    throw invalid(resource, `Expected a BPMN file of at most ${LIMITS.maxBytes} bytes, but found ${size} bytes`);
  }
  if (typeof content === "string") return declareUtf8(content.replace(/^\uFEFF/, ""));
  const decoded = decodeXmlBytes(content);
  if ("error" in decoded) throw invalid(resource, decoded.error);
  return decoded.text;
}

/** Structural checks on the raw text: no DTD, bounded depth and element count. */
export function checkXmlShape(resource: string, xml: string): void {
  if (!/^\s*</.test(xml)) throw invalid(resource, `Expected an XML document starting with '<', but found '${xml.trimStart().slice(0, 20)}'`);
  if (/<!DOCTYPE/i.test(xml)) throw invalid(resource, "Expected no document type declaration, but found <!DOCTYPE> (DTDs are refused)");
  if (/<!ENTITY/i.test(xml)) throw invalid(resource, "Expected no entity declaration, but found <!ENTITY> (entities are refused)");
  let depth = 0;
  let maxDepth = 0;
  let count = 0;
  // Strip comments, CDATA and processing instructions, then walk the tags.
  const stripped = xml.replace(/<!--[\s\S]*?-->/g, "").replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, "").replace(/<\?[\s\S]*?\?>/g, "");
  // Attribute values may contain '>' (e.g. source="=a > 2"): skip quoted strings inside a tag.
  const tag = /<(\/?)[A-Za-z_](?:[^>"']|"[^"]*"|'[^']*')*?(\/?)>/g;
  for (let m = tag.exec(stripped); m; m = tag.exec(stripped)) {
    if (m[1]) {
      depth--;
    } else {
      count++;
      if (!m[2]) depth++;
      if (depth > maxDepth) maxDepth = depth;
    }
    if (count > LIMITS.maxElements) throw invalid(resource, `Expected at most ${LIMITS.maxElements} XML elements, but found more`);
    if (maxDepth > LIMITS.maxDepth) throw invalid(resource, `Expected XML nested at most ${LIMITS.maxDepth} levels deep, but found deeper nesting`);
  }
}

export interface ParsedDefinitions {
  definitions: any;
  elementsById: Record<string, any>;
}

/** Parses BPMN XML (with the zeebe extension) after hardening checks. */
export async function parseBpmn(resource: string, content: Buffer | string): Promise<ParsedDefinitions> {
  const xml = decodeText(resource, content);
  checkXmlShape(resource, xml);
  const moddle = new BpmnModdle({ zeebe: zeebeSchema });
  let result;
  try {
    result = await moddle.fromXML(xml, "bpmn:Definitions");
  } catch (error) {
    const { message, line } = describeParserMessage((error as Error).message);
    throw invalid(resource, `Expected well-formed BPMN 2.0 XML, but the parser failed: ${message}${line}`);
  }
  const problems: Problem[] = [];
  const ns = namespaces(xml);
  let idsByLine: Map<number, string> | undefined;
  const ids = () => (idsByLine ??= elementIdsByLine(xml));
  for (const warning of result.warnings as Array<{ message: string; element?: { id?: string; $type?: string }; property?: string }>) {
    // Unknown attributes in foreign namespaces (modeler:, camunda: …) are harmless; everything else is not.
    if (/^unknown attribute/i.test(warning.message)) continue;
    const { message, line, lineNo } = describeParserMessage(warning.message);
    // Vendor elements outside extensionElements (Signavio, Trisotech …) are skipped like vendor attributes.
    const unrecognized = /^unrecognized element <([^>]+)>/.exec(message);
    if (unrecognized && isVendorElement(unrecognized[1]!, ns)) continue;
    const unresolved = /unresolved reference <([^>]+)>/.exec(message);
    if (unresolved && isExternalDescription(warning.element, unresolved[1]!)) continue;
    if (unresolved && warning.element?.id) {
      const property = (warning.property ?? "reference").replace(/^bpmn:/, "");
      problems.push({ resource, elementId: warning.element.id, message: `Expected ${property} of '${warning.element.id}' to name an existing element, but '${unresolved[1]}' does not exist` });
      continue;
    }
    const id = /duplicate ID <([^>]+)>/.exec(message)?.[1] ?? unresolved?.[1];
    problems.push(withElementId({ resource, ...(id ? { elementId: id } : {}), message: explainWarning(message) + line }, ids, lineNo));
  }
  if (problems.length > 0) {
    throw new EngineError("INVALID_BPMN", `'${resource}' is not a valid BPMN model: ${problems.map((p) => p.message).join("; ")}`, problems);
  }
  if (!result.rootElement || result.rootElement.$type !== "bpmn:Definitions") {
    throw invalid(resource, "Expected a <bpmn:definitions> root element, but found none");
  }
  return { definitions: result.rootElement, elementsById: result.elementsById };
}

/**
 * Elements that describe services and data but never run here: the engine ignores them, as Camunda 8 does.
 * A prefixed reference of theirs (Trisotech writes outMessageRef="triso:unspecified") points into
 * another vocabulary or an imported document, which no parser can check: not a reason to refuse a model.
 */
const DESCRIPTIVE = new Set([
  "bpmn:Operation", "bpmn:Interface", "bpmn:ItemDefinition", "bpmn:Message", "bpmn:Import",
  "bpmn:DataInput", "bpmn:DataOutput", "bpmn:InputSet", "bpmn:OutputSet", "bpmn:Property",
  "bpmn:DataObjectReference", "bpmn:DataStoreReference", "bpmn:DataInputAssociation", "bpmn:DataOutputAssociation",
]);

function isExternalDescription(element: { $type?: string } | undefined, reference: string): boolean {
  return element?.$type !== undefined && DESCRIPTIVE.has(element.$type) && /^[A-Za-z_][\w.-]*:/.test(reference);
}

function explainWarning(message: string): string {
  const dup = /duplicate ID <([^>]+)>/.exec(message);
  if (dup) return `Expected unique element ids, but found id '${dup[1]}' more than once`;
  const unresolved = /unresolved reference <([^>]+)>/.exec(message);
  if (unresolved) return `Expected a reference to an existing element, but found a reference to '${unresolved[1]}', which does not exist`;
  return `Unexpected content: ${message}`;
}

/**
 * saxen/moddle messages look like "unparsable content <x> detected\n\tline: 3\n\tcolumn: 0\n\tnested
 * error: closing tag mismatch"; lines count from 0. Keep the useful parts, lines counted from 1.
 */
function describeParserMessage(raw: string): { message: string; line: string; lineNo: number | undefined } {
  const nested = /nested error: (.+)/.exec(raw)?.[1]?.trim();
  const lineNo = /line: (\d+)/.exec(raw)?.[1];
  const head = firstLine(raw);
  // "closing tag mismatch" alone does not say which tag: keep the tag the parser stopped at.
  const tag = /^unparsable content (.+) detected$/.exec(head)?.[1];
  const message = nested ? (tag && /tag/.test(nested) ? `${nested} at ${tag}` : nested) : head;
  return { message, line: lineNo !== undefined ? ` (line ${Number(lineNo) + 1})` : "", lineNo: lineNo !== undefined ? Number(lineNo) : undefined };
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.trim();
}

function invalid(resource: string, message: string): EngineError {
  return new EngineError("INVALID_BPMN", `'${resource}': ${message}`, [{ resource, message }]);
}
