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
import type { Source } from "./discover.js";
import { legacyEvents } from "./legacy.js";
import type { Run, RowContext, SourceProblem } from "./rows.js";
import type { Selection } from "./select.js";
import { isKind, shapeOf, type Kind } from "./shape.js";
import { openReadOnly, type Database } from "./sqlite.js";
import { createTimeReader, type TimeReader } from "./times.js";

export { findSources, type Source, type SourceOptions } from "./discover.js";
export type { SourceProblem } from "./rows.js";
export type { Selection } from "./select.js";

/** What reading the sources gave. */
export interface SourceRead {
  events: ReadEvent[];
  /** Sources were found but better-sqlite3 is not installed. */
  noSqlite: boolean;
}

/** Where each source's events go, and how its times and agents are read. */
interface Reading {
  names: Map<string, string>;
  runs: Run[];
  select: Selection;
  time: TimeReader;
  onProblem: (p: SourceProblem) => void;
}

/**
 * Opens each source once, knows it by its shape (what it lacks is one problem, and the
 * rest is read), and gives it to `use` with the events its rows record (added to
 * `events`); false when SQLite is missing. A database that cannot be opened, or holds
 * none of a space-os mapping's tables, is one problem, and the rest are still read.
 */
function eachSource(sources: readonly Source[], reading: Reading, events: TraceEvent[], use: (db: Database, kind: Kind) => void = () => undefined): boolean {
  for (const source of sources) {
    const name = basename(source.path);
    let db: Database | undefined;
    let kind: Kind;
    try {
      db = openReadOnly(source.path);
      if (!db) return false;
      // A file that is not SQLite opens; its first read fails.
      const shape = shapeOf(db, name);
      kind = shape.kind;
      if (shape.foreign) {
        reading.onProblem({ db: source.path, table: "schema", message: `not a space-os database: none of the tables of ${kind} (${shape.missing.map((m) => m.replace(/^no table /, "")).join(", ")})`, unreadable: true });
        db.close();
        continue;
      }
      if (kind !== name && isKind(name)) reading.onProblem({ db: source.path, table: "schema", message: `read as space-os ${kind}: its tables are those of ${kind}, not of ${name}` });
      if (shape.missing.length > 0) reading.onProblem({ db: source.path, table: "schema", message: `read as space-os ${kind}, without what it lacks: ${shape.missing.join("; ")}` });
    } catch (err) {
      db?.close();
      reading.onProblem({ db: source.path, table: "-", message: `cannot open (${(err as Error).message})`, unreadable: true });
      continue;
    }
    const ctx: RowContext = { name, kind, time: reading.time, names: reading.names, runs: reading.runs, select: reading.select, events, problem: (p) => reading.onProblem({ ...p, db: source.path }) };
    try {
      use(db, kind);
      if (kind === "space.db") currentEvents(db, ctx);
      else legacyEvents(kind, db, ctx);
    } catch (err) {
      reading.onProblem({ db: source.path, table: "-", message: (err as Error).message, unreadable: true });
    } finally {
      db.close();
    }
  }
  return true;
}

/** How the sources are read: naive local times in `zone` (`--space-tz`), problems told to `onProblem`. */
export interface ReadOptions {
  /** The zone of the machine that wrote the naive local times: `local` (default), `UTC`, `+11:00`, `Australia/Sydney`. */
  zone?: string | undefined;
  onProblem?: ((p: SourceProblem) => void) | undefined;
  /** Only the rows whose events can pass it (a superset: the caller tests each event). */
  select?: Selection | undefined;
}

function readingOf(options: ReadOptions): Reading {
  return { names: new Map(), runs: [], select: options.select ?? {}, time: createTimeReader(options.zone || "local"), onProblem: options.onProblem ?? (() => undefined) };
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
 * read) is told once, and the rest still read.
 *
 * @example
 * const { events } = readSources(findSources(dir), { zone: "Australia/Sydney", onProblem: (p) => console.error(`${p.db}: ${p.table}: ${p.message}`) });
 */
export function readSources(sources: readonly Source[], options: ReadOptions = {}): SourceRead {
  const events: TraceEvent[] = [];
  if (!eachSource(sources, readingOf(options), events)) return { events: [], noSqlite: true };
  events.sort(compareEvents);
  return { events: events.map(hitOf), noSqlite: false };
}

/** What `trace sources` says of one database: its layout (as its shape says), each table's rows, the events' time span. */
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
export function summarizeSources(sources: readonly Source[], options: Omit<ReadOptions, "select"> = {}): SourceSummary[] {
  const reading = readingOf(options);
  return sources.map((source) => {
    const tables: Record<string, number> = {};
    const events: TraceEvent[] = [];
    let layout = source.layout;
    eachSource([source], reading, events, (db, kind) => {
      layout = kind === "space.db" ? "unified" : "per-primitive";
      for (const { name } of db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%_fts%' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all()) {
        tables[String(name)] = Number(db.prepare(`SELECT count(*) AS n FROM "${String(name)}"`).get()?.n ?? 0);
      }
    });
    events.sort(compareEvents);
    return { ...source, layout, tables, events: events.length, ...(events.length > 0 ? { first: events[0]!.timestamp, last: events.at(-1)!.timestamp } : {}) };
  });
}
