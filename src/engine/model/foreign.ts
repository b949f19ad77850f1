/**
 * Vendor content in BPMN files. Signavio, Trisotech and others write their own elements, also outside
 * `extensionElements` (signavio:signavioLabel under a process, triso:userConstructs, triso:itemComponent).
 * They carry layout and documentation, never execution: the parser skips them, as it skips foreign
 * attributes. An element of a vocabulary the engine reads (BPMN, DI, zeebe) in a place where it means
 * nothing is another matter: the designer expected it to apply, so it is a problem, named by element id.
 */
import type { Problem } from "../errors.js";

/** Namespaces whose elements the engine or the diagram reads; anything else is vendor content. */
const KNOWN = new Set([
  "http://www.omg.org/spec/BPMN/20100524/MODEL",
  "http://www.omg.org/spec/BPMN/20100524/DI",
  "http://www.omg.org/spec/DD/20100524/DC",
  "http://www.omg.org/spec/DD/20100524/DI",
  "http://camunda.org/schema/zeebe/1.0",
]);

/** Prefix → namespace of every xmlns declaration in the document (files re-binding a prefix are rare). */
export function namespaces(xml: string): Map<string, string> {
  const map = new Map<string, string>();
  const declaration = /\sxmlns(?::([\w.-]+))?\s*=\s*(["'])([^"']*)\2/g;
  for (let m = declaration.exec(xml); m; m = declaration.exec(xml)) {
    if (!map.has(m[1] ?? "")) map.set(m[1] ?? "", m[3]!);
  }
  return map;
}

/** True when `tag` (as written, "signavio:signavioLabel") belongs to a vocabulary the engine does not read. */
export function isVendorElement(tag: string, ns: Map<string, string>): boolean {
  const colon = tag.indexOf(":");
  const uri = ns.get(colon < 0 ? "" : tag.slice(0, colon));
  return uri !== undefined && !KNOWN.has(uri);
}

/**
 * For each line (counted from 0) on which an element starts, the id a parser message at that line is
 * about: that element's own id, else the innermost enclosing element's. One pass over the text, so a
 * file with many problems costs no more than one with a single problem.
 */
export function elementIdsByLine(xml: string): Map<number, string> {
  const byLine = new Map<number, string>();
  const stack: Array<string | undefined> = [];
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>|<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>/g;
  let line = 0;
  let counted = 0;
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    for (let i = xml.indexOf("\n", counted); i >= 0 && i < m.index; i = xml.indexOf("\n", i + 1)) line++;
    counted = m.index;
    if (m[2] === undefined) continue;
    if (m[1]) {
      stack.pop();
      continue;
    }
    const id = /\sid\s*=\s*(["'])([^"']*)\1/.exec(m[3] ?? "")?.[2] ?? stack.findLast((x) => x !== undefined);
    if (id !== undefined && !byLine.has(line)) byLine.set(line, id);
    if (!m[4]) stack.push(/\sid\s*=\s*(["'])([^"']*)\1/.exec(m[3] ?? "")?.[2]);
  }
  return byLine;
}

/** Adds the element id to a problem that lacks one, when the message names a line. */
export function withElementId(problem: Problem, ids: () => Map<number, string>, line: number | undefined): Problem {
  if (problem.elementId !== undefined || line === undefined) return problem;
  const elementId = ids().get(line);
  return elementId === undefined ? problem : { ...problem, elementId };
}
