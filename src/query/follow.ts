/** Following a store like `tail -F`: the backlog, then every event that arrives, once, from each backend. */
import type { ReadEvent } from "../store/read.js";
import type { Asked, Read } from "./asked.js";
import { dayFiles, spaceSources } from "./backend.js";
import type { Tail } from "./tail-files.js";
import { eventsOf } from "../engine/facade.js";
import { requireOneStore, type QueryCursor } from "./cursor.js";
import { followCursor } from "./follow-cursor.js";
import { mergeHits } from "./sources.js";

/** How a follow runs. */
export interface FollowOptions {
  /** Matching events shown from before the start (with a cursor: when there is no position yet); default 10. */
  backlog?: number | undefined;
  /** Abort to stop following. */
  signal?: AbortSignal | undefined;
  /** How often the backends are looked at besides their wake-up hints (ms); default 25 (100 with a cursor). */
  pollMs?: number | undefined;
  /** Follow from a cursor (`after`; none: the last `backlog` events), reading the day files only. */
  cursor?: QueryCursor | undefined;
  /** With a cursor: called after each round's events were taken, with the position after them (awaited). */
  onPosition?: ((cursor: string) => void | Promise<void>) | undefined;
}

/**
 * Follows the first store of `read` (several: `followAcross`): the last `backlog`
 * matching events of its backends (day files, then sources, merged by time), then what
 * each backend reports as arrived, in arrival order, each exactly once. Ends when the
 * signal aborts or `filter.until` has passed.
 *
 * @example
 * for await (const { line } of follow({ filter: { agent: "haiku-1" } }, read, { signal })) console.log(line);
 */
export async function* follow(asked: Asked, read: Read, options: FollowOptions = {}): AsyncGenerator<ReadEvent> {
  const { target, filter } = asked;
  const dir = read.dirs[0]!;
  if (options.cursor) {
    requireOneStore(read.dirs);
    return yield* followCursor({ dir, target, filter, backlog: options.backlog, signal: options.signal, pollMs: options.pollMs, onBad: read.onBad, cursor: options.cursor, onPosition: options.onPosition });
  }
  if (read.dirs.length > 1) return yield* followAcross(asked, read, options);
  const { signal } = options;
  const members = new Set<string>();
  let wake: () => void = () => undefined;
  const hint = (): void => wake();
  const tails: Tail[] = [];
  try {
    for (const backend of [dayFiles(dir, read), spaceSources(dir, read)]) tails.push(await backend.tail(target, filter, members, hint));
    const n = options.backlog ?? 10;
    // The day files' backlog keeps its file order; the sources' events go in by time.
    const [files, sources] = [await tails[0]!.backlog(n), await tails[1]!.backlog(n)];
    const merged: ReadEvent[] = [];
    for await (const hits of mergeHits(oneBatch(files), sources)) for (const hit of eventsOf(hits)) merged.push(hit);
    if (n > 0) yield* merged.slice(-n);
    const onAbort = (): void => wake();
    signal?.addEventListener("abort", onAbort);
    try {
      while (!signal?.aborted) {
        for (const tail of tails) yield* await tail.poll();
        if (filter.until !== undefined && Date.now() > filter.until) return;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.pollMs ?? 25);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  } finally {
    for (const tail of tails) await tail.close();
  }
}

/**
 * Several stores followed at once: each store's follower, their events as they come,
 * tagged with the store's name (a follower shows arrival, not a merged order).
 */
async function* followAcross(asked: Asked, read: Read, options: FollowOptions): AsyncGenerator<ReadEvent> {
  const its = read.dirs.map((dir, i) => ({ store: read.names[i]!, it: follow(asked, { ...read, dirs: [dir], names: [read.names[i]!] }, options) }));
  const next = (k: number) => its[k]!.it.next().then((r) => ({ k, r }));
  const pending = new Map(its.map((_, k) => [k, next(k)]));
  try {
    while (pending.size > 0) {
      const { k, r } = await Promise.race(pending.values());
      if (r.done) {
        pending.delete(k);
        continue;
      }
      const hit = r.value;
      hit.store = its[k]!.store;
      yield hit;
      pending.set(k, next(k));
    }
  } finally {
    await Promise.all(its.map((x) => x.it.return(undefined)));
  }
}

/** One batch of hits, as a stream. */
async function* oneBatch(hits: ReadEvent[]): AsyncGenerator<ReadEvent[]> {
  yield hits;
}
