/** /api/erp: the Dolibarr connection's state (invoices.manage) and a pull on demand (invoices.manage). */
import { Router } from "express";
import { allow } from "../api/auth/guard.js";
import type { DolibarrConfig } from "./config.js";
import { PULL, type DolibarrPull } from "./pull.js";
import type { ErpStore } from "./store.js";

export function erpRouter(config: DolibarrConfig, store: ErpStore, pull: DolibarrPull): Router {
  const router = Router();
  router.get("/erp/status", allow("invoices.manage"), (_req, res) => {
    res.json({
      system: "dolibarr", configured: !!config.url, url: config.url ?? null, pullMinutes: config.pullMinutes,
      pull: store.sync(PULL) ?? null, failures: store.failures(), links: store.links(20),
    });
  });
  router.post("/erp/pull", allow("invoices.manage"), async (_req, res) => {
    const result = await pull.run();
    res.status(result.state === "off" ? 409 : 200).json(result);
  });
  return router;
}
