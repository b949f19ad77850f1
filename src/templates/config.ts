/** The templates module's settings, read from the environment and validated once. */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../config.js";

/** The project's folder (the nearest package.json above this file, from src/ or dist/src/). */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

export interface TemplatesConfig {
  /** TEMPLATES_DIR: the shipped templates (default: the project's templates/; a relative path is from the working directory). */
  dir: string;
  /** CHROMIUM_PATH: Debian's Chromium by default. */
  chromiumPath: string;
  /** RENDER_CONCURRENCY: PDFs printed at once (pages of the one browser), 2. */
  concurrency: number;
  /** RENDER_TIMEOUT_MS: one PDF's budget, 30 000 ms. */
  timeoutMs: number;
  /** RENDER_TIME_ZONE: dates with a time of day are printed in this zone, Europe/Paris. */
  timeZone: string;
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name}: expected a whole number from ${min} to ${max}, but found '${raw}'`);
  return value;
}

export function loadTemplatesConfig(env: NodeJS.ProcessEnv): TemplatesConfig {
  const timeZone = env["RENDER_TIME_ZONE"]?.trim() || "Europe/Paris";
  try {
    new Intl.DateTimeFormat("fr-FR", { timeZone });
  } catch {
    throw new ConfigError(`RENDER_TIME_ZONE: expected an IANA time zone such as Europe/Paris, but found '${timeZone}'`);
  }
  return {
    dir: env["TEMPLATES_DIR"]?.trim() ? path.resolve(env["TEMPLATES_DIR"].trim()) : path.join(projectRoot(), "templates"),
    chromiumPath: env["CHROMIUM_PATH"]?.trim() || "/usr/bin/chromium",
    concurrency: whole(env, "RENDER_CONCURRENCY", 2, 1, 16),
    timeoutMs: whole(env, "RENDER_TIMEOUT_MS", 30_000, 1_000, 600_000),
    timeZone,
  };
}
