/**
 * Sources: the databases the space-os primitives already keep, read read-only and
 * turned into events of the trace envelope (the trace spec's meta-layer). Found in the
 * workspace's `.space/` beside the store, or named by `--space PATH` / `TRACE_SPACE`.
 */
import { basename } from "node:path";
import { compareEvents, type TraceEvent } from "../event/envelope.js";
import { serializeEvent } from "../event/serialize.js";
import type { ReadEvent } from "../store/read.js";
import { currentEvents } from "./current.js";
import { LEGACY_FILES, type Source } from "./discover.js";
import { legacyEvents } from "./legacy.js";
import type { RowContext, SourceProblem } from "./rows.js";
import { openReadOnly } from "./sqlite.js";
import { createTimeReader } from "./times.js";

export { findSources, type Source, type SourceOptions } from "./discover.js";
export type { SourceProblem } from "./rows.js";

/** What reading the sources gave. */
export interface SourceRead {
  events: ReadEvent[];
  /** Sources were found but better-sqlite3 is not installed. */
  noSqlite: boolean;
}

/**
 * Every event the sources' rows record, in (timestamp, id) order; each problem (a
 * database that cannot be opened, a table without a column, a row whose time cannot be
 * read) is told once, and the rest still read.
 *
 * @example
 * const { events } = readSources(findSources(dir), (p) => console.error(`${p.db}: ${p.table}: ${p.message}`));
 */
export function readSources(sources: readonly Source[], onProblem: (p: SourceProblem) => void = () => undefined, env: NodeJS.ProcessEnv = process.env): SourceRead {
  const names = new Map<string, string>();
  const events: TraceEvent[] = [];
  const time = createTimeReader(env.TRACE_SPACE_TZ || "local");
  for (const source of sources) {
    const name = basename(source.path);
    let db;
    try {
      db = openReadOnly(source.path);
    } catch (err) {
      onProblem({ db: source.path, table: "-", message: `cannot open (${(err as Error).message})` });
      continue;
    }
    if (!db) return { events: [], noSqlite: true };
    const ctx: RowContext = { name, time, names, events, problem: (p) => onProblem({ ...p, db: source.path }) };
    try {
      if (source.layout === "unified") currentEvents(db, ctx);
      else legacyEvents(name as (typeof LEGACY_FILES)[number], db, ctx);
    } catch (err) {
      onProblem({ db: source.path, table: "-", message: (err as Error).message });
    } finally {
      db.close();
    }
  }
  events.sort(compareEvents);
  return { events: events.map((event) => ({ event, line: serializeEvent(event).slice(0, -1) })), noSqlite: false };
}

/** What `trace sources` says of one database: its layout, each table's rows, the events' time span. */
export interface SourceSummary extends Source {
  tables: Record<string, number>;
  events: number;
  first?: number;
  last?: number;
}

/**
 * A summary of each source, for `trace sources`.
 *
 * @example
 * for (const s of summarizeSources(findSources(dir))) console.log(s.path, s.layout, s.events);
 */
export function summarizeSources(sources: readonly Source[], onProblem: (p: SourceProblem) => void = () => undefined, env: NodeJS.ProcessEnv = process.env): SourceSummary[] {
  return sources.map((source) => {
    const tables: Record<string, number> = {};
    const events: TraceEvent[] = [];
    try {
      const db = openReadOnly(source.path);
      if (db) {
        try {
          for (const { name } of db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%_fts%' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all()) {
            tables[String(name)] = Number(db.prepare(`SELECT count(*) AS n FROM "${String(name)}"`).get()?.n ?? 0);
          }
        } finally {
          db.close();
        }
      }
    } catch (err) {
      onProblem({ db: source.path, table: "-", message: `cannot open (${(err as Error).message})` });
    }
    events.push(...readSources([source], onProblem, env).events.map((r) => r.event));
    return { ...source, tables, events: events.length, ...(events.length > 0 ? { first: events[0]!.timestamp, last: events.at(-1)!.timestamp } : {}) };
  });
}
