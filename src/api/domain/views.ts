/**
 * Saved list views ("a claims department sees claims, not customers"): a name, a type, filters,
 * columns and a sort; one's own, or shared with everyone (administrators and managers share).
 */
import { Router } from "express";
import { allow, principalOf } from "../auth/guard.js";
import { body } from "../v2/wire.js";
import type { Domain } from "../../dossiers/domain.js";
import { DossierError } from "../../dossiers/errors.js";
import { statement } from "../../persistence/statements.js";

export function viewsRouter(domain: Domain): Router {
  const router = Router();
  const { db } = domain;
  const toView = (r: Record<string, any>) => ({ id: r["id"], name: r["name"], type: r["type_id"], shared: r["owner"] === null, ...JSON.parse(r["definition"]) });

  router.get("/dossier-views", allow("dossiers.read"), (_req, res) => {
    const rows = statement(db, `SELECT * FROM dossier_view WHERE owner IS NULL OR owner = ? ORDER BY name`).all(principalOf(res).username) as Array<Record<string, any>>;
    res.json({ items: rows.map(toView) });
  });

  router.post("/dossier-views", allow("dossiers.read"), async (req, res) => {
    const me = principalOf(res);
    const b = body(req) as Record<string, any>;
    const problems = [];
    if (typeof b["name"] !== "string" || b["name"].trim() === "" || b["name"].length > 100) problems.push({ field: "name", message: "expected 1 to 100 characters" });
    if (b["type"] !== undefined && b["type"] !== null && !domain.types.get(b["type"])) problems.push({ field: "type", message: `expected a dossier type, but found ${JSON.stringify(b["type"])}` });
    for (const k of ["filters"]) if (b[k] !== undefined && (typeof b[k] !== "object" || Array.isArray(b[k]) || b[k] === null)) problems.push({ field: k, message: "expected an object" });
    if (b["columns"] !== undefined && (!Array.isArray(b["columns"]) || b["columns"].some((c: unknown) => typeof c !== "string") || b["columns"].length > 40)) problems.push({ field: "columns", message: "expected at most 40 column names" });
    if (b["sort"] !== undefined && typeof b["sort"] !== "string") problems.push({ field: "sort", message: "expected a sort such as -updatedAt" });
    const shared = b["shared"] === true;
    if (shared && !me.roles.some((r) => r === "administrator" || r === "manager")) problems.push({ field: "shared", message: "expected an administrator or a manager to share a view" });
    const definition = JSON.stringify({ filters: b["filters"] ?? {}, columns: b["columns"] ?? [], sort: b["sort"] ?? "-updatedAt" });
    if (definition.length > 20_000) problems.push({ field: "filters", message: "expected a definition under 20,000 characters" });
    if (problems.length) throw new DossierError("VALIDATION_FAILED", `Expected a valid view, but ${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`, problems);
    const id = await domain.engine.transaction((tx) =>
      Number(statement(db, `INSERT INTO dossier_view (owner, name, type_id, definition, created_at) VALUES (?, ?, ?, ?, ?)`).run(shared ? null : me.username, b["name"].trim(), b["type"] ?? null, definition, tx.now).lastInsertRowid),
    );
    res.status(201).json(toView(statement(db, `SELECT * FROM dossier_view WHERE id = ?`).get(id) as Record<string, any>));
  });

  router.delete("/dossier-views/:id", allow("dossiers.read"), async (req, res) => {
    const me = principalOf(res);
    const id = Number(req.params["id"]);
    const row = Number.isSafeInteger(id) ? (statement(db, `SELECT * FROM dossier_view WHERE id = ?`).get(id) as Record<string, any> | undefined) : undefined;
    const mayDelete = row && (row["owner"] === me.username || (row["owner"] === null && me.roles.some((r) => r === "administrator" || r === "manager")));
    if (!mayDelete) throw new DossierError("NOT_FOUND", `Expected one of your saved views with id '${req.params["id"]}', but none was found`);
    await domain.engine.transaction(() => statement(db, `DELETE FROM dossier_view WHERE id = ?`).run(id));
    res.status(204).end();
  });
  return router;
}
