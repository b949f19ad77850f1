/**
 * The database: TypeORM owns the connection and the schema (migrations/ only, never synchronize);
 * the engine's hot path then talks to the same better-sqlite3 connection through prepared
 * statements (see sqlite-store.ts), serialised by the write lane.
 */
import "reflect-metadata";
import type Database from "better-sqlite3";
import { DataSource } from "typeorm";
import { MIGRATIONS } from "../../migrations/index.js";
import { ENTITIES } from "./entities/index.js";

export type SynchronousMode = "OFF" | "NORMAL" | "FULL" | "EXTRA";

export interface DatabaseOptions {
  /** File path, or ":memory:". */
  path: string;
  /** SQLite `synchronous` pragma; FULL (the default) survives power loss, NORMAL only process crashes. */
  synchronous?: SynchronousMode;
}

export function createDataSource(options: DatabaseOptions): DataSource {
  const synchronous = options.synchronous ?? "FULL";
  return new DataSource({
    type: "better-sqlite3",
    database: options.path,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
    logging: false,
    enableWAL: options.path !== ":memory:",
    prepareDatabase: (db: Database.Database) => {
      db.pragma(`synchronous = ${synchronous}`);
      db.pragma("busy_timeout = 5000");
      db.pragma("foreign_keys = ON");
      // Savepoints (one per command of a group commit) keep their rollback pages in a
      // sub-journal: in memory, not in a temporary file written for every command (2x faster).
      db.pragma("temp_store = MEMORY");
    },
  });
}

/** Opens the database, runs pending migrations and returns the data source and its raw connection. */
export async function openDatabase(options: DatabaseOptions): Promise<{ dataSource: DataSource; db: Database.Database }> {
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  const db = (dataSource.driver as unknown as { databaseConnection: Database.Database }).databaseConnection;
  return { dataSource, db };
}
