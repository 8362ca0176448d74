/** Small stream helpers of the query layers. */
import { eventsOf, type Hits } from "../engine/facade.js";
import type { ReadEvent } from "../store/read.js";
import type { Redactor } from "./redactor.js";

/**
 * Batches as a store's masking step lets them be shown (a timeline's few lines, looked
 * at batch by batch).
 *
 * @example
 * for await (const hits of masked(timelineBatches(options), read.mask(dir))) …
 */
export async function* masked(batches: AsyncIterable<Hits>, redactor: Redactor): AsyncGenerator<Hits> {
  for await (const hits of batches) yield redactor.hits(hits);
}

/**
 * The last `n` items of a stream, in order, holding at most `n` at a time (each as `keep` makes it).
 *
 * @example
 * const tail = await lastN(events, 10);
 */
export async function lastN<T>(source: AsyncIterable<T>, n: number, keep: (item: T) => T = (item) => item): Promise<T[]> {
  const ring: T[] = [];
  if (n <= 0) {
    for await (const _ of source);
    return ring;
  }
  let at = 0;
  for await (const item of source) {
    if (ring.length < n) ring.push(keep(item));
    else {
      ring[at] = keep(item);
      at = (at + 1) % n;
    }
  }
  return ring.length < n ? ring : [...ring.slice(at), ...ring.slice(0, at)];
}

/**
 * The events of a stream of hits, one by one.
 *
 * @example
 * for await (const hit of flatten(batches)) console.log(hit.line);
 */
export async function* flatten(batches: AsyncIterable<Hits>): AsyncGenerator<ReadEvent> {
  for await (const batch of batches) yield* eventsOf(batch);
}
