/** The library's door for the central database: creating and migrating its schema. */
import { UsageError } from "../errors.js";

/** What `initDatabase` did. */
export interface DatabaseInit {
  /** The schema version before (0: none) and now. */
  from: number;
  to: number;
}

/** The database a command names: `--db`, else `TRACE_DB`. */
export function databaseUrl(given: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
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

/** A day the database's retention dropped (or would drop). */
export interface DroppedDay {
  day: string;
  /** Its partition's size on disk. */
  bytes: number;
}

/**
 * Applies a retention rule to the database: drops each whole day that ended more than
 * `olderThan` ms before `now` (its partition; today's and later days never). With
 * `dryRun`, only says which.
 *
 * @example
 * const dropped = await pruneDatabase({ url, olderThan: parseAge("30d", "--older-than") });
 */
export async function pruneDatabase(options: { url?: string | undefined; olderThan: number; dryRun?: boolean | undefined; now?: number | undefined }): Promise<DroppedDay[]> {
  const [{ connect }, { partitionDays, dropPartition }, { dayOf, dayStart, nextDay }] = await Promise.all([import("../db/connect.js"), import("../db/schema.js"), import("../store/layout.js")]);
  const now = options.now ?? Date.now();
  const db = await connect(databaseUrl(options.url));
  try {
    const today = dayOf(now);
    const old = (await partitionDays(db)).filter(({ day }) => day < today && dayStart(nextDay(day)) <= now - options.olderThan);
    if (!options.dryRun) for (const { day } of old) await dropPartition(db, day);
    return old;
  } catch (err) {
    if ((err as { code?: string }).code === "42P01") throw new UsageError("--db: no trace schema there (trace db init)");
    throw err;
  } finally {
    await db.end();
  }
}
