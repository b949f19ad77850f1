/**
 * What the request path of a JSON API does not need to redo for every request (issue 8, part 3):
 * security headers computed once instead of a dozen middleware calls, gzip only for API bodies
 * worth it, and JSON answers written at once (no ETag hash of every body, no content negotiation).
 */
import type { RequestHandler, Response } from "express";

/**
 * helmet's headers, set in one step: they do not depend on the request, so helmet runs once at
 * start-up against a recorder and every response gets the recorded list.
 */
export function precomputedHeaders(middleware: RequestHandler): RequestHandler {
  const headers: Array<[string, string | string[]]> = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: string | string[]) => void headers.push([name, value]),
    removeHeader: (name: string) => void removed.push(name),
    getHeader: () => undefined,
  };
  let synchronous = false;
  void middleware({ headers: {}, method: "GET", url: "/", secure: false } as never, recorder as never, () => (synchronous = true));
  if (!synchronous) return middleware; // not the helmet we know: keep it as it is
  return (_req, res, next) => {
    for (let i = 0; i < headers.length; i++) res.setHeader(headers[i]![0], headers[i]![1]);
    for (let i = 0; i < removed.length; i++) res.removeHeader(removed[i]!);
    next();
  };
}

const API = /^\/v2(\/|$)/;

/** One compression middleware for the JSON API (/v2), another for pages, bundles and the rest. */
export function compressionFor({ api, pages }: { api: RequestHandler; pages: RequestHandler }): RequestHandler {
  return (req, res, next) => (API.test(req.url) ? api : pages)(req, res, next);
}

/** res.json for API routers: JSON.stringify and end, with the status set before (no ETag, no res.send). */
export const leanJson: RequestHandler = (_req, res, next) => {
  res.json = function json(this: Response, body: unknown) {
    const text = JSON.stringify(body);
    if (!this.getHeader("content-type")) this.setHeader("content-type", "application/json; charset=utf-8");
    this.setHeader("content-length", Buffer.byteLength(text));
    this.end(text);
    return this;
  };
  next();
};
