/**
 * Deploy-time bounds on the text of a BPMN file, checked on the decoded XML before it is compiled:
 * - every attribute and text node at most BPMN_MAX_ATTRIBUTE_LENGTH characters, `name` attributes at
 *   most BPMN_MAX_NAME_LENGTH (a process name is copied into every task of every search);
 * - no character XML forbids (NUL and other C0 controls, lone surrogates, U+FFFE/U+FFFF), written
 *   raw or as a character reference (`&#0;`, `&#xD800;`);
 * - no entity reference but the five XML predefines (`&nbsp;` and the like would otherwise pass as text).
 * One problem per kind and element is enough to fix the model; at most MAX_PROBLEMS are listed.
 */
import type { Problem } from "../errors.js";

export interface BpmnTextLimits {
  bpmnMaxNameLength: number;
  bpmnMaxAttributeLength: number;
}

const MAX_PROBLEMS = 20;
const PREDEFINED = new Set(["lt", "gt", "amp", "quot", "apos"]);
// eslint-disable-next-line no-control-regex
const FORBIDDEN_RAW = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Linear: a tag's scan stops at the next '<' (which XML forbids inside attribute values).
const TAG = /<(\/?)([A-Za-z_][\w:.-]*)((?:[^<>"']|"[^"<]*"|'[^'<]*')*)>/g;
const ATTRIBUTE = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const ID = /\bid\s*=\s*(?:"([^"]*)"|'([^']*)')/;

function allowedCodePoint(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

const describeChar = (c: string) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;

/** Blanks comments, CDATA sections and processing instructions (their text is not markup), keeping offsets. */
function withoutUnparsed(xml: string): string {
  return xml.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>/g, (m) => " ".repeat(m.length));
}

function collector(resource: string): { problems: Problem[]; add(message: string, elementId?: string): void } {
  const problems: Problem[] = [];
  return {
    problems,
    add(message, elementId) {
      if (problems.length < MAX_PROBLEMS) problems.push({ resource, ...(elementId ? { elementId } : {}), message });
    },
  };
}

/**
 * Characters and entity references of the XML text of `resource` (run once it parsed, so that a
 * DOCTYPE is reported as such first); empty when all are allowed. Each undefined entity is named once.
 */
export function checkBpmnCharacters(resource: string, xml: string): Problem[] {
  const { problems, add } = collector(resource);
  const raw = FORBIDDEN_RAW.exec(xml);
  if (raw) add(`Expected only characters XML allows, but found ${describeChar(raw[0])} at offset ${raw.index}`);
  const seen = new Set<string>();
  for (const ref of withoutUnparsed(xml).matchAll(/&([^;&<>\s]{0,40})(;?)/g)) {
    const [, name = "", semicolon] = ref;
    if (seen.has(name + semicolon)) continue;
    seen.add(name + semicolon);
    const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(name);
    if (!semicolon) add(`Expected '&' to start an entity reference such as &amp;, but found '&${name.slice(0, 20)}' at offset ${ref.index}`);
    else if (numeric) {
      const cp = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2]);
      if (!allowedCodePoint(cp)) add(`Expected a character reference to a character XML allows, but found '&${name};' at offset ${ref.index}`);
    } else if (!PREDEFINED.has(name)) add(`Expected only the entities &lt; &gt; &amp; &quot; &apos;, but found the undefined entity '&${name};' at offset ${ref.index}`);
    if (problems.length >= MAX_PROBLEMS) break;
  }
  return problems;
}

/**
 * Lengths of the attributes and texts of `resource`, run before it is parsed (a linear scan: a
 * 4 MB name is refused without building a model of it); empty when all are within the limits.
 */
export function checkBpmnSizes(resource: string, xml: string, limits: BpmnTextLimits): Problem[] {
  const { problems, add } = collector(resource);
  const markup = withoutUnparsed(xml);
  let lastId: string | undefined;
  let end = 0;
  for (const tag of markup.matchAll(TAG)) {
    const [whole, closing, tagName = "", attributes = ""] = tag;
    const text = markup.slice(end, tag.index);
    if (text.length > limits.bpmnMaxAttributeLength && text.trim().length > limits.bpmnMaxAttributeLength) {
      add(`Expected a text of at most ${limits.bpmnMaxAttributeLength} characters (BPMN_MAX_ATTRIBUTE_LENGTH), but found ${text.trim().length} ${closing ? "in" : "before"} <${tagName}>`, lastId);
    }
    end = tag.index + whole.length;
    const id = ID.exec(attributes);
    const elementId = id ? (id[1] ?? id[2]) : undefined;
    if (elementId !== undefined) lastId = elementId;
    for (const attribute of attributes.matchAll(ATTRIBUTE)) {
      const [, attrName = "", double, single] = attribute;
      const value = double ?? single ?? "";
      const local = attrName.replace(/^.*:/, "");
      const max = local === "name" ? limits.bpmnMaxNameLength : limits.bpmnMaxAttributeLength;
      if (value.length > max) {
        const setting = local === "name" ? "BPMN_MAX_NAME_LENGTH" : "BPMN_MAX_ATTRIBUTE_LENGTH";
        add(`Expected the attribute '${attrName}' of <${tagName}> to have at most ${max} characters (${setting}), but found ${value.length}`, elementId ?? lastId);
      }
    }
    if (problems.length >= MAX_PROBLEMS) break;
  }
  return problems;
}
