/**
 * The central database as a backend (query/backend.ts), the same four questions the day
 * files answer: SQL narrows (sql.ts: the filter's columns; a recursive CTE for a
 * timeline's candidates), and the query layer's own rules decide — `matches` for a
 * filter, `selectSources` (membership in time order, causes before effects within a
 * millisecond) for a timeline — so that a query kind means one thing on both. Each
 * event is its stored line, parsed as the day files' are, masked by the policy with the
 * database's tombstones.
 */
import { UsageError } from "../errors.js";
import { compareEvents, parseEventLine } from "../event/envelope.js";
import type { DatabaseBackend } from "../query/backend.js";
import { matches, type Filter } from "../query/filter.js";
import type { Redactor } from "../query/redactor.js";
import { selectSources } from "../query/sources.js";
import { joinsTimeline } from "../query/timeline.js";
import type { Tail } from "../query/tail-files.js";
import type { Tombstone } from "../event/redact.js";
import type { ReadEvent } from "../store/read.js";
import { tombstonesOf } from "../store/tombstones.js";
import { connect, isTransient, shownUrl, type DbClient } from "./connect.js";
import { SCHEMA_VERSION } from "./schema.js";
import { conditions, IN_ORDER, type SeqRange } from "./sql.js";

/** Rows a page (the events of a select are read in pages by (ts, id)). */
const PAGE = 5000;
/** A target no event has (backend.ts). */
const NOBODY = "00000000-0000-0000-0000-000000000000";

type Row = { line: string; store: string; seq?: string };

/**
 * The first event of an agent or target ($1). Asked as one query with an OR, the planner
 * walks the time index of every partition from the start, filtering (0.45 s on 200,000
 * events); each column's own index finds its first time at once, and the time index the rest.
 */
const FIRST_OWN = `WITH first(ts) AS (
  (SELECT ts FROM trace_events WHERE agent_id = $1 ORDER BY ts LIMIT 1) UNION ALL (SELECT ts FROM trace_events WHERE target_id = $1 ORDER BY ts LIMIT 1)
)
SELECT line, store FROM trace_events WHERE ts = (SELECT min(ts) FROM first) AND (agent_id = $1 OR target_id = $1) ORDER BY ${IN_ORDER} LIMIT 1`;

/**
 * The database at `url` as a backend; `mask` makes its masking step from the
 * tombstones it holds. Connects on first use; `close` ends the connection.
 *
 * @example
 * const db = databaseBackend(url, (t) => createRedactor(undefined, { tombstones: t }));
 */
export function databaseBackend(url: string, mask: (tombstones: ReadonlyMap<string, Tombstone>) => Redactor, onNote?: (message: string) => void): DatabaseBackend {
  type Open = { db: DbClient; redactor: Redactor; several: boolean };
  let opening: Promise<Open> | undefined;
  const stores = new Map<string, string>();
  const open = (): Promise<Open> => (opening ??= openDatabase(url, mask));
  const reopen = async (): Promise<Open> => {
    const old = opening;
    opening = undefined;
    await (await old?.catch(() => undefined))?.db.end().catch(() => {});
    return open();
  };
  const hitsOf = (rows: readonly Row[], o: Open): ReadEvent[] => {
    const out: ReadEvent[] = [];
    for (const row of rows) {
      const event = parseEventLine(row.line);
      if (!event) continue;
      if (o.several) stores.set(event.id, row.store);
      out.push(o.several ? { event, line: row.line, store: row.store } : { event, line: row.line });
    }
    return out;
  };
  const shown = (hits: ReadEvent[], o: Open): ReadEvent[] => hits.map((h) => o.redactor.hit(h));
  /** Every row that passes the SQL narrowing of `filter`, in pages by (ts, id), or the newest first. */
  async function* rowsOf(filter: Filter, range: SeqRange = {}, newestFirst = false): AsyncGenerator<ReadEvent[]> {
    const o = await open();
    const [past, order] = newestFirst ? ["<", `ts DESC, id COLLATE "C" DESC`] : [">", IN_ORDER];
    for (let last: [string, string] | undefined; ; ) {
      const values: unknown[] = [];
      const where = conditions(filter, values, range);
      if (last) where.push(`(ts ${past} $${values.push(last[0])} OR (ts = $${values.length} AND id COLLATE "C" ${past} $${values.push(last[1])}))`);
      const { rows } = await o.db.query<Row & { ts: string; id: string }>(`SELECT line, store, ts, id FROM trace_events WHERE ${where.join(" AND ")} ORDER BY ${order} LIMIT ${PAGE}`, values);
      if (rows.length === 0) return;
      yield hitsOf(rows, o);
      if (rows.length < PAGE) return;
      last = [rows.at(-1)!.ts, rows.at(-1)!.id];
    }
  }
  /** The rows that pass `filter` (SQL narrows, `matches` decides), in pages; a page left empty is passed by. */
  async function* passing(filter: Filter, range: SeqRange = {}, newestFirst = false): AsyncGenerator<ReadEvent[]> {
    for await (const hits of rowsOf(filter, range, newestFirst)) {
      const kept = hits.filter((h) => matches(filter, h.event));
      if (kept.length > 0) yield kept;
    }
  }
  /** The last `n` events that pass `filter`, read from the newest back, and every other of the oldest one's millisecond: oldest first. */
  async function lastOf(filter: Filter, n: number, range: SeqRange = {}): Promise<ReadEvent[]> {
    const last: ReadEvent[] = [];
    if (n <= 0) return last;
    newest: for await (const hits of passing(filter, range, true)) for (const h of hits) if (last.push(h) === n) break newest;
    // Causes go before effects within a millisecond whatever their ids: the query orders the edge's millisecond whole.
    const edge = last.at(-1)?.event.timestamp;
    if (last.length === n && edge !== undefined) {
      const have = new Set(last.map((h) => h.event.id));
      for await (const hits of passing({ ...filter, since: edge, until: edge }, range)) for (const h of hits) if (!have.has(h.event.id)) last.push(h);
    }
    return last.sort((a, b) => compareEvents(a.event, b.event));
  }
  /** A timeline's candidates: the target's own events and all the descendants of them and of `members`, in order. */
  async function candidates(target: string, members: ReadonlySet<string>, range: SeqRange = {}): Promise<ReadEvent[]> {
    const o = await open();
    const values: unknown[] = [target, [...members]];
    const bound = conditions({}, values, { upTo: range.upTo }).join(" AND ");
    const { rows } = await o.db.query<Row>(
      `WITH RECURSIVE m(id) AS (
         SELECT id FROM trace_events WHERE (agent_id = $1 OR target_id = $1 OR parent_event_id = ANY($2::text[])) AND ${bound}
         UNION
         SELECT e.id FROM trace_events e JOIN m ON e.parent_event_id = m.id WHERE ${bound.replaceAll("seq", "e.seq")}
       )
       SELECT line, store FROM trace_events WHERE id IN (SELECT id FROM m) AND ${bound} ORDER BY ${IN_ORDER}`,
      values,
    );
    return hitsOf(rows, o);
  }
  const members = async (target: string | undefined, joined: Set<string>, filter: Filter, range?: SeqRange): Promise<ReadEvent[]> =>
    selectSources(await candidates(target ?? NOBODY, joined, range), filter, target ?? NOBODY, joined);
  const one = async (sql: string, values: unknown[]): Promise<ReadEvent | undefined> => {
    const o = await open();
    return hitsOf((await o.db.query<Row>(sql, values)).rows, o)[0];
  };
  const top = async (): Promise<number> => {
    const o = await open();
    return Number((await o.db.query<{ top: string | null }>("SELECT max(seq) AS top FROM trace_events")).rows[0]?.top ?? 0);
  };
  return {
    async *select(filter) {
      const o = await open();
      for await (const kept of passing(filter)) yield shown(kept, o);
    },
    async *members(target, joined, filter) {
      const o = await open();
      const found = await members(target, joined, filter);
      for (let i = 0; i < found.length; i += PAGE) yield shown(found.slice(i, i + PAGE), o);
    },
    async last(filter, n) {
      const o = await open();
      return shown(await lastOf(filter, n), o);
    },
    async byIds(ids) {
      const o = await open();
      const { rows } = await o.db.query<Row>(`SELECT line, store FROM trace_events WHERE id = ANY($1::text[]) ORDER BY ${IN_ORDER}`, [[...ids]]);
      return shown(hitsOf(rows, o), o).map((h) => h.event);
    },
    async tail(target, filter, joined, wake) {
      let o = await open();
      await o.db.listen("trace_events", wake);
      let mark = await top();
      // A server that goes away (a restart, a failover) is waited for; the watermark keeps the place.
      const reconnect = async (lost: unknown): Promise<void> => {
        if (!isTransient(lost)) throw lost;
        onNote?.(`--db ${shownUrl(url)}: ${(lost as Error).message.replace(/^--db \S+: /, "")}; following again once it is back`);
        for (let wait = 250; ; wait = Math.min(wait * 2, 5000)) {
          await new Promise((r) => setTimeout(r, wait));
          try {
            o = await reopen();
            await o.db.listen("trace_events", wake);
            return onNote?.(`--db ${shownUrl(url)}: following again`);
          } catch (err) {
            if (!isTransient(err)) throw err;
          }
        }
      };
      return {
        backlog: async (n) => {
          const upTo = { upTo: mark };
          if (n === 0) return [];
          // The last n of a filter read from the newest back, not the whole table forward.
          if (target === undefined && n !== Infinity) return shown(await lastOf(filter, n, upTo), o);
          const all = target === undefined ? await collect(passing(filter, upTo)) : await members(target, joined, filter, upTo);
          return shown(all.slice(Math.max(0, all.length - n)), o);
        },
        poll: async () => {
          let rows: (Row & { seq: string })[];
          for (;;) {
            try {
              ({ rows } = await o.db.query<Row & { seq: string }>(`SELECT line, store, seq FROM trace_events WHERE seq > $1 ORDER BY seq LIMIT ${PAGE}`, [mark]));
              break;
            } catch (err) {
              await reconnect(err);
            }
          }
          if (rows.length > 0) mark = Number(rows.at(-1)!.seq);
          const fresh = hitsOf(rows, o).filter((h) => {
            if (target !== undefined && !joinsTimeline(target, h.event, joined)) return false;
            if (target !== undefined) joined.add(h.event.id);
            return matches(filter, h.event);
          });
          return shown(fresh, o);
        },
        close: async () => undefined,
      } satisfies Tail;
    },
    async firstOwn(target) {
      const hit = await one(FIRST_OWN, [target]);
      return hit?.event.timestamp;
    },
    async lastWake(agent) {
      const hit = await one(`SELECT line, store FROM trace_events WHERE agent_id = $1 AND event_type = 'wake' ORDER BY ts DESC, id COLLATE "C" DESC LIMIT 1`, [agent]);
      return hit?.event.timestamp;
    },
    async focus(idOrTarget) {
      const o = await open();
      const key = idOrTarget.toLowerCase();
      if (/^[0-9a-f-]{8,}$/.test(key)) {
        const { rows } = await o.db.query<Row>(`SELECT line, store FROM trace_events WHERE id = $1 OR id LIKE $2 ORDER BY ${IN_ORDER}`, [key, `%${key}`]);
        const found = [...new Map(hitsOf(rows, o).map((h) => [h.event.id, h.event])).values()];
        const exact = found.find((e) => e.id === key);
        if (exact) return { event: o.redactor.event(exact), byId: true };
        if (found.length > 1) throw new UsageError(`--causality ${idOrTarget}: ambiguous, ${found.length} events end so: ${found.map((e) => e.id).join(", ")}`);
        if (found[0]) return { event: o.redactor.event(found[0]), byId: true };
      }
      const first = await one(FIRST_OWN, [idOrTarget]);
      if (first) return { event: o.redactor.event(first.event), byId: false };
      throw new UsageError(`--causality ${idOrTarget}: no event with that id and no events of that target`);
    },
    storeOf: (id) => stores.get(id),
    async *after(target, filter, cursor) {
      const o = await open();
      const from = cursor.after === undefined ? 0 : seqOf(cursor.after, cursor.where ?? "cursor");
      const upTo = await top();
      cursor.next = `db:${upTo}`;
      if (target === undefined) {
        for await (const kept of passing(filter, { after: from, upTo })) yield shown(kept, o);
        return;
      }
      // Membership needs the whole history; what is new is what the range holds.
      const values: unknown[] = [];
      const fresh = new Set((await o.db.query<{ id: string }>(`SELECT id FROM trace_events WHERE ${conditions({}, values, { after: from, upTo }).join(" AND ")}`, values)).rows.map((r) => r.id));
      const kept = (await members(target, new Set(), filter, { upTo })).filter((h) => fresh.has(h.event.id));
      if (kept.length > 0) yield shown(kept, o);
    },
    async close() {
      if (opening) await (await opening.catch(() => undefined))?.db.end();
    },
  };
}

/** A database cursor's seq; a day files' cursor, or anything else, is a UsageError. */
function seqOf(cursor: string, where: string): number {
  const m = /^db:(\d+)$/.exec(cursor.trim());
  if (!m) throw new UsageError(`${where}: not a cursor of a database (db:N); a day files' cursor cannot be read with --db`);
  return Number(m[1]);
}

/** Pages as one list. */
async function collect(pages: AsyncIterable<ReadEvent[]>): Promise<ReadEvent[]> {
  const out: ReadEvent[] = [];
  for await (const hits of pages) for (const h of hits) out.push(h);
  return out;
}

/** Connects, checks the schema, reads the tombstones and whether several stores shipped here. */
async function openDatabase(url: string, mask: (tombstones: ReadonlyMap<string, Tombstone>) => Redactor): Promise<{ db: DbClient; redactor: Redactor; several: boolean }> {
  const db = await connect(url);
  try {
    // A reader's questions are lookups by index. The planner takes a recursive term's work
    // table for thousands of rows and hashes the whole table on every round, and JIT-compiles
    // plans over a hundred partitions: on 200,000 events a 40-event timeline took 1.8 s
    // that way, 45 ms by index lookups (docs/performance.md).
    await db.query("SET jit = off; SET enable_hashjoin = off; SET enable_mergejoin = off");
    const version = await db.query<{ v: number | null }>("SELECT max(version) AS v FROM trace_schema").catch((err: { code?: string }) => {
      if (err.code === "42P01") throw new UsageError(`--db ${shownUrl(url)}: no trace schema there (trace db init, or trace ship --to it)`);
      throw err;
    });
    const v = version.rows[0]?.v ?? 0;
    if (v !== SCHEMA_VERSION) throw new UsageError(`--db ${shownUrl(url)}: the trace schema is version ${v}, this trace reads ${SCHEMA_VERSION}: ${v < SCHEMA_VERSION ? "trace db init migrates it" : "upgrade trace"}`);
    const tombs = await db.query<{ line: string }>(`SELECT line FROM trace_events WHERE primitive = 'trace' AND event_type = 'redact' ORDER BY ${IN_ORDER}`);
    const several = await db.query<{ n: string }>("SELECT count(DISTINCT store) AS n FROM trace_stores");
    return { db, redactor: mask(tombstonesOf(tombs.rows.map((r) => r.line))), several: Number(several.rows[0]?.n ?? 0) > 1 };
  } catch (err) {
    await db.end().catch(() => {});
    throw err;
  }
}
