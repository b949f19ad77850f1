/**
 * Turns untrusted bytes into a moddle tree. Hardening happens before the XML parser sees anything:
 * size, binary content, DTDs/entities (no entity expansion, no external fetches), nesting depth and
 * element count are all capped, and each refusal says what was expected and what was found.
 */
import { createRequire } from "node:module";
import { BpmnModdle } from "bpmn-moddle";
import { EngineError, type Problem } from "../errors.js";

const require = createRequire(import.meta.url);
const zeebeSchema = require("zeebe-bpmn-moddle/resources/zeebe.json") as Record<string, unknown>;

export const LIMITS = {
  maxBytes: 5 * 1024 * 1024,
  maxDepth: 100,
  maxElements: 50_000,
};

/** Decodes a resource as UTF-8 text or explains why it is not a readable XML document. */
export function decodeText(resource: string, content: Buffer | string): string {
  const size = typeof content === "string" ? Buffer.byteLength(content) : content.length;
  if (size > LIMITS.maxBytes) {
    throw invalid(resource, `Expected a BPMN file of at most ${LIMITS.maxBytes} bytes, but found ${size} bytes`);
  }
  if (typeof content === "string") return content;
  if (content.includes(0)) throw invalid(resource, "Expected an XML text file, but found binary content (NUL bytes)");
  const text = new TextDecoder("utf-8", { fatal: false }).decode(content);
  if (text.includes("\uFFFD")) throw invalid(resource, "Expected UTF-8 encoded XML, but found bytes that are not valid UTF-8");
  return text.replace(/^\uFEFF/, "");
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
  for (const warning of result.warnings as Array<{ message: string; element?: { id?: string }; property?: string }>) {
    // Unknown attributes in foreign namespaces (modeler:, camunda: …) are harmless; everything else is not.
    if (/^unknown attribute/i.test(warning.message)) continue;
    const { message, line } = describeParserMessage(warning.message);
    const unresolved = /unresolved reference <([^>]+)>/.exec(message);
    if (unresolved && warning.element?.id) {
      const property = (warning.property ?? "reference").replace(/^bpmn:/, "");
      problems.push({ resource, elementId: warning.element.id, message: `Expected ${property} of '${warning.element.id}' to name an existing element, but '${unresolved[1]}' does not exist` });
      continue;
    }
    const id = /duplicate ID <([^>]+)>/.exec(message)?.[1] ?? unresolved?.[1];
    problems.push({ resource, ...(id ? { elementId: id } : {}), message: explainWarning(message) + line });
  }
  if (problems.length > 0) {
    throw new EngineError("INVALID_BPMN", `'${resource}' is not a valid BPMN model: ${problems.map((p) => p.message).join("; ")}`, problems);
  }
  if (!result.rootElement || result.rootElement.$type !== "bpmn:Definitions") {
    throw invalid(resource, "Expected a <bpmn:definitions> root element, but found none");
  }
  return { definitions: result.rootElement, elementsById: result.elementsById };
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
function describeParserMessage(raw: string): { message: string; line: string } {
  const nested = /nested error: (.+)/.exec(raw)?.[1]?.trim();
  const lineNo = /line: (\d+)/.exec(raw)?.[1];
  const head = firstLine(raw);
  // "closing tag mismatch" alone does not say which tag: keep the tag the parser stopped at.
  const tag = /^unparsable content (.+) detected$/.exec(head)?.[1];
  const message = nested ? (tag && /tag/.test(nested) ? `${nested} at ${tag}` : nested) : head;
  return { message, line: lineNo !== undefined ? ` (line ${Number(lineNo) + 1})` : "" };
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.trim();
}

function invalid(resource: string, message: string): EngineError {
  return new EngineError("INVALID_BPMN", `'${resource}': ${message}`, [{ resource, message }]);
}
