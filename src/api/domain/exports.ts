/**
 * A dossier list as a file: CSV (`;`, UTF-8 with BOM, what French Excel opens) or XLSX (exceljs),
 * same filters and access predicate as the list, columns chosen by the caller (`columns=reference,
 * title,state,customer,data.segment`), values shown as in the UI (labels, amounts, dates).
 */
import { Router } from "express";
import { stringify } from "csv-stringify/sync";
import ExcelJS from "exceljs";
import { allow, principalOf } from "../auth/guard.js";
import type { Domain } from "../../dossiers/domain.js";
import { DossierError } from "../../dossiers/errors.js";
import { displayValue } from "../../dossiers/fields.js";
import { label } from "../../dossiers/type-definition.js";
import { langOf, listQuery } from "./dossiers.js";
import { neutraliseFormula } from "../../dossiers/parties/export.js";

/** Most rows one export holds. */
export const MAX_EXPORT_ROWS = 50_000;
const BASE = ["reference", "type", "title", "state", "customer", "owner", "sector", "createdAt", "updatedAt"] as const;

export function exportsRouter(domain: Domain): Router {
  const router = Router();
  router.get("/dossiers/export", allow("dossiers.read"), async (req, res) => {
    const lang = langOf(req);
    const format = req.query["format"] ?? "csv";
    if (format !== "csv" && format !== "xlsx") throw new DossierError("INVALID_ARGUMENT", `Expected format csv or xlsx, but found ${JSON.stringify(format)}`);
    const query = listQuery(req);
    const type = query.type ? domain.types.require(query.type) : undefined;
    const rawColumns = typeof req.query["columns"] === "string" ? req.query["columns"].split(",").filter(Boolean) : [...BASE, ...(type?.fields ?? []).filter((f) => f.type !== "document").map((f) => `data.${f.id}`)];
    for (const c of rawColumns) {
      if (!(BASE as readonly string[]).includes(c) && !(c.startsWith("data.") && type?.fields.some((f) => `data.${f.id}` === c))) {
        throw new DossierError("INVALID_ARGUMENT", `Expected columns among ${BASE.join(", ")}${type ? ` or data.<field> of '${type.id}'` : " (data.<field> needs a type)"}, but found '${c}'`);
      }
    }
    const rows = domain.lists.all(principalOf(res), query, MAX_EXPORT_ROWS);
    const summaries = domain.views.summaries(rows, lang);
    const header = rawColumns.map((c) => (c.startsWith("data.") ? label(type?.fields.find((f) => `data.${f.id}` === c)?.label, lang) : c));
    const table = summaries.map((s) =>
      rawColumns.map((c): string | number => {
        if (c.startsWith("data.")) {
          const id = c.slice(5);
          return displayValue(type?.fields.find((f) => f.id === id), s.data[id], lang);
        }
        if (c === "customer") return s.customer?.name ?? "";
        if (c === "type") return s.typeName;
        if (c === "state") return s.stateLabel;
        return String((s as unknown as Record<string, unknown>)[c] ?? "");
      }).map(neutraliseFormula),
    );
    const name = `dossiers-${query.type ?? "tous"}-${new Date().toISOString().slice(0, 10)}`;
    if (format === "csv") {
      res.type("text/csv; charset=utf-8").set("Content-Disposition", `attachment; filename="${name}.csv"`);
      res.send(`\uFEFF${stringify([header, ...table], { delimiter: ";" })}`);
      return;
    }
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("Dossiers");
    sheet.addRow(header).font = { bold: true };
    for (const r of table) sheet.addRow(r);
    sheet.columns.forEach((col) => (col.width = 22));
    res.type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").set("Content-Disposition", `attachment; filename="${name}.xlsx"`);
    res.send(Buffer.from(await book.xlsx.writeBuffer()));
  });
  return router;
}
