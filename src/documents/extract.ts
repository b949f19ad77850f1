/**
 * Text for search, extracted BEFORE the row's transaction (never a child process inside one):
 * `pdftotext -enc UTF-8 -q <file> -` for PDF, with a timeout and an output cap, at most two at a
 * time; text formats as they are, e-mails by their headers and text parts (mail-text.ts); OOXML and ODF from their XML parts (office-text.ts); images have
 * no text. A PDF that pdftotext cannot
 * read (damaged, encrypted, scanned without OCR) is stored without text rather than refused.
 */
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { mailText } from "./mail-text.js";
import { officeText } from "./office-text.js";

export interface ExtractLimits {
  /** pdftotext is killed after this long, ms. */
  timeoutMs: number;
  /** Characters of text kept per file. */
  maxChars: number;
}

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = { timeoutMs: 20_000, maxChars: 1_000_000 };

export class TextExtractor {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS, private readonly parallel = 2, private readonly log: (m: string) => void = () => undefined) {}

  /** The text of a file of this family, or null when it has none (or it could not be read). */
  async extract(file: string, family: string, decodedText?: string, mime = ""): Promise<string | null> {
    if (family === "text") return clean(decodedText ?? "", this.limits.maxChars);
    if (family === "mail") return clean(mailText(decodedText ?? ""), this.limits.maxChars);
    if (family === "office") {
      try {
        const text = await officeText(await readFile(file), mime, this.limits.maxChars);
        return text === null ? null : clean(text, this.limits.maxChars);
      } catch (error) {
        this.log(`office text extraction failed on ${file}: ${(error as Error).message}`);
        return null;
      }
    }
    if (family !== "pdf") return null;
    await this.acquire();
    try {
      const text = await pdftotext(file, this.limits);
      return text === null ? null : clean(text, this.limits.maxChars);
    } catch (error) {
      this.log(`pdftotext failed on ${file}: ${(error as Error).message}`);
      return null;
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.parallel) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => resolve()));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}

/** Runs pdftotext; null on a non-zero exit; the output cut at the cap (the process is then stopped). */
function pdftotext(file: string, limits: ExtractLimits): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const child = spawn("pdftotext", ["-enc", "UTF-8", "-q", file, "-"], { stdio: ["ignore", "pipe", "ignore"] });
    const chunks: Buffer[] = [];
    let bytes = 0;
    let capped = false;
    const maxBytes = limits.maxChars * 4;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`timed out after ${limits.timeoutMs} ms`));
    }, limits.timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      if (capped) return;
      chunks.push(chunk);
      bytes += chunk.length;
      if (bytes >= maxBytes) {
        capped = true;
        child.kill("SIGKILL");
      }
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (capped || code === 0) resolve(Buffer.concat(chunks).toString("utf8"));
      else resolve(null);
    });
  });
}

/** Form feeds (page breaks) and runs of blank space folded; at most maxChars characters. */
function clean(text: string, maxChars: number): string | null {
  const folded = text.replace(/\f/g, "\n").replace(/[ \t]+/g, " ").replace(/\n{3,}/g, "\n\n").trim();
  if (folded === "") return null;
  return folded.length > maxChars ? folded.slice(0, maxChars) : folded;
}
