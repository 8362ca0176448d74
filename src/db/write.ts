/**
 * Writing events into the central database: a batch goes through `COPY` into a
 * temporary table, then into `trace_events` with `ON CONFLICT DO NOTHING`, so a batch
 * sent twice (a shipper killed after the commit, before its cursor) is one copy. The
 * moves into the table take turns under a transaction lock: rows then become visible
 * in the order of their `seq`, and a follower's watermark never passes a row that a
 * slower transaction commits later.
 */
import type { ReadEvent } from "../store/read.js";
import type { DbClient } from "./connect.js";
import { ensurePartition } from "./schema.js";
import { dayOf } from "../store/layout.js";

/** The lock the moves into `trace_events` take turns on (and the partitions' creation). */
const INSERT_LOCK = 7410552;

/** The columns a batch carries, in `COPY` order. */
const COLUMNS = "day, id, ts, primitive, event_type, agent_id, target_id, parent_event_id, metadata, line, store, host";

/** The temporary table a batch is copied into (no key: a batch may hold an event twice). */
const INCOMING = "day date, id text, ts bigint, primitive text, event_type text, agent_id text, target_id text, parent_event_id text, metadata jsonb, line text, store text, host text";

/** Who is shipping: the store's name and the host it lives on. */
export interface Shipper {
  store: string;
  host: string;
}

/** A text field as `COPY`'s text format takes it. */
function field(value: string | null): string {
  if (value === null) return "\\N";
  // Most fields hold nothing to escape: a test is cheaper than a replace that finds nothing.
  if (!/[\\\n\r\t]/.test(value)) return value;
  return value.replace(/[\\\n\r\t]/g, (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\t"));
}

/** Metadata as `jsonb` takes it: NUL and lone surrogates, which it refuses, as U+FFFD (the line keeps them). */
function jsonbText(metadata: unknown): string {
  const text = JSON.stringify(metadata);
  return text.includes("\\u") ? text.replace(/\\u0000|\\ud[89a-f][0-9a-f]{2}/gi, "\\ufffd") : text;
}

/** The columns' types, for the array INSERT that stands in for COPY. */
const ARRAY_TYPES = ["date", "text", "bigint", "text", "text", "text", "text", "text", "jsonb", "text", "text", "text"];

/** A row's values, in `COPY` order. */
function valuesOf(hit: ReadEvent, from: Shipper): (string | null)[] {
  const e = hit.event;
  return [dayOf(e.timestamp), e.id, String(e.timestamp), e.primitive, e.event_type, e.agent_id, e.target_id, e.parent_event_id, jsonbText(e.metadata), hit.line, from.store, from.host];
}

/** A batch as one array per column. */
function columnsOf(hits: readonly ReadEvent[], from: Shipper): (string | null)[][] {
  const columns: (string | null)[][] = ARRAY_TYPES.map(() => []);
  for (const hit of hits) valuesOf(hit, from).forEach((v, i) => columns[i]!.push(v));
  return columns;
}

/**
 * One `COPY` text row for an event as read.
 *
 * @example
 * copyRow(hit, { store: "alpha", host: "h1" }); // "2026-11-20\t…\n"
 */
export function copyRow(hit: ReadEvent, from: Shipper): string {
  return valuesOf(hit, from).map(field).join("\t") + "\n";
}

/**
 * Writes one batch (any size) in one transaction: the days' partitions made, the rows
 * copied in, those not there yet added, the store's row in `trace_stores` updated, and
 * followers told (`NOTIFY trace_events`). Resolves with how many rows were new.
 *
 * @example
 * const added = await writeBatch(db, hits, { store: "alpha", host: hostname() });
 */
export async function writeBatch(db: DbClient, hits: readonly ReadEvent[], from: Shipper): Promise<number> {
  if (hits.length === 0) return 0;
  const days = [...new Set(hits.map((h) => dayOf(h.event.timestamp)))];
  const newest = hits.reduce((m, h) => Math.max(m, h.event.timestamp), -Infinity);
  await db.query("BEGIN");
  try {
    await db.query(`CREATE TEMP TABLE IF NOT EXISTS trace_incoming (${INCOMING}) ON COMMIT DELETE ROWS`);
    if (db.canCopy) await db.copyIn(`COPY trace_incoming (${COLUMNS}) FROM STDIN`, hits.map((h) => copyRow(h, from)).join(""));
    else await db.query(`INSERT INTO trace_incoming (${COLUMNS}) SELECT * FROM unnest(${ARRAY_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(", ")})`, columnsOf(hits, from));
    await db.query("SELECT pg_advisory_xact_lock($1)", [INSERT_LOCK]);
    for (const day of days) await ensurePartition(db, day);
    const { rowCount } = await db.query(`INSERT INTO trace_events (${COLUMNS}) SELECT ${COLUMNS} FROM trace_incoming ORDER BY ts, id ON CONFLICT (id, day) DO NOTHING`);
    await db.query(
      `INSERT INTO trace_stores (store, host, shipped_at, newest, events) VALUES ($1, $2, now(), $3, $4)
       ON CONFLICT (store, host) DO UPDATE SET shipped_at = now(), newest = GREATEST(trace_stores.newest, EXCLUDED.newest), events = trace_stores.events + EXCLUDED.events`,
      [from.store, from.host, newest, rowCount ?? 0],
    );
    await db.query("NOTIFY trace_events");
    await db.query("COMMIT");
    return rowCount ?? 0;
  } catch (err) {
    await db.query("ROLLBACK").catch(() => {});
    throw err;
  }
}
