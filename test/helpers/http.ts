/** A small HTTP client for tests: Basic auth as a demo account (password = username), JSON or multipart bodies. */
export type Call = <T = any>(method: string, pathname: string, body?: unknown) => Promise<T>;

export function basicClient(base: string, user = "demo", password = user): Call {
  const auth = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  return async function call<T = any>(method: string, pathname: string, body?: unknown): Promise<T> {
    const isForm = body instanceof FormData;
    const res = await fetch(base + pathname, {
      method, headers: { authorization: auth, ...(body !== undefined && !isForm ? { "content-type": "application/json" } : {}) },
      ...(body !== undefined ? { body: isForm ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${pathname} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}
