/** The receivables module's settings, read from the environment and validated once (docs/configuration.md). */
import path from "node:path";
import { ConfigError } from "../config.js";

export interface ReceivablesConfig {
  /** INVOICES_INBOX_DIR: the virtual printer, where the ERP drops PDF invoices (DATA_DIR/invoices/inbox). processed/ and review/ sit beside it. */
  inboxDir: string;
  /** PRINT_EXPORT_DIR: where print batches (PDF + manifest CSV/JSON) are dropped for the print centre (DATA_DIR/print-export). */
  printExportDir: string;
  /** INVOICES_PRINTER_POLL_MS: how often the inbox is read, 10 000 ms; 0 = only on demand (tests, the "Lire maintenant" button). */
  printerPollMs: number;
  /** DUNNING_RUN_HOUR: the hour (UTC, 0–23) of the daily dunning run, 6. It also runs at start-up when today's run is missing. */
  dunningHour: number;
  /** DUNNING_AUTO: true (default) runs the daily dunning and the print batches by themselves; false leaves them to the API/UI. */
  auto: boolean;
  /** EINVOICING_ADAPTER: fake (default, a Chorus Pro-like platform in memory) or none. */
  einvoicing: "fake" | "none";
  /** INVOICE_LINK_DAYS: how long the portal link in an invoice mail opens the invoice, 90 days. */
  linkDays: number;
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name}: expected a whole number from ${min} to ${max}, but found '${raw}'`);
  return value;
}

export function loadReceivablesConfig(env: NodeJS.ProcessEnv, dataDir: string): ReceivablesConfig {
  const auto = (env["DUNNING_AUTO"] ?? "").trim().toLowerCase();
  if (auto !== "" && auto !== "true" && auto !== "false") throw new ConfigError(`DUNNING_AUTO: expected true or false, but found '${env["DUNNING_AUTO"]}'`);
  const einvoicing = (env["EINVOICING_ADAPTER"] ?? "").trim() || "fake";
  if (einvoicing !== "fake" && einvoicing !== "none") throw new ConfigError(`EINVOICING_ADAPTER: expected fake or none, but found '${einvoicing}'`);
  return {
    inboxDir: path.resolve(dataDir, env["INVOICES_INBOX_DIR"]?.trim() || path.join("invoices", "inbox")),
    printExportDir: path.resolve(dataDir, env["PRINT_EXPORT_DIR"]?.trim() || "print-export"),
    printerPollMs: whole(env, "INVOICES_PRINTER_POLL_MS", 10_000, 0, 86_400_000),
    dunningHour: whole(env, "DUNNING_RUN_HOUR", 6, 0, 23),
    auto: auto !== "false",
    einvoicing,
    linkDays: whole(env, "INVOICE_LINK_DAYS", 90, 1, 366),
  };
}
