/** A template that does not compile or fails while rendering: names the template and, when known, the line. */
export class TemplateError extends Error {
  readonly code = "template_error";
  constructor(
    readonly template: string,
    readonly reason: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(`Template ${template}${line === undefined ? "" : `, line ${line}${column === undefined ? "" : `, column ${column}`}`}: ${reason}`);
    this.name = "TemplateError";
  }
}

/** Handlebars' own errors carry lineNumber/column (runtime, compile) or "on line N" (parser). */
export function toTemplateError(template: string, error: unknown): TemplateError {
  if (error instanceof TemplateError) return error;
  const e = error as { message?: unknown; lineNumber?: unknown; column?: unknown; templateLine?: unknown; templateColumn?: unknown; templateName?: unknown };
  const message = typeof e?.message === "string" ? e.message : String(error);
  const name = typeof e?.templateName === "string" ? e.templateName : template;
  let line = typeof e?.templateLine === "number" ? e.templateLine : typeof e?.lineNumber === "number" ? e.lineNumber : undefined;
  let column = typeof e?.templateColumn === "number" ? e.templateColumn : typeof e?.column === "number" ? e.column : undefined;
  let reason = message;
  const parse = /^Parse error on line (\d+):\n([\s\S]*)$/.exec(message);
  if (parse) {
    line = Number(parse[1]);
    column = undefined;
    const expecting = /Expecting ([^\n]*), got ([^\n]*)/.exec(parse[2] ?? "");
    reason = expecting ? `syntax error: expected ${expecting[1]}, but found ${expecting[2]}\n${(parse[2] ?? "").split("\n").slice(0, 2).join("\n")}` : `syntax error\n${parse[2] ?? ""}`;
  } else {
    // "… - 3:4" suffix of Handlebars' located errors: the position is given separately.
    reason = reason.replace(/ - \d+:\d+$/, "").replace(/ not defined in \[object Object\]$/, " is not defined in this context (a field missing from the data)").replace(/ not defined in undefined$/, " is not defined (its parent is missing)");
  }
  const where = name === template ? template : `${template} (partial ${name})`;
  return new TemplateError(where, reason, line, column);
}
