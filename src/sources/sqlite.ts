/**
 * SQLite, for reading the space-os databases: better-sqlite3, an optional dependency
 * loaded only when a source is found, so that the NDJSON core installs and runs
 * without it. Databases are opened read-only with a busy timeout, never `immutable`
 * (that would miss what is still in the write-ahead log).
 */
/** The few calls of better-sqlite3 the sources make. */
export interface Database {
  prepare(sql: string): { all(...params: unknown[]): Record<string, unknown>[]; get(...params: unknown[]): Record<string, unknown> | undefined };
  close(): void;
}

type Open = new (path: string, options: { readonly: boolean; fileMustExist: boolean; timeout: number }) => Database;

/** How long a read waits for a writer's lock (ms). */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens a database read-only; undefined when better-sqlite3 is not installed.
 *
 * @example
 * const db = openReadOnly(".space/space.db");
 */
export function openReadOnly(path: string): Database | undefined {
  let open: Open;
  try {
    open = process.getBuiltinModule("node:module").createRequire(import.meta.url)("better-sqlite3") as Open;
  } catch {
    return undefined;
  }
  return new open(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
}

/** The columns of a table, or an empty set when it is not there. */
export function columnsOf(db: Database, table: string): Set<string> {
  return new Set(db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table).map((r) => String(r.name)));
}
