/** The library's door for the central database: creating and migrating its schema. */
import { UsageError } from "../errors.js";

/** What `initDatabase` did. */
export interface DatabaseInit {
  /** The schema version before (0: none) and now. */
  from: number;
  to: number;
}

/** The database a command names: `--db`, else `TRACE_DB`. */
function databaseUrl(given: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const url = given ?? env.TRACE_DB;
  if (url === undefined || url === "") throw new UsageError("name a database: --db postgresql://user@host/db, or TRACE_DB");
  return url;
}

/**
 * Creates the trace schema in the PostgreSQL at `url` (default `TRACE_DB`: the events
 * table partitioned by day, its five indexes, a version table), or migrates it to this
 * trace's version. Throws a UsageError, one line, when it cannot connect.
 *
 * @example
 * const { from, to } = await initDatabase("postgresql://trace@localhost/trace");
 */
export async function initDatabase(url?: string): Promise<DatabaseInit> {
  const [{ connect }, { migrate }] = await Promise.all([import("../db/connect.js"), import("../db/schema.js")]);
  const db = await connect(databaseUrl(url));
  try {
    return await migrate(db);
  } finally {
    await db.end();
  }
}
