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
import type { Selection } from "./select.js";
import { openReadOnly, type Database } from "./sqlite.js";
import { createTimeReader, type TimeReader } from "./times.js";

export { findSources, type Source, type SourceOptions } from "./discover.js";
export type { SourceProblem } from "./rows.js";
export type { Selection } from "./select.js";

/** The `PRAGMA user_version` each layout's mapping is written for: space-os `001_foundation.sql` sets 6; the files of 2025-10-22 set none. */
const KNOWN_VERSION = { unified: 6, "per-primitive": 0 } as const;

/** What reading the sources gave. */
export interface SourceRead {
  events: ReadEvent[];
  /** Sources were found but better-sqlite3 is not installed. */
  noSqlite: boolean;
}

/** Where each source's events go, and how its times and agents are read. */
interface Reading {
  names: Map<string, string>;
  select: Selection;
  time: TimeReader;
  onProblem: (p: SourceProblem) => void;
}

/**
 * Opens each source once and gives it to `use` with the events its rows record (added
 * to `events`); false when SQLite is missing. A database that cannot be opened is one
 * problem, and the rest are still read.
 */
function eachSource(sources: readonly Source[], reading: Reading, events: TraceEvent[], use: (source: Source, db: Database) => void = () => undefined): boolean {
  for (const source of sources) {
    const name = basename(source.path);
    let db: Database | undefined;
    try {
      db = openReadOnly(source.path);
      // A file that is not SQLite opens; its first read fails.
      const version = db && Number(db.prepare("PRAGMA user_version").get()?.user_version ?? 0);
      if (db && version !== KNOWN_VERSION[source.layout]) {
        reading.onProblem({ db: source.path, table: "-", message: `schema version ${version} is not the one the mapping knows (${KNOWN_VERSION[source.layout]}); read as that` });
      }
    } catch (err) {
      db?.close();
      reading.onProblem({ db: source.path, table: "-", message: `cannot open (${(err as Error).message})`, unreadable: true });
      continue;
    }
    if (!db) return false;
    const ctx: RowContext = { name, time: reading.time, names: reading.names, select: reading.select, events, problem: (p) => reading.onProblem({ ...p, db: source.path }) };
    try {
      use(source, db);
      if (source.layout === "unified") currentEvents(db, ctx);
      else legacyEvents(name as (typeof LEGACY_FILES)[number], db, ctx);
    } catch (err) {
      reading.onProblem({ db: source.path, table: "-", message: (err as Error).message, unreadable: true });
    } finally {
      db.close();
    }
  }
  return true;
}

function readingOf(onProblem: (p: SourceProblem) => void, env: NodeJS.ProcessEnv, select: Selection = {}): Reading {
  return { names: new Map(), select, time: createTimeReader(env.TRACE_SPACE_TZ || "local"), onProblem };
}

/** A source's event as a hit: its line (the writer's form) made only when asked for. */
function hitOf(event: TraceEvent): ReadEvent {
  let line: string | undefined;
  return {
    event,
    get line() {
      return (line ??= serializeEvent(event).slice(0, -1));
    },
  };
}

/**
 * Every event the sources' rows record, in (timestamp, id) order; each problem (a
 * database that cannot be opened, a table without a column, a row whose time cannot be
 * read) is told once, and the rest still read. A selection reads only the rows whose
 * events can pass it (a superset of them: the caller tests each event).
 *
 * @example
 * const { events } = readSources(findSources(dir), (p) => console.error(`${p.db}: ${p.table}: ${p.message}`));
 */
export function readSources(sources: readonly Source[], onProblem: (p: SourceProblem) => void = () => undefined, env: NodeJS.ProcessEnv = process.env, select: Selection = {}): SourceRead {
  const events: TraceEvent[] = [];
  if (!eachSource(sources, readingOf(onProblem, env, select), events)) return { events: [], noSqlite: true };
  events.sort(compareEvents);
  return { events: events.map(hitOf), noSqlite: false };
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
  const reading = readingOf(onProblem, env);
  return sources.map((source) => {
    const tables: Record<string, number> = {};
    const events: TraceEvent[] = [];
    eachSource([source], reading, events, (_, db) => {
      for (const { name } of db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%_fts%' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all()) {
        tables[String(name)] = Number(db.prepare(`SELECT count(*) AS n FROM "${String(name)}"`).get()?.n ?? 0);
      }
    });
    events.sort(compareEvents);
    return { ...source, tables, events: events.length, ...(events.length > 0 ? { first: events[0]!.timestamp, last: events.at(-1)!.timestamp } : {}) };
  });
}
