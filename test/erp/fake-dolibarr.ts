/**
 * A small HTTP server answering like Dolibarr's REST API (htdocs/api/index.php, Restler) for the
 * calls the connector makes: the DOLAPIKEY header (401 otherwise), JSON bodies, creates answering
 * the new id, Restler's error document {"error": {"code", "message"}}, list endpoints taking
 * sortfield/sortorder/limit/page/sqlfilters ("(t.field:op:'value')" joined by "and") and answering
 * 404 "… not found" when nothing matches (thirdparties, invoices, as older versions do) or []
 * (projects, categories, as newer ones do); dates as Unix timestamps in seconds. Failures can be
 * injected per route. Real HTTP: the connector under test is the production client.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

type Row = Record<string, any>;

export interface FakeDolibarr {
  url: string;
  apiKey: string;
  thirdparties: Row[];
  projects: Row[];
  categories: Row[];
  categoryLinks: Array<{ category: number; type: string; id: number }>;
  invoices: Row[];
  payments: Map<number, Row[]>;
  requests: Array<{ method: string; path: string; query: string; body: unknown }>;
  /** The next `times` requests matching `method path-regex` answer `status`. */
  failNext(method: string, path: RegExp, status: number, times?: number, message?: string): void;
  count(method: string, path: RegExp): number;
  close(): Promise<void>;
}

const COLUMN: Record<string, string> = { "t.nom": "name", "t.name": "name", "t.tva_intra": "tva_intra", "t.email": "email", "t.rowid": "id", "t.ref": "ref", "t.label": "label", "t.tms": "tms", "t.title": "title", "t.fk_soc": "socid" };

/** Evaluates "(t.a:=:'x') and (t.b:like:'y%')" on a row; anything else is refused as Dolibarr does (503). */
function filter(sql: string): (row: Row) => boolean {
  const parts = sql.split(/\)\s+and\s+\(/i).map((p) => p.replace(/^\(+|\)+$/g, ""));
  const tests = parts.map((p) => {
    const m = /^(t\.[a-z_]+):(=|like|>=|<=|>|<|!=):'((?:[^']|'')*)'$/i.exec(p.trim());
    if (!m) throw Object.assign(new Error(`Error when validating parameter sqlfilters -> Bad syntax of the search string: ${p}`), { status: 503 });
    const [, col, op, raw] = m as unknown as [string, string, string, string];
    const field = COLUMN[col];
    if (!field) throw Object.assign(new Error(`Error when validating parameter sqlfilters -> Unknown field ${col}`), { status: 503 });
    const value = raw.replace(/''/g, "'");
    return (row: Row) => {
      const v = field === "tms" ? tmsText(row["tms"]) : String(row[field] ?? "");
      switch (op.toLowerCase()) {
        case "=": return v === value;
        case "!=": return v !== value;
        case "like": return new RegExp(`^${value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/%/g, ".*")}$`, "i").test(v);
        case ">=": return v >= value;
        case "<=": return v <= value;
        case ">": return v > value;
        default: return v < value;
      }
    };
  });
  return (row) => tests.every((t) => t(row));
}

/** The fake runs in UTC (DOLIBARR_TIMEZONE=UTC in the specs): a timestamp as 'YYYY-MM-DD HH:MM:SS'. */
export const tmsText = (ts: number) => new Date(ts * 1000).toISOString().slice(0, 19).replace("T", " ");

export async function startFakeDolibarr(apiKey = "dolibarr-test-key"): Promise<FakeDolibarr> {
  const state = {
    thirdparties: [] as Row[], projects: [] as Row[], categories: [] as Row[], categoryLinks: [] as Array<{ category: number; type: string; id: number }>,
    invoices: [] as Row[], payments: new Map<number, Row[]>(), requests: [] as Array<{ method: string; path: string; query: string; body: unknown }>,
  };
  const failures: Array<{ method: string; path: RegExp; status: number; times: number; message: string }> = [];
  let nextId = 100;
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const path = url.pathname.replace(/^\/api\/index\.php/, "");
      const method = req.method ?? "GET";
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      const error = (status: number, message: string) => send(status, { error: { code: status, message: `${http.STATUS_CODES[status] ?? "Error"}: ${message}` } });
      let body: any;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        return error(400, "Error parsing JSON");
      }
      fake.requests.push({ method, path, query: url.search, body });
      if (req.headers["dolapikey"] !== fake.apiKey) return error(401, "Failed to validate key");
      const injected = failures.find((f) => f.method === method && f.path.test(path) && f.times > 0);
      if (injected) {
        injected.times--;
        return error(injected.status, injected.message);
      }
      const list = (rows: Row[], notFound: string | null) => {
        let out = rows;
        const q = url.searchParams.get("sqlfilters");
        try {
          if (q) out = out.filter(filter(q));
        } catch (e) {
          return error((e as { status: number }).status, (e as Error).message);
        }
        const type = url.searchParams.get("type");
        if (type) out = out.filter((r) => r["type"] === type);
        const sortfield = COLUMN[url.searchParams.get("sortfield") ?? "t.rowid"] ?? "id";
        out = [...out].sort((a, b) => (a[sortfield] < b[sortfield] ? -1 : a[sortfield] > b[sortfield] ? 1 : 0));
        if (url.searchParams.get("sortorder") === "DESC") out.reverse();
        const limit = Number(url.searchParams.get("limit") ?? 100);
        const page = Number(url.searchParams.get("page") ?? 0);
        out = out.slice(limit * page, limit * page + limit);
        if (out.length === 0 && notFound) return error(404, notFound);
        return send(200, out);
      };
      const require = (fields: string[]) => {
        for (const f of fields) if (body?.[f] === undefined || body[f] === "") return `${f} field missing`;
        return null;
      };
      let m: RegExpExecArray | null;
      if (method === "GET" && path === "/thirdparties") return list(state.thirdparties, "Thirdparties not found");
      if (method === "GET" && (m = /^\/thirdparties\/email\/(.+)$/.exec(path))) {
        const hit = state.thirdparties.find((t) => t["email"] === decodeURIComponent(m![1]!));
        return hit ? send(200, hit) : error(404, "Thirdparty not found");
      }
      if (method === "GET" && (m = /^\/thirdparties\/(\d+)$/.exec(path))) {
        const hit = state.thirdparties.find((t) => t["id"] === m![1]);
        return hit ? send(200, hit) : error(404, "Thirdparty not found");
      }
      if (method === "POST" && path === "/thirdparties") {
        const missing = require(["name"]);
        if (missing) return error(400, missing);
        const id = ++nextId;
        state.thirdparties.push({ ...body, id: String(id), code_client: body.code_client === "-1" ? `CU2601-${String(id).padStart(5, "0")}` : body.code_client, client: String(body.client ?? 0) });
        return send(200, id);
      }
      if (method === "GET" && path === "/projects") return list(state.projects, null);
      if (method === "POST" && path === "/projects") {
        const missing = require(["ref", "title"]);
        if (missing) return error(400, missing);
        if (state.projects.some((p) => p["ref"] === body.ref)) return error(500, "Error creating project: ErrorRefAlreadyExists");
        if (body.socid && !state.thirdparties.some((t) => t["id"] === String(body.socid))) return error(500, "Error creating project: ErrorThirdpartyNotFound");
        const id = ++nextId;
        state.projects.push({ ...body, id: String(id), socid: String(body.socid ?? "") });
        return send(200, id);
      }
      if (method === "GET" && path === "/categories") return list(state.categories, null);
      if (method === "POST" && path === "/categories") {
        const missing = require(["label", "type"]);
        if (missing) return error(400, missing);
        const id = ++nextId;
        state.categories.push({ id: String(id), label: body.label, type: body.type });
        return send(200, id);
      }
      if (method === "POST" && (m = /^\/categories\/(\d+)\/objects\/(customer|project)\/(\d+)$/.exec(path))) {
        if (!state.categories.some((c) => c["id"] === m![1])) return error(404, "category not found");
        const link = { category: Number(m[1]), type: m[2]!, id: Number(m[3]) };
        if (!state.categoryLinks.some((l) => l.category === link.category && l.type === link.type && l.id === link.id)) state.categoryLinks.push(link);
        return send(200, { id: link.category });
      }
      if (method === "GET" && path === "/invoices") return list(state.invoices, "No invoice found");
      if (method === "GET" && (m = /^\/invoices\/(\d+)\/payments$/.exec(path))) {
        if (!state.invoices.some((i) => i["id"] === m![1])) return error(404, "Invoice not found");
        return send(200, state.payments.get(Number(m[1])) ?? []);
      }
      if (method === "GET" && (m = /^\/invoices\/(\d+)$/.exec(path))) {
        const hit = state.invoices.find((i) => i["id"] === m![1]);
        return hit ? send(200, hit) : error(404, "Invoice not found");
      }
      return error(404, `No route for ${method} ${path}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const fake: FakeDolibarr = {
    url: `http://127.0.0.1:${port}/api/index.php`, apiKey, ...state,
    failNext(method, path, status, times = 1, message = "Internal error") {
      failures.push({ method, path, status, times, message });
    },
    count(method, path) {
      return state.requests.filter((r) => r.method === method && path.test(r.path)).length;
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  // The arrays are shared by reference with `state` (the fake's handlers and the spec see the same rows).
  fake.thirdparties = state.thirdparties;
  fake.requests = state.requests;
  return fake;
}
