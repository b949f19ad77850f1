/**
 * The template library: every `.hbs` under templates/ compiled at start (name = path under
 * templates/ without `.hbs`), every file in a `partials/` folder registered as a partial under its
 * name (`partials/entete`, `mail/partials/signature`), every `styles/*.css` as a raw partial
 * (`{{> styles/base}}` inlines it). Strict mode (a missing field is an error with its line), output
 * HTML-escaped, except templates whose name ends in `.subject`, `.text` or `.txt` (plain text for mails).
 * Sources saved in the database override the shipped files (`setOverrides`); any change recompiles
 * the whole set, so a partial's edit reaches every template at once.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import Handlebars from "handlebars";
import type { RenderedTemplate, TemplateRenderer } from "./api.js";
import { TemplateError, toTemplateError } from "./errors.js";
import { createHelpers, type HelperSettings, type Locale } from "./helpers.js";

export type TemplateKind = "template" | "partial" | "style";

export interface TemplateEntry {
  name: string;
  kind: TemplateKind;
  /** "file" = shipped under templates/, "database" = a saved edit (overrides the file of the same name if any). */
  origin: "file" | "database";
  /** The shipped file's source, when there is one (an edit can be reverted to it). */
  shipped?: string;
  source: string;
  /** SHA-256 (12 hex) of the source and of the partials it uses, transitively. */
  version: string;
  /** Set when the source does not compile: rendering it throws this error. */
  error?: TemplateError;
  plainText: boolean;
}

type Compiled = (context: unknown, options?: { data?: Record<string, unknown> }) => string;

interface Built {
  entries: Map<string, TemplateEntry>;
  compiled: Map<string, Compiled>;
}

const NAME = /^[a-z0-9][a-z0-9_-]*(?:[./][a-z0-9][a-z0-9_-]*)*$/i;

export function isPlainText(name: string): boolean {
  return /\.(subject|text|txt)$/.test(name);
}

export function kindOf(name: string): TemplateKind {
  if (/(^|\/)styles\//.test(name) && !name.includes("partials/")) return "style";
  return /(^|\/)partials\//.test(name) ? "partial" : "template";
}

/** Expected a template name such as letters/courrier-simple. */
export function checkName(name: string): string | undefined {
  if (!NAME.test(name) || name.length > 120) return `Expected a template name such as letters/courrier-simple (letters, digits, -, _, . and /), but found '${name}'`;
  return undefined;
}

function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string) => {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      return;
    }
    for (const entry of names.sort()) {
      const full = path.join(folder, entry);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const rel = path.relative(dir, full).split(path.sep).join("/");
        if (rel.endsWith(".hbs")) files.set(rel.slice(0, -4), readFileSync(full, "utf8"));
        else if (rel.endsWith(".css") && kindOf(rel) === "style") files.set(rel.slice(0, -4), readFileSync(full, "utf8"));
      }
    }
  };
  walk(dir);
  return files;
}

/** Partial names a template uses (`{{> name}}`, `{{#> name}}`); `*` when one is dynamic. */
function partialsUsed(ast: hbs.AST.Program): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown) => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(visit);
    const n = node as { type?: string; name?: { type?: string; original?: unknown } };
    if (n.type === "PartialStatement" || n.type === "PartialBlockStatement") {
      if (n.name?.type === "PathExpression" || n.name?.type === "StringLiteral") names.add(String(n.name.original));
      else names.add("*");
    }
    for (const [key, value] of Object.entries(node)) if (key !== "loc" && value && typeof value === "object") visit(value);
  };
  visit(ast);
  return names;
}

export class TemplateLibrary implements TemplateRenderer {
  private files = new Map<string, string>();
  private overrides = new Map<string, string>();
  private built: Built = { entries: new Map(), compiled: new Map() };
  private readonly helpers;

  constructor(private readonly options: { dir: string; log?: (message: string) => void } & HelperSettings) {
    this.helpers = createHelpers(options);
  }

  /** Reads the shipped files again and recompiles everything. */
  load(): void {
    this.files = readTree(this.options.dir);
    this.built = this.build(this.sources());
    for (const entry of this.built.entries.values()) if (entry.error) this.options.log?.(`templates: ${entry.error.message}`);
  }

  /** The database's saved sources (name → source); a change recompiles everything. */
  setOverrides(overrides: Map<string, string>): void {
    this.overrides = new Map(overrides);
    this.built = this.build(this.sources());
  }

  list(): TemplateEntry[] {
    return [...this.built.entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  entry(name: string): TemplateEntry | undefined {
    return this.built.entries.get(name);
  }

  shippedSource(name: string): string | undefined {
    return this.files.get(name);
  }

  has(name: string): boolean {
    return this.built.entries.has(name);
  }

  /** The error a source would have if saved under that name (every template using it is compiled too), or undefined. */
  check(name: string, source: string): TemplateError | undefined {
    const built = this.build(new Map([...this.sources(), [name, source]]));
    const own = built.entries.get(name)?.error;
    if (own) return own;
    for (const entry of built.entries.values()) if (entry.error && !this.built.entries.get(entry.name)?.error) return entry.error;
    return undefined;
  }

  /** The version a source would have if saved under that name. */
  draftVersion(name: string, source: string): string {
    return this.build(new Map([...this.sources(), [name, source]])).entries.get(name)?.version ?? "";
  }

  render(name: string, data: Record<string, unknown>, options: { locale?: "fr" | "en" } = {}): RenderedTemplate {
    return this.renderWith(this.built, name, data, options);
  }

  /**
   * Renders an unsaved source (the editor's preview) as if it were saved under `name`; with
   * `draftName`, the draft is a partial or style of that name and `name` the template rendered.
   */
  renderDraft(name: string, source: string, data: Record<string, unknown>, options: { locale?: "fr" | "en" } = {}, draftName = name): RenderedTemplate {
    const built = this.build(new Map([...this.sources(), [draftName, source]]));
    return this.renderWith(built, name, data, options);
  }

  private renderWith(built: Built, name: string, data: Record<string, unknown>, options: { locale?: Locale }): RenderedTemplate {
    const entry = built.entries.get(name);
    if (!entry) throw new TemplateError(name, `expected an existing template (${[...built.entries.keys()].filter((n) => kindOf(n) === "template").slice(0, 12).join(", ")}…), but found none of that name`);
    if (entry.error) throw entry.error;
    const template = built.compiled.get(name);
    if (!template) throw new TemplateError(name, "a style sheet is not rendered on its own: include it with {{> " + name + "}}");
    try {
      const output = template(data, { data: { locale: options.locale === "en" ? "en" : "fr" } });
      return { output, template: { name, version: entry.version } };
    } catch (error) {
      throw toTemplateError(name, error);
    }
  }

  private sources(): Map<string, string> {
    return new Map([...this.files, ...this.overrides]);
  }

  private build(sources: Map<string, string>): Built {
    const env = Handlebars.create();
    for (const [helper, fn] of Object.entries(this.helpers)) {
      env.registerHelper(helper, function located(this: unknown, ...args: unknown[]) {
        try {
          return (fn as (...a: unknown[]) => unknown).apply(this, args);
        } catch (error) {
          const loc = (args[args.length - 1] as { loc?: { start?: { line?: number; column?: number } } } | undefined)?.loc;
          const e = error instanceof Error ? error : new Error(String(error));
          const located = e as Error & { templateLine?: number; templateColumn?: number };
          if (located.templateLine === undefined && loc?.start) {
            located.templateLine = loc.start.line;
            located.templateColumn = loc.start.column;
          }
          throw e;
        }
      });
    }
    const entries = new Map<string, TemplateEntry>();
    const compiled = new Map<string, Compiled>();
    const uses = new Map<string, Set<string>>();
    for (const [name, source] of sources) {
      const kind = kindOf(name);
      const plainText = isPlainText(name);
      const entry: TemplateEntry = { name, kind, origin: this.overrides.has(name) ? "database" : "file", source, version: "", plainText, ...(this.files.has(name) ? { shipped: this.files.get(name) } : {}) };
      entries.set(name, entry);
      if (kind === "style") {
        env.registerPartial(name, () => source);
        uses.set(name, new Set());
        continue;
      }
      try {
        const ast = env.parse(source);
        uses.set(name, partialsUsed(ast));
        const compileOptions = { strict: true, noEscape: plainText };
        env.precompile(source, compileOptions); // forces the full compile now (compile() is lazy)
        const fn = env.compile(source, compileOptions) as Compiled;
        compiled.set(name, fn);
        if (kind === "partial") {
          env.registerPartial(name, ((context: unknown, options: { data?: Record<string, unknown> }) => {
            try {
              return fn(context, options);
            } catch (error) {
              const e = error as { templateName?: string };
              if (e && typeof e === "object" && e.templateName === undefined) e.templateName = name;
              throw error;
            }
          }) as unknown as Handlebars.Template);
        }
      } catch (error) {
        entry.error = toTemplateError(name, error);
        uses.set(name, new Set());
      }
    }
    // Versions: the source and the versions of the partials used, transitively; a missing partial is an error now, not at render.
    const versionOf = (name: string, seen: Set<string>): string => {
      const entry = entries.get(name);
      if (!entry) return "missing";
      if (entry.version) return entry.version;
      const hash = createHash("sha256").update(entry.source);
      const used = uses.get(name) ?? new Set();
      const names = used.has("*") ? [...entries.keys()].filter((n) => kindOf(n) !== "template") : [...used].sort();
      for (const partial of names) {
        if (seen.has(partial) || partial === name) continue;
        hash.update(`\0${partial}\0${versionOf(partial, new Set([...seen, name]))}`);
      }
      const version = hash.digest("hex").slice(0, 12);
      if (seen.size === 0) entry.version = version;
      return version;
    };
    for (const [name, entry] of entries) {
      entry.version = versionOf(name, new Set());
      if (!entry.error) {
        const missing = [...(uses.get(name) ?? [])].filter((p) => p !== "*" && p !== "@partial-block" && !entries.has(p));
        if (missing.length > 0) entry.error = new TemplateError(name, `expected the partial ${missing.join(", ")} (a file under a partials/ folder or styles/), but found none of that name`);
      }
    }
    return { entries, compiled };
  }
}
