/** The outsider pages' fetch: the portal session cookie, its CSRF token on state changes, the language. */
import { lang } from "../shared/i18n.js";

export class PortalProblem extends Error {
  constructor(readonly status: number, readonly body: any) {
    super(body?.detail ?? body?.title ?? `HTTP ${status}`);
  }
}

let csrf: string | undefined;
export const setCsrf = (token: string | undefined) => void (csrf = token);

export async function call<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const isForm = body instanceof FormData;
  const headers: Record<string, string> = { accept: "application/json", "x-portal-lang": lang() };
  if (body !== undefined && !isForm) headers["content-type"] = "application/json";
  if (method !== "GET" && csrf) headers["x-portal-csrf"] = csrf;
  const res = await fetch(path, { method, credentials: "same-origin", headers, ...(body !== undefined ? { body: isForm ? (body as FormData) : JSON.stringify(body) } : {}) });
  const text = await res.text();
  let data: any;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = text;
  }
  if (!res.ok) throw new PortalProblem(res.status, data);
  if (data && typeof data.csrfToken === "string") csrf = data.csrfToken;
  return data as T;
}

/** The signed-in visitor, or null. */
export async function session(): Promise<{ name: string; locale: string } | null> {
  try {
    return await call("GET", "/portail/api/session");
  } catch (error) {
    if (error instanceof PortalProblem && error.status === 401) return null;
    throw error;
  }
}
