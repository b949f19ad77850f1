/**
 * A fixed-window request limit per client address (in memory), for the sign-in routes. Past the
 * limit: 429 with Retry-After.
 */
import type { RequestHandler } from "express";
import { ApiError } from "../errors.js";

export interface RateLimitOptions {
  windowMs: number;
  max: number;
  now?: () => number;
}

export function rateLimit({ windowMs, max, now = Date.now }: RateLimitOptions): RequestHandler {
  const windows = new Map<string, { start: number; count: number }>();
  return (req, res, next) => {
    const t = now();
    const key = req.ip ?? req.socket.remoteAddress ?? "unknown";
    let w = windows.get(key);
    if (!w || t - w.start >= windowMs) {
      if (windows.size > 10_000) windows.clear();
      w = { start: t, count: 0 };
      windows.set(key, w);
    }
    w.count++;
    if (w.count > max) {
      const retry = Math.ceil((w.start + windowMs - t) / 1000);
      res.set("Retry-After", String(retry));
      return next(new ApiError("TOO_MANY_REQUESTS", `Expected at most ${max} sign-in requests per ${windowMs / 1000} s from one address, but found more; try again in ${retry} s`));
    }
    next();
  };
}
