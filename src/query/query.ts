/** A query's answer: a timeline or a scan over every store and source, merged, masked, then -n and --reverse. */
import { detach, eventsOf, type Hits } from "../engine/facade.js";
import type { ReadEvent } from "../store/read.js";
import type { Asked, Read } from "./asked.js";
import { cursorBatches, requireOneStore, type QueryCursor } from "./cursor.js";
import { flatten, lastN, masked } from "./batches.js";
import { mergeStores } from "./stores.js";
import { dayFiles, spaceSources, type DatabaseBackend } from "./backend.js";
import { mergeHits } from "./sources.js";
import { causalTies } from "./ties.js";

/** A query's stream of batches, and what it learns while read: the target's title, where a cursor ends. */
export interface Answered {
  batches: AsyncGenerator<Hits>;
  /** The target's title, from its first event with `metadata.title`, once read. */
  readonly title: string | undefined;
  /** With a cursor: the position after what this query reads, set before its first batch. */
  readonly position: string | undefined;
}

/**
 * Answers a resolved question: the timeline or the filtered scan of each store, with
 * the sources' events merged in, each store's events through its masking step, then
 * `limit` and `reverse`. Memory stays flat unless `limit` or `reverse` asks to hold events.
 *
 * @example
 * const { batches } = answer({ filter: { agent: "haiku-1" } }, read);
 */
export function answer(asked: Asked, read: Read, cursor?: QueryCursor): Answered {
  const info: { title?: string } = {};
  // -n and --reverse hold what they keep: nothing is lent to them.
  const held = asked.limit !== undefined || asked.reverse === true;
  const run = async function* (): AsyncGenerator<Hits> {
    if (cursor) requireOneStore(read.dirs);
    const dir = read.dirs[0]!;
    const source = read.database
      ? fromDatabase(read.database, asked, info, cursor)
      : cursor
      ? masked(cursorBatches({ dir, target: asked.target, filter: asked.filter, onBad: read.onBad }, cursor), read.mask(dir))
      : read.dirs.length > 1
        ? await acrossStores(asked, read)
        : await storeBatches(dir, asked, held ? { ...read, lend: false } : read, info);
    // Causes before effects within a millisecond, whatever the ids: the last step before -n and --reverse.
    const ordered = causalTies(source);
    if (asked.limit === undefined && !asked.reverse) return yield* ordered;
    const kept = await lastN(flatten(ordered), asked.limit ?? Infinity, detach);
    yield asked.reverse ? kept.reverse() : kept;
  };
  return {
    batches: run(),
    get title() {
      return info.title;
    },
    get position() {
      return cursor?.next;
    },
  };
}

/** The answer of a central database: a timeline's members, a filter's events, or what came after a cursor. */
async function* fromDatabase(db: DatabaseBackend, asked: Asked, info: { title?: string }, cursor?: QueryCursor): AsyncGenerator<Hits> {
  const { target, filter } = asked;
  if (cursor) return yield* db.after(target, filter, cursor);
  // -n of a filter: the last events read from the newest back (the query still decides the order and the cut).
  if (target === undefined && asked.limit !== undefined && asked.limit !== Infinity) return yield* [await db.last(filter, asked.limit)];
  if (target === undefined) return yield* db.select(filter);
  for await (const hits of db.members(target, new Set(), filter)) {
    if (info.title === undefined) {
      const titled = eventsOf(hits).find((h) => h.event.target_id === target && typeof h.event.metadata.title === "string");
      if (titled) info.title = titled.event.metadata.title as string;
    }
    yield hits;
  }
}

/**
 * Several stores merged (stores.ts). A timeline's members are found first, over all the
 * stores until they grow no more (a cause in one store, its effect in another), then
 * each store's members go out merged.
 */
async function acrossStores(asked: Asked, read: Read): Promise<AsyncGenerator<Hits>> {
  let members: Set<string> | undefined;
  if (asked.target !== undefined) {
    members = new Set<string>();
    const quiet: Read = { ...read, onBad: () => undefined };
    for (let size = -1; members.size !== size; ) {
      size = members.size;
      for (const dir of read.dirs) for await (const hits of dayFiles(dir, quiet).members(asked.target, members, {})) void hits;
    }
  }
  // The stores are read at once, interleaved: a read-ahead thread each would crowd the cores.
  // A merge holds one store's batch while it reads on in another: nothing is lent.
  const each: Read = { ...read, readAhead: Infinity, lend: false };
  const streams = await Promise.all(read.dirs.map(async (dir, i) => ({ store: read.names[i]!, batches: await storeBatches(dir, asked, each, undefined, members && new Set(members)) })));
  return mergeStores(streams);
}

/**
 * One store's answer from its two backends: the space-os sources, read first (their
 * members seed a timeline: day-file events they caused belong to it), merged into the
 * day files'; `seed` starts a timeline's members.
 */
async function storeBatches(dir: string, asked: Asked, read: Read, info?: { title?: string }, seed?: Set<string>): Promise<AsyncGenerator<Hits>> {
  const { target, filter } = asked;
  const files = dayFiles(dir, read, info);
  const sources = spaceSources(dir, read);
  if (target === undefined) return mergeHits(files.select(filter), await collect(sources.select(filter)));
  const members = seed ?? new Set<string>();
  const extra = await collect(sources.members(target, members, filter));
  if (info && info.title === undefined) {
    const titled = extra.find((h) => h.event.target_id === target && typeof h.event.metadata.title === "string");
    if (titled) info.title = titled.event.metadata.title as string;
  }
  return mergeHits(files.members(target, members, filter), extra);
}

/** A backend's few batches as one list (the sources answer in one). */
async function collect(batches: AsyncIterable<Hits>): Promise<ReadEvent[]> {
  const out: ReadEvent[] = [];
  // One push at a time: the sources answer in one batch, and a spread of 100,000 overflows the stack.
  for await (const hits of batches) for (const hit of eventsOf(hits)) out.push(hit);
  return out;
}
