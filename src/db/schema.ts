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
export const SCHEMA_VERSION = 3;

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
  // A follower's watermark: rows are numbered as they arrive (shippers commit in that order: ship.ts).
  2: [
    "ALTER TABLE trace_events ADD COLUMN seq bigserial",
    "CREATE INDEX trace_events_seq ON trace_events (seq)",
    // A walk up a tree looks each parent up by id alone: the key leads with the day.
    "CREATE INDEX trace_events_id ON trace_events (id)",
    `CREATE TABLE trace_stores (
      store text NOT NULL,
      host text NOT NULL,
      shipped_at timestamptz NOT NULL,
      newest bigint,
      events bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (store, host)
    )`,
  ],
  // The key leads with the id, so that it serves a lookup by id alone, and the second index
  // on id goes: every insert maintained it, a quarter of a batch's cost (docs/performance.md).
  3: ["ALTER TABLE trace_events DROP CONSTRAINT trace_events_pkey", "ALTER TABLE trace_events ADD PRIMARY KEY (id, day)", "DROP INDEX trace_events_id"],
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

/**
 * The days that have a partition, oldest first, with their rows' sizes on disk.
 *
 * @example
 * const days = await partitionDays(db); // [{ day: "2026-11-20", bytes: 81920 }, …]
 */
export async function partitionDays(db: DbClient): Promise<{ day: string; bytes: number }[]> {
  const { rows } = await db.query<{ name: string; bytes: string }>(
    "SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'trace_events'::regclass",
  );
  const days: { day: string; bytes: number }[] = [];
  for (const r of rows) {
    const m = /^trace_events_(\d{4})(\d{2})(\d{2})$/.exec(r.name);
    if (m) days.push({ day: `${m[1]}-${m[2]}-${m[3]}`, bytes: Number(r.bytes) });
  }
  return days.sort((a, b) => (a.day < b.day ? -1 : 1));
}

/**
 * Drops a day's partition: its rows go at once, without a scan or dead rows.
 *
 * @example
 * await dropPartition(db, "2026-10-01");
 */
export async function dropPartition(db: DbClient, day: string): Promise<void> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not a day: ${day}`);
  await db.query(`DROP TABLE IF EXISTS ${partitionOf(day)}`);
}
