/**
 * Prepared statements cached per connection and SQL text: better-sqlite3 compiles a statement on
 * every `prepare`, which costs more than running a small indexed query. Domain modules whose SQL
 * depends on the request (the access predicate's group count, list filters) take their statements
 * here. The cache is bounded: past its size it starts over (rare: queries differ by shape, not by
 * values, which are always bound parameters).
 */
import type Database from "better-sqlite3";

const MAX = 2000;
const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>();

export function statement(db: Database.Database, sql: string): Database.Statement {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let found = cache.get(sql);
  if (!found) {
    if (cache.size >= MAX) cache.clear();
    found = db.prepare(sql);
    cache.set(sql, found);
  }
  return found;
}
