/**
 * Dolibarr's REST API (htdocs/api, Restler): `<base>/<resource>` with the `DOLAPIKEY` header, JSON
 * bodies; a create answers the new id; errors are `{"error": {"code", "message"}}`; lists answer
 * 404 "… not found" when nothing matches (older versions) or [] (newer): both read as empty here.
 * Dates are Unix timestamps in seconds. Every failure becomes a DolibarrError saying what was asked,
 * what came back, and whether retrying can help.
 */
export type DolibarrErrorKind = "auth" | "not_found" | "validation" | "server" | "network";

export class DolibarrError extends Error {
  constructor(readonly kind: DolibarrErrorKind, readonly status: number | null, message: string) {
    super(message);
    this.name = "DolibarrError";
  }
  /** Server errors and network failures may pass; a wrong key, a missing object or refused data will not. */
  get retriable(): boolean {
    return this.kind === "server" || this.kind === "network";
  }
}

export interface DolibarrThirdParty {
  id: string | number;
  name: string;
  email?: string | null;
  tva_intra?: string | null;
  client?: string | number;
  parent?: string | number | null;
  [field: string]: unknown;
}

export interface DolibarrProject { id: string | number; ref: string; title: string; socid?: string | number | null; [field: string]: unknown }

export interface DolibarrInvoice {
  id: string | number;
  ref: string;
  socid: string | number;
  type: string | number;
  status?: string | number;
  statut?: string | number;
  date: number | string;
  date_lim_reglement?: number | string | null;
  total_ht: string | number;
  total_tva: string | number;
  total_ttc: string | number;
  multicurrency_code?: string | null;
  fk_facture_source?: string | number | null;
  date_modification?: number | string | null;
  tms?: number | string | null;
  [field: string]: unknown;
}

export interface DolibarrPayment { amount: string | number; type?: string; date: number | string; num?: string | null; ref: string }

export interface DolibarrClientOptions { url: string; apiKey: string; timeoutMs?: number; fetch?: typeof fetch }

/** Quotes a value inside Dolibarr's sqlfilters syntax (single quotes doubled; no parenthesis tricks). */
export function sqlValue(value: string): string {
  return `'${value.replace(/'/g, "''").replace(/[()]/g, " ")}'`;
}

export class DolibarrClient {
  private readonly fetchImpl: typeof fetch;
  constructor(private readonly options: DolibarrClientOptions) {
    this.fetchImpl = options.fetch ?? fetch;
  }

  async request<T>(method: "GET" | "POST" | "PUT", path: string, body?: unknown, { emptyOn404 = false } = {}): Promise<T> {
    const url = `${this.options.url}${path}`;
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers: { DOLAPIKEY: this.options.apiKey, accept: "application/json", ...(body !== undefined ? { "content-type": "application/json" } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new DolibarrError("network", null, `Dolibarr ${method} ${path}: expected an answer from ${this.options.url}, but the request failed (${(error as Error).message})`);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (res.ok) {
      if (parsed === undefined && text) throw new DolibarrError("server", res.status, `Dolibarr ${method} ${path}: expected JSON, but found '${text.slice(0, 120)}'`);
      return parsed as T;
    }
    const detail = (parsed as { error?: { message?: string } } | undefined)?.error?.message ?? text.slice(0, 200);
    if (res.status === 404 && emptyOn404) return [] as T;
    if (res.status === 401 || res.status === 403) {
      throw new DolibarrError("auth", res.status, `Dolibarr ${method} ${path}: expected the API key (DOLIBARR_API_KEY) to be accepted with the rights needed, but Dolibarr answered ${res.status} (${detail})`);
    }
    if (res.status === 404) throw new DolibarrError("not_found", 404, `Dolibarr ${method} ${path}: expected the object to exist, but Dolibarr answered 404 (${detail})`);
    if (res.status >= 500 && res.status !== 503) throw new DolibarrError("server", res.status, `Dolibarr ${method} ${path}: expected success, but Dolibarr answered ${res.status} (${detail}); will retry`);
    if (res.status === 503 && /sqlfilters|Error when validating/i.test(detail)) throw new DolibarrError("validation", 503, `Dolibarr ${method} ${path}: refused the filter (${detail})`);
    if (res.status >= 500) throw new DolibarrError("server", res.status, `Dolibarr ${method} ${path}: expected success, but Dolibarr answered ${res.status} (${detail}); will retry`);
    throw new DolibarrError("validation", res.status, `Dolibarr ${method} ${path}: refused the data with ${res.status} (${detail})`);
  }

  private list<T>(path: string, params: Record<string, string | number | undefined>): Promise<T[]> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) qs.set(k, String(v));
    return this.request<T[]>("GET", `${path}?${qs.toString()}`, undefined, { emptyOn404: true }).then((r) => (Array.isArray(r) ? r : []));
  }

  findThirdParties(filter: string, limit = 5): Promise<DolibarrThirdParty[]> {
    return this.list("/thirdparties", { sortfield: "t.rowid", sortorder: "ASC", limit, sqlfilters: filter });
  }

  async thirdPartyByEmail(email: string): Promise<DolibarrThirdParty | undefined> {
    try {
      return await this.request<DolibarrThirdParty>("GET", `/thirdparties/email/${encodeURIComponent(email)}`);
    } catch (error) {
      if (error instanceof DolibarrError && error.kind === "not_found") return undefined;
      throw error;
    }
  }

  thirdParty(id: string | number): Promise<DolibarrThirdParty> {
    return this.request("GET", `/thirdparties/${encodeURIComponent(String(id))}`);
  }

  createThirdParty(body: Record<string, unknown>): Promise<number> {
    return this.request<number | string>("POST", "/thirdparties", body).then(Number);
  }

  findProjects(filter: string, limit = 5): Promise<DolibarrProject[]> {
    return this.list("/projects", { sortfield: "t.rowid", sortorder: "ASC", limit, sqlfilters: filter });
  }

  createProject(body: Record<string, unknown>): Promise<number> {
    return this.request<number | string>("POST", "/projects", body).then(Number);
  }

  /** The category of this label and type ('customer', 'project'), created when missing. */
  async category(label: string, type: "customer" | "project"): Promise<number> {
    const found = await this.list<{ id: string | number; label: string }>("/categories", { type, limit: 5, sqlfilters: `(t.label:=:${sqlValue(label)})` });
    const same = found.find((c) => c.label === label);
    if (same) return Number(same.id);
    return this.request<number | string>("POST", "/categories", { label, type }).then(Number);
  }

  /** Links an object to a category (POST /categories/{id}/objects/{type}/{object_id}); a link already there is fine. */
  async categorize(categoryId: number, type: "customer" | "project", objectId: number): Promise<void> {
    try {
      await this.request("POST", `/categories/${categoryId}/objects/${type}/${objectId}`);
    } catch (error) {
      if (error instanceof DolibarrError && error.kind === "validation" && /already/i.test(error.message)) return;
      throw error;
    }
  }

  invoicesModifiedSince(since: string, page: number, limit: number): Promise<DolibarrInvoice[]> {
    return this.list("/invoices", { sortfield: "t.tms", sortorder: "ASC", limit, page, sqlfilters: `(t.tms:>=:${sqlValue(since)})` });
  }

  invoice(id: string | number): Promise<DolibarrInvoice> {
    return this.request("GET", `/invoices/${encodeURIComponent(String(id))}`);
  }

  invoicePayments(id: string | number): Promise<DolibarrPayment[]> {
    return this.request<DolibarrPayment[]>("GET", `/invoices/${encodeURIComponent(String(id))}/payments`, undefined, { emptyOn404: false }).then((r) => (Array.isArray(r) ? r : []));
  }
}
