/** Following a store like `tail -F`: the backlog, then every event that arrives, once, from each backend. */
import { tiesInOrder } from "./ties.js";
import { compareEvents } from "../event/envelope.js";
import type { ReadEvent } from "../store/read.js";
import type { Asked, Read } from "./asked.js";
import { dayFiles, spaceSources } from "./backend.js";
import type { Tail } from "./tail-files.js";
import { eventsOf } from "../engine/facade.js";
import { requireOneStore, type QueryCursor } from "./cursor.js";
import { followCursor } from "./follow-cursor.js";
import { followDatabaseCursor } from "./follow-db-cursor.js";
import { mergeHits } from "./sources.js";

/** How a follow runs. */
export interface FollowOptions {
  /** Matching events shown from before the start (with a cursor: when there is no position yet); default 10. */
  backlog?: number | undefined;
  /** Abort to stop following. */
  signal?: AbortSignal | undefined;
  /** How often the backends are looked at besides their wake-up hints (ms); default 25 (100 with a cursor, 1,000 for a database, whose NOTIFY wakes it). */
  pollMs?: number | undefined;
  /** Follow from a cursor (`after`; none: the last `backlog` events): one store's day files, or a database. */
  cursor?: QueryCursor | undefined;
  /** With a cursor: called after each round's events were taken, with the position after them (awaited). */
  onPosition?: ((cursor: string) => void | Promise<void>) | undefined;
}

/**
 * Follows the stores of `read`: the last `backlog` matching events of all their
 * backends (day files, then sources, merged by time, causes before effects), then what
 * each backend reports as arrived, in arrival order, each exactly once (several stores:
 * each event tagged with its store's name). Ends when the signal aborts or
 * `filter.until` has passed.
 *
 * @example
 * for await (const { line } of follow({ filter: { agent: "haiku-1" } }, read, { signal })) console.log(line);
 */
export async function* follow(asked: Asked, read: Read, options: FollowOptions = {}): AsyncGenerator<ReadEvent> {
  const { target, filter } = asked;
  if (options.cursor && read.database) return yield* followDatabaseCursor(read.database, asked, { ...options, cursor: options.cursor });
  if (options.cursor) {
    requireOneStore(read.dirs);
    return yield* followCursor({ dir: read.dirs[0]!, target, filter, backlog: options.backlog, signal: options.signal, pollMs: options.pollMs, onPosition: options.onPosition, cursor: options.cursor });
  }
  const n = options.backlog ?? 10;
  const stores: Followed[] = [];
  try {
    for (const [i, dir] of read.dirs.entries()) stores.push(await followStore(asked, { ...read, dirs: [dir], names: [read.names[i]!] }, n, options));
    const tagged = (store: Followed, hits: ReadEvent[]): ReadEvent[] => (read.dirs.length > 1 ? hits.map((hit) => ((hit.store = store.name), hit)) : hits);
    // The backlogs of all the stores, merged by time: a cause in one store before its effect in another.
    const backlog = stores.length === 1 ? stores[0]!.backlog : stores.flatMap((store) => tagged(store, store.backlog)).sort((a, b) => compareEvents(a.event, b.event));
    if (n > 0) yield* tiesInOrder(backlog).slice(-n);
    const next = (k: number) => stores[k]!.rounds.next().then((r) => ({ k, r }));
    const pending = new Map(stores.map((_, k) => [k, next(k)]));
    while (pending.size > 0) {
      const { k, r } = await Promise.race(pending.values());
      if (r.done) {
        pending.delete(k);
        continue;
      }
      yield* tiesInOrder(tagged(stores[k]!, r.value));
      pending.set(k, next(k));
    }
  } finally {
    for (const store of stores) {
      await store.rounds.return(undefined);
      await store.close();
    }
  }
}

/** One store followed: its backlog as it stood, then each round of what arrived. */
interface Followed {
  name: string;
  backlog: ReadEvent[];
  rounds: AsyncGenerator<ReadEvent[]>;
  close(): Promise<void>;
}

/** Opens one store's backends (day files, then sources) for following. */
async function followStore(asked: Asked, read: Read, n: number, options: FollowOptions): Promise<Followed> {
  const { target, filter } = asked;
  const dir = read.dirs[0]!;
  const { signal } = options;
  const members = new Set<string>();
  let wake: () => void = () => undefined;
  const hint = (): void => wake();
  const tails: Tail[] = [];
  const close = async (): Promise<void> => {
    for (const tail of tails.splice(0)) await tail.close();
  };
  try {
    for (const backend of read.database ? [read.database] : [dayFiles(dir, read), spaceSources(dir, read)]) tails.push(await backend.tail(target, filter, members, hint));
    // The day files' backlog keeps its file order; the sources' events go in by time.
    const [files, sources] = [await tails[0]!.backlog(n), (await tails[1]?.backlog(n)) ?? []];
    const backlog: ReadEvent[] = [];
    for await (const hits of mergeHits(oneBatch(files), sources)) for (const hit of eventsOf(hits)) backlog.push(hit);
    const rounds = async function* (): AsyncGenerator<ReadEvent[]> {
      const onAbort = (): void => wake();
      signal?.addEventListener("abort", onAbort);
      try {
        while (!signal?.aborted) {
          for (const tail of tails) yield await tail.poll();
          if (filter.until !== undefined && Date.now() > filter.until) return;
          await new Promise<void>((resolve) => {
            // A central database tells its followers of new rows (NOTIFY): a query a second is the safety net, not forty.
            const timer = setTimeout(resolve, options.pollMs ?? (read.database ? 1000 : 25));
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
      } finally {
        signal?.removeEventListener("abort", onAbort);
      }
    };
    return { name: read.names[0]!, backlog, rounds: rounds(), close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** One batch of hits, as a stream. */
async function* oneBatch(hits: ReadEvent[]): AsyncGenerator<ReadEvent[]> {
  yield hits;
}
