/** What the compiler parts share: the problem list and FEEL compilation that reports instead of throwing. */
import type { Problem } from "../errors.js";
import { compileExpression, compileProperty, type Expression } from "../feel.js";

export const VARIABLE_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export class CompileContext {
  constructor(readonly resource: string, readonly problems: Problem[]) {}

  problem(elementId: string | undefined, message: string): void {
    this.problems.push({ resource: this.resource, ...(elementId ? { elementId } : {}), message });
  }

  /** A FEEL-able property (`=` prefix) or, with `always`, a FEEL expression; undefined when empty or broken. */
  expr(elementId: string, what: string, source: string | undefined | null, always = false): Expression | undefined {
    if (source === undefined || source === null || source === "") return undefined;
    try {
      return always ? compileExpression(source) : compileProperty(source);
    } catch (error) {
      this.problem(elementId, `Expected a valid FEEL expression for ${what}, but '${source}' does not parse: ${(error as { reason?: string }).reason ?? (error as Error).message}`);
      return undefined;
    }
  }
}

export function extension(element: any, type: string): any | undefined {
  return ((element.extensionElements?.values ?? []) as any[]).find((v) => v.$type === type);
}
