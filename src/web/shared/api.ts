/**
 * The browser's API client: same-origin requests with the session cookie, the CSRF token on every
 * state-changing request, marked as script requests (X-Requested-With), JSON in and out,
 * problem+json turned into ApiProblem.
 */
export class ApiProblem extends Error {
  constructor(readonly status: number, readonly title: string, readonly detail: string, readonly problems: Array<{ elementId?: string; message: string }> = []) {
    super(detail || title);
  }
}

export interface Session {
  username: string;
  displayName?: string;
  roles: string[];
  permissions: string[];
  csrfToken?: string;
}

let csrfToken: string | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export async function api<T = unknown>(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<T> {
  // X-Requested-With: a 401 then comes without `WWW-Authenticate: Basic`, so the browser never
  // prompts for (and caches) Basic credentials, which it would replay on other sites' requests.
  const headers: Record<string, string> = { accept: "application/json", "x-requested-with": "XMLHttpRequest" };
  const isForm = typeof FormData !== "undefined" && body instanceof FormData;
  if (body !== undefined && !isForm) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  const response = await fetch(path, {
    method, credentials: "same-origin", headers, ...init,
    ...(body !== undefined ? { body: isForm ? (body as FormData) : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  const data = text ? safeJson(text) : undefined;
  if (!response.ok) {
    const p = (data ?? {}) as { title?: string; detail?: string; problems?: Array<{ elementId?: string; message: string }> };
    throw new ApiProblem(response.status, p.title ?? response.statusText, p.detail ?? text, p.problems ?? []);
  }
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The signed-in user, or null (then pages send the browser to /login). */
export async function currentSession(): Promise<Session | null> {
  try {
    const session = await api<Session>("GET", "/auth/session");
    setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 401) return null;
    throw error;
  }
}
