/** space-os databases for tests: made from the fixture schemas as shipped, filled the way space-os fills them. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { ROOT } from "./cli.js";

export const FIXTURES = join(ROOT, "test", "fixtures", "space-os");

/** The few calls of better-sqlite3 the tests make. */
export type Db = { exec(sql: string): void; prepare(sql: string): { run(...a: unknown[]): unknown }; close(): void };

const open = ((): ((path: string) => Db) | undefined => {
  try {
    const D = createRequire(import.meta.url)("better-sqlite3") as new (p: string) => Db;
    return (path) => new D(path);
  } catch {
    return undefined;
  }
})();

// In CI the databases space-os wrote are read for real: a missing SQLite fails there rather than skips.
if (!open && process.env.CI === "true") throw new Error("better-sqlite3 is not installed (npm ci runs its build only as package.json's allowScripts permits)");

/** The reason to skip a test that needs SQLite, or false. */
export const noSqlite: string | false = !open && "better-sqlite3 is not installed";

/** Opens (or makes) a database for writing, as space-os does. */
export function openDb(path: string): Db {
  return open!(path);
}

/**
 * A database made from a fixture schema as shipped, filled by `fill`. Foreign keys are
 * off, as in Python's sqlite3: space-os rows may name agents the agents table lacks.
 */
export function database(path: string, schema: string, fill: (db: Db) => void): void {
  const db = openDb(path);
  db.exec(readFileSync(join(FIXTURES, schema), "utf8"));
  db.exec("PRAGMA foreign_keys = OFF");
  fill(db);
  db.close();
}

/** Runs one statement. */
export const row = (db: Db, sql: string, ...values: unknown[]): void => void db.prepare(sql).run(...values);

/** `datetime.now().isoformat()` of a time on 2025-10-22 (naive; read in TRACE_SPACE_TZ). */
export const at = (hms: string): string => `2025-10-22T${hms}.000000`;
