/**
 * Several stores, one history: when a swarm spans hosts each keeps its own store, and
 * one question spans them. Each store is read as alone; their streams, each in
 * (timestamp, id) order, are merged by the same order, every event tagged with its
 * store's name, an event two stores hold (the same id) once. A timeline's membership
 * crosses stores (a cause in one, its effect in another): it is found first, passing
 * over the stores until it grows no more, then each store's members are merged.
 */
import { basename, dirname } from "node:path";
import { compareEvents } from "../event/envelope.js";
import { eventsOf, type Hits } from "../engine/facade.js";
import type { ReadEvent } from "../store/read.js";

/** One store's stream. */
export interface StoreStream {
  store: string;
  batches: AsyncIterable<Hits>;
}

/**
 * A name for each store, for the reader: its folder's name, or its workspace's for
 * `W/.space/trace`, made unique by the folders above it where two would be the same
 * (its whole path at the last).
 *
 * @example
 * storeNames(["/h/a/.space/trace", "/h/b/.space/trace"]); // ["a", "b"]
 */
export function storeNames(dirs: readonly string[]): string[] {
  const short = (dir: string): string => (basename(dir) === "trace" && basename(dirname(dir)) === ".space" ? basename(dirname(dirname(dir))) : basename(dir));
  // Each name takes one more folder from above until none is shared.
  const names = dirs.map(short);
  for (let up = 1; new Set(names).size < names.length && up < 64; up++) {
    const shared = names.map((n) => names.indexOf(n) !== names.lastIndexOf(n));
    for (const [i, dir] of dirs.entries()) {
      if (!shared[i]) continue;
      const parts = dir.split("/").filter(Boolean);
      names[i] = parts.length > up ? parts.slice(-1 - up).join("/") : dir;
    }
  }
  return names;
}

/** A hit's time without parsing it: a checked line carries its own. */
const timeOf = (hit: ReadEvent): number => (hit as { timestamp?: number }).timestamp ?? hit.event.timestamp;

/**
 * The stores' batches merged by (timestamp, id): ids are compared only between hits of
 * one millisecond, and an event two stores hold goes out once. A batch ends where a
 * stream must be read on (its buffers are reused then).
 *
 * @example
 * for await (const hits of mergeStores(dirs.map((dir, i) => ({ store: names[i], batches: scanBatches({ dir }) })))) …
 */
export async function* mergeStores(streams: readonly StoreStream[]): AsyncGenerator<ReadEvent[]> {
  type Head = { store: string; it: AsyncIterator<Hits>; batch: ReadEvent[]; at: number };
  const heads: Head[] = [];
  const pull = async (h: Head): Promise<boolean> => {
    for (;;) {
      const next = await h.it.next();
      if (next.done) return false;
      const batch = eventsOf(next.value);
      if (batch.length > 0) return ((h.batch = batch), (h.at = 0), true);
    }
  };
  for (const s of streams) {
    const head: Head = { store: s.store, it: s.batches[Symbol.asyncIterator](), batch: [], at: 0 };
    if (await pull(head)) heads.push(head);
  }
  let out: ReadEvent[] = [];
  while (heads.length > 0) {
    let min = 0;
    let tie = false;
    for (let i = 1; i < heads.length; i++) {
      const a = timeOf(heads[i]!.batch[heads[i]!.at]!);
      const b = timeOf(heads[min]!.batch[heads[min]!.at]!);
      if (a < b) [min, tie] = [i, false];
      else if (a === b) tie = true;
    }
    if (tie) min = byId(heads.map((h) => h.batch[h.at]!), min);
    const head = heads[min]!;
    const hit = head.batch[head.at]!;
    hit.store = head.store;
    out.push(hit);
    const done: Head[] = [];
    for (const h of heads) {
      // The same event in another store, at its head now: passed by.
      const same = h === head || (tie && timeOf(h.batch[h.at]!) === timeOf(hit) && h.batch[h.at]!.event.id === hit.event.id);
      if (same && ++h.at === h.batch.length) done.push(h);
    }
    if (done.length === 0) continue;
    // A stream's buffers are reused once it is read on: what was taken goes out first.
    yield out;
    out = [];
    for (const h of done) if (!(await pull(h))) heads.splice(heads.indexOf(h), 1);
  }
  if (out.length > 0) yield out;
}

/** Among heads of one millisecond (and `min`'s), the one whose id comes first. */
function byId(hits: readonly ReadEvent[], min: number): number {
  let best = min;
  for (let i = 0; i < hits.length; i++) if (timeOf(hits[i]!) === timeOf(hits[best]!) && compareEvents(hits[i]!.event, hits[best]!.event) < 0) best = i;
  return best;
}
