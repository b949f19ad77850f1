/**
 * The checks of an upload before anything is stored, all files first (all or nothing): size,
 * content (sniff.ts), then the text of the accepted ones (bytes already stored reuse their text).
 * One error names every refused file.
 */
import { promises as fsp } from "node:fs";
import type Database from "better-sqlite3";
import { DossierError, type FieldProblem } from "../dossiers/errors.js";
import type { TextExtractor } from "./extract.js";
import { classify, type AcceptedFile } from "./sniff.js";
import type { TempFile } from "./temp-file.js";

export interface Prepared {
  temp: TempFile;
  filename: string;
  accepted: AcceptedFile;
  text: string | null;
}

const MB = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;

export async function prepareFiles(db: Database.Database, extractor: TextExtractor, maxFileBytes: number, files: TempFile[]): Promise<Prepared[]> {
  const problems: FieldProblem[] = [];
  let tooBig = false;
  const checked: Array<{ temp: TempFile; filename: string; accepted: AcceptedFile }> = [];
  for (const [i, temp] of files.entries()) {
    const filename = safeFilename(temp.originalName);
    const field = files.length > 1 ? `file[${i}]` : "file";
    if (temp.size > maxFileBytes) {
      tooBig = true;
      problems.push({ field, message: tooLarge(filename, maxFileBytes).message });
      continue;
    }
    const verdict = await classify(await fsp.readFile(temp.path), filename);
    if (verdict.ok) checked.push({ temp, filename, accepted: verdict });
    else problems.push({ field, message: verdict.message });
  }
  if (problems.length) {
    const detail =
      problems.length === 1 && files.length === 1
        ? problems[0]!.message
        : `Expected every file to be accepted (nothing was stored), but ${problems.length} of ${files.length} ${problems.length > 1 ? "are" : "is"} refused: ${problems.map((p) => p.message).join("; ")}`;
    throw new DossierError(tooBig ? "PAYLOAD_TOO_LARGE" : "UNSUPPORTED_MEDIA_TYPE", detail, problems);
  }
  const known = db.prepare(`SELECT text FROM blob WHERE sha256 = ?`);
  const prepared: Prepared[] = [];
  for (const c of checked) {
    const existing = known.get(c.temp.sha256) as { text: string | null } | undefined;
    const text = existing ? existing.text : await extractor.extract(c.temp.path, c.accepted.family, c.accepted.text, c.accepted.mime);
    prepared.push({ ...c, text });
  }
  return prepared;
}

export function tooLarge(filename: string, max: number): DossierError {
  return new DossierError("PAYLOAD_TOO_LARGE", `Expected files of at most ${MB(max)}, but '${filename}' is larger`);
}

/** The last path segment, without control characters, NFC, at most 255 characters (the extension kept). */
export function safeFilename(name: string): string {
  let n = name.normalize("NFC").replace(/[\u0000-\u001f\u007f]/g, "").split(/[\\/]/).pop()!.replace(/\s+/g, " ").trim();
  if (n === "" || n === "." || n === "..") n = "document";
  if (n.length > 255) {
    const ext = /\.[^.]{1,10}$/.exec(n)?.[0] ?? "";
    n = n.slice(0, 255 - ext.length) + ext;
  }
  return n;
}
