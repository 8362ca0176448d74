/**
 * The sources' events in a query: read once, filtered as the day files are, their
 * timeline membership found among themselves, and merged into the day files' stream
 * in (timestamp, id) order; an event the day files hold too (the same derived id) once.
 */
import { eventsOf, type Hits } from "../engine/facade.js";
import { compareEvents } from "../event/envelope.js";
import { statSync } from "node:fs";
import { findSources, type SourceOptions } from "../sources/discover.js";
import type { Selection } from "../sources/select.js";
import type { ReadEvent } from "../store/read.js";
import { matches, type Filter } from "./filter.js";
import { joinsTimeline } from "./timeline.js";
import { tiesInOrder } from "./ties.js";

/** What a query reads of the sources. */
export interface QuerySources extends SourceOptions {
  /** Told of each problem with a source, as one line; `unreadable` when none of that database could be read. */
  onNote?: ((message: string, unreadable?: boolean) => void) | undefined;
}

/**
 * What a query asks of the sources, for SQL: a timeline's target alone (its members
 * are found among all its events, whatever the filters), else the filters.
 *
 * @example
 * selectionOf({ agent: "zealot-1", since: Date.now() - 3_600_000 }, undefined);
 */
export function selectionOf(f: Filter, target: string | undefined): Selection {
  if (target !== undefined) return { target };
  return { target: f.own, agent: f.agent, subject: f.task, channel: f.channel, primitive: f.primitive, since: f.since, until: f.until };
}

/**
 * The events of the sources of a store's workspace that `select` can want (all by
 * default), in order; problems told as lines.
 *
 * @example
 * const all = await readQuerySources(dir, { space: "/w/.space/space.db" });
 */
export async function readQuerySources(dir: string, options: QuerySources, select: Selection = {}): Promise<ReadEvent[]> {
  const note = options.onNote ?? (() => undefined);
  const found = findSources(dir, options, (path) => note(`${path}: not a regular file; skipped`));
  if (found.length === 0) return [];
  // Loaded only when there is a source: SQLite, the mappings and crypto cost a query's start.
  const { readSources } = await import("../sources/sources.js");
  const { events, noSqlite } = readSources(found, { zone: options.zone, onProblem: (p) => note(`${p.db}: ${p.table}: ${p.message}`, p.unreadable), select });
  if (noSqlite) note(`${found.map((s) => s.path).join(", ")}: not read, SQLite is missing (npm install better-sqlite3@12)`);
  return events;
}

/**
 * The sources' events a query selects: those that pass `filter`, or, for a target, its
 * own events and their descendants among the sources (each no older than its cause;
 * all members go to `members`, so that day-file events they caused join the timeline).
 *
 * @example
 * const extra = selectSources(all, { agent: "zealot-1" }, undefined);
 */
export function selectSources(events: readonly ReadEvent[], filter: Filter, target: string | undefined, members = new Set<string>()): ReadEvent[] {
  if (target === undefined) return events.filter((hit) => matches(filter, hit.event));
  const out: ReadEvent[] = [];
  // Causes before effects within a millisecond: a set_timer and the message that set it share one.
  for (const hit of tiesInOrder(events)) {
    const e = hit.event;
    if (!joinsTimeline(target, e, members)) continue;
    members.add(e.id);
    if (matches(filter, e)) out.push(hit);
  }
  return out;
}

/**
 * The day files' hits with `extra` (in order) merged in; equal events (same id) once.
 *
 * @example
 * for await (const hits of mergeHits(scanBatches(options), extra)) …
 */
export async function* mergeHits(batches: AsyncIterable<Hits>, extra: readonly ReadEvent[]): AsyncGenerator<Hits> {
  if (extra.length === 0) return yield* batches;
  let k = 0;
  for await (const batch of batches) {
    const out: ReadEvent[] = [];
    for (const hit of eventsOf(batch)) {
      while (k < extra.length && compareEvents(extra[k]!.event, hit.event) < 0) out.push(extra[k++]!);
      if (k < extra.length && extra[k]!.event.id === hit.event.id) k++;
      out.push(hit);
    }
    if (out.length > 0) yield out;
  }
  if (k < extra.length) yield extra.slice(k);
}

/** How often a follower looks whether a source database changed (ms). */
const SOURCE_POLL_MS = 250;

/**
 * The sources as a follower sees them: what they hold now, then, each time a database
 * or its write-ahead log changed (size, mtime), the events not seen before, in order.
 *
 * @example
 * const tail = createSourceTail(dir, {}, { agent: "zealot-1" });
 * const now = await tail.start();
 * const fresh = await tail.poll(Date.now());
 */
export function createSourceTail(dir: string, options: QuerySources, select: Selection = {}): { start(): Promise<ReadEvent[]>; poll(now: number): Promise<ReadEvent[]> } {
  const seen = new Set<string>();
  // Each poll reads again: a problem is told the first time only.
  const told = new Set<string>();
  const onNote = options.onNote;
  const quiet: QuerySources = { ...options, onNote: (m, unreadable) => void (!told.has(m) && told.add(m) && onNote?.(m, unreadable)) };
  let [signature, lastPoll] = ["", -Infinity];
  const sign = (): string =>
    findSources(dir, options)
      .flatMap((s) => [s.path, `${s.path}-wal`])
      .map((p) => {
        const st = statSync(p, { throwIfNoEntry: false });
        return st ? `${p}:${st.size}:${st.mtimeMs}` : p;
      })
      .join("|");
  const fresh = async (): Promise<ReadEvent[]> => (await readQuerySources(dir, quiet, select)).filter((h) => !seen.has(h.event.id) && seen.add(h.event.id));
  return {
    async start() {
      signature = sign();
      return fresh();
    },
    async poll(now) {
      if (now - lastPoll < SOURCE_POLL_MS) return [];
      lastPoll = now;
      const next = sign();
      if (next === signature) return [];
      signature = next;
      return fresh();
    },
  };
}
