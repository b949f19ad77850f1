/**
 * /api/insights: receivables KPIs (invoices.read), the list behind a bar (invoices.read), the XLSX
 * export (invoices.read) and the product figures (dossiers.read). Everything within the reader's
 * scope (service.ts, product.ts).
 */
import { Router, type Request } from "express";
import { ApiError } from "../api/errors.js";
import { allow, principalOf } from "../api/auth/guard.js";
import type { Engine } from "../engine/engine.js";
import { addMonths, MONTH } from "./calendar.js";
import { METRICS, type Metric } from "./drilldown.js";
import { workbook } from "./export.js";
import type { GroupBy } from "./kpis.js";
import { scopeOf, type Insights } from "./service.js";

function text(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new ApiError("INVALID_ARGUMENT", `Expected '${name}' once, as text, but found ${JSON.stringify(v)}`);
  return v;
}

function month(req: Request, name: string, fallback: string): string {
  const v = text(req, name);
  if (v === undefined || v === "") return fallback;
  if (!MONTH.test(v)) throw new ApiError("INVALID_ARGUMENT", `Expected '${name}' to be a month (YYYY-MM), but found '${v.slice(0, 40)}'`);
  return v;
}

function period(req: Request, engine: Engine) {
  const current = new Date(engine.clock.now()).toISOString().slice(0, 7);
  const to = month(req, "to", current);
  const from = month(req, "from", addMonths(to, -11));
  if (from > to) throw new ApiError("INVALID_ARGUMENT", `Expected 'from' (${from}) to be no later than 'to' (${to}), but it is later`);
  if (addMonths(from, 120) <= to) throw new ApiError("INVALID_ARGUMENT", `Expected at most 120 months between 'from' and 'to', but found ${from} … ${to}`);
  const groupBy = text(req, "groupBy");
  if (groupBy !== undefined && groupBy !== "" && groupBy !== "segment" && groupBy !== "collector") {
    throw new ApiError("INVALID_ARGUMENT", `Expected 'groupBy' to be 'segment' or 'collector', but found '${groupBy.slice(0, 40)}'`);
  }
  return { from, to, groupBy: (groupBy || undefined) as GroupBy | undefined, segment: text(req, "segment"), collector: text(req, "collector") };
}

export function insightsRouter(insights: Insights, engine: Engine): Router {
  const router = Router();
  router.get("/insights/receivables", allow("invoices.read"), async (req, res) => {
    const q = period(req, engine);
    res.json({ ...q, series: await insights.receivables({ ...q, scope: scopeOf(principalOf(res)) }) });
  });
  router.get("/insights/receivables/list", allow("invoices.read"), async (req, res) => {
    const m = month(req, "month", new Date(engine.clock.now()).toISOString().slice(0, 7));
    const metric = text(req, "metric") ?? "due";
    if (!(METRICS as readonly string[]).includes(metric)) throw new ApiError("INVALID_ARGUMENT", `Expected 'metric' to be one of ${METRICS.join(", ")}, but found '${metric.slice(0, 40)}'`);
    res.json(await insights.drillDown({ month: m, metric: metric as Metric, segment: text(req, "segment"), collector: text(req, "collector"), scope: scopeOf(principalOf(res)) }));
  });
  router.get("/insights/receivables/export.xlsx", allow("invoices.read"), async (req, res) => {
    const q = period(req, engine);
    const principal = principalOf(res);
    const lang = text(req, "lang") === "en" ? "en" : "fr";
    const series = await insights.receivables({ ...q, scope: scopeOf(principal) });
    const product = principal.permissions.has("dossiers.read") ? insights.product(principal) : null;
    const body = await workbook(series, product, lang);
    res.setHeader("content-disposition", `attachment; filename="tableaux-de-bord-${q.from}-${q.to}.xlsx"`);
    res.type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").send(body);
  });
  router.get("/insights/product", allow("dossiers.read"), (req, res) => {
    const raw = text(req, "days");
    const days = raw === undefined || raw === "" ? 90 : Number(raw);
    if (!Number.isInteger(days) || days < 1 || days > 3660) throw new ApiError("INVALID_ARGUMENT", `Expected 'days' to be a whole number of days from 1 to 3660, but found '${String(raw).slice(0, 40)}'`);
    res.json({ days, ...insights.product(principalOf(res), days) });
  });
  return router;
}
