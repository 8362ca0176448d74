/**
 * The central database's schema: the spec's events table (Option A) with its five
 * indexes — agent, target, parent, time, primitive — plus the store and host each event
 * came from and the stored line itself (so that `--json` from the database prints the
 * bytes the day file held), range-partitioned by day (a retention rule drops whole
 * days). A version table records what was applied; `migrate` brings an older schema
 * up and refuses a newer one.
 */
import type { DbClient } from "./connect.js";
import { UsageError } from "../errors.js";

/** The schema this trace writes and reads. */
export const SCHEMA_VERSION = 1;

/** Each version's statements, applied in order in one transaction. */
const MIGRATIONS: Record<number, string[]> = {
  1: [
    `CREATE TABLE trace_events (
      day date NOT NULL,
      id text NOT NULL,
      ts bigint NOT NULL,
      primitive text NOT NULL,
      event_type text NOT NULL,
      agent_id text,
      target_id text,
      parent_event_id text,
      metadata jsonb NOT NULL,
      line text NOT NULL,
      store text NOT NULL,
      host text NOT NULL,
      PRIMARY KEY (day, id)
    ) PARTITION BY RANGE (day)`,
    "CREATE INDEX trace_events_agent ON trace_events (agent_id, ts)",
    "CREATE INDEX trace_events_target ON trace_events (target_id, ts)",
    "CREATE INDEX trace_events_parent ON trace_events (parent_event_id)",
    "CREATE INDEX trace_events_time ON trace_events (ts)",
    "CREATE INDEX trace_events_primitive ON trace_events (primitive, ts)",
  ],
};

/** What `migrate` found and did. */
export interface Migration {
  /** The version before, 0 for a database without the schema. */
  from: number;
  to: number;
}

/**
 * Creates the schema, or brings it to SCHEMA_VERSION; refuses a schema newer than this
 * trace. Safe to run again (and by two processes at once: an advisory lock orders them).
 *
 * @example
 * const { from, to } = await migrate(db);
 */
export async function migrate(db: DbClient): Promise<Migration> {
  await db.query("BEGIN");
  try {
    // One migration at a time across every host that ships here.
    await db.query("SELECT pg_advisory_xact_lock(7410551)");
    await db.query("CREATE TABLE IF NOT EXISTS trace_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
    const { rows } = await db.query<{ v: number | null }>("SELECT max(version) AS v FROM trace_schema");
    const from = rows[0]?.v ?? 0;
    if (from > SCHEMA_VERSION) throw new UsageError(`--db: the database's trace schema is version ${from}, newer than this trace's (${SCHEMA_VERSION}): upgrade trace`);
    for (let v = from + 1; v <= SCHEMA_VERSION; v++) {
      for (const sql of MIGRATIONS[v]!) await db.query(sql);
      await db.query("INSERT INTO trace_schema (version) VALUES ($1)", [v]);
    }
    await db.query("COMMIT");
    return { from, to: SCHEMA_VERSION };
  } catch (err) {
    await db.query("ROLLBACK").catch(() => {});
    throw err;
  }
}

/**
 * The name of a day's partition.
 *
 * @example
 * partitionOf("2026-11-20"); // "trace_events_20261120"
 */
export function partitionOf(day: string): string {
  return `trace_events_${day.replaceAll("-", "")}`;
}

/**
 * Creates the partition of `day` (YYYY-MM-DD, UTC) unless it is there.
 *
 * @example
 * await ensurePartition(db, "2026-11-20");
 */
export async function ensurePartition(db: DbClient, day: string): Promise<void> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not a day: ${day}`);
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  await db.query(`CREATE TABLE IF NOT EXISTS ${partitionOf(day)} PARTITION OF trace_events FOR VALUES FROM ('${day}') TO ('${next}')`);
}
