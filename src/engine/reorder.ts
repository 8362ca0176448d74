/** Time order for a stream of hits: a window that releases what can no longer be overtaken. */
import { CheckedLine, CheckedRun, eventsOf, type Hits } from "./hits.js";
import { compareEvents } from "../event/envelope.js";
import type { ReadEvent } from "../store/read.js";

/**
 * How far out of order lines may reach their day file (several writers take the time,
 * then queue for the write). Queries print in (timestamp, id) order within this window
 * and seek with it as slack; a line later than this is printed where it was found.
 */
export const REORDER_WINDOW_MS = 10_000;
/**
 * How many bytes of lines the window holds at most: a store whose events are dense in
 * time (a burst of 5 KB lines within 10 s) would otherwise hold all of them, and
 * memory would follow the store's size. Past it the oldest go on, in order so far.
 */
export const REORDER_WINDOW_BYTES = 16 << 20;

/** A streaming sorter: holds only the events of the last window. */
export interface Reorder {
  /** Adds an event; appends to `ready` those now certain to be next, in order. */
  push(item: ReadEvent, ready: ReadEvent[]): void;
  /** Appends to `ready` everything still held, in order. */
  drain(ready: ReadEvent[]): void;
  /** Adds a block's run; appends to `ready` what is now certain to be next, as events and runs. */
  pushRun(run: CheckedRun, ready: Hits[]): void;
  /**
   * Called after each block: the lines it pushed that are still held get bytes of
   * their own, so that a window holding a few lines of many blocks holds no block.
   */
  settle(): void;
}

/**
 * A min-heap that releases events older than the newest seen minus the window.
 *
 * @example
 * const r = createReorder();
 * const ready: ReadEvent[] = [];
 * for (const e of events) r.push(e, ready);
 * r.drain(ready); // ready: the events in order
 */
export function createReorder(windowMs = REORDER_WINDOW_MS, maxBytes = REORDER_WINDOW_BYTES): Reorder {
  const heap: ReadEvent[] = [];
  let newest = -Infinity;
  let heldBytes = 0;
  // Checked lines pushed since the last settle.
  let recent: CheckedLine[] = [];
  const less = (i: number, j: number): boolean => {
    const a = timeOf(heap[i]!);
    const b = timeOf(heap[j]!);
    // The ids decide only a tie, so a checked line is parsed only then.
    return a !== b ? a < b : compareEvents(heap[i]!.event, heap[j]!.event) < 0;
  };
  const swap = (i: number, j: number): void => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  const pop = (): ReadEvent => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(l, m)) m = l;
        if (r < heap.length && less(r, m)) m = r;
        if (m === i) break;
        swap(i, m);
        i = m;
      }
    }
    heldBytes -= sizeOf(top);
    if (top instanceof CheckedLine) top.held = false;
    return top;
  };
  // One array handed in, not one per event: a scan pushes every hit it keeps.
  const push = (item: ReadEvent, ready: ReadEvent[]): void => {
    heap.push(item);
    for (let i = heap.length - 1; i > 0 && less(i, (i - 1) >> 1); i = (i - 1) >> 1) swap(i, (i - 1) >> 1);
    const t = timeOf(item);
    if (t > newest) newest = t;
    heldBytes += sizeOf(item);
    if (item instanceof CheckedLine) {
      item.held = true;
      recent.push(item);
    }
    while (heap.length > 0 && (timeOf(heap[0]!) < newest - windowMs || heldBytes > maxBytes)) ready.push(pop());
  };
  const pushAll = (hits: ReadEvent[], ready: Hits[]): void => {
    const events: ReadEvent[] = [];
    for (const hit of hits) push(hit, events);
    if (events.length > 0) ready.push(events);
  };
  return {
    push,
    settle() {
      for (const line of recent) if (line.held) line.own();
      recent = [];
    },
    drain(ready) {
      while (heap.length > 0) ready.push(pop());
      newest = -Infinity;
    },
    pushRun(run, ready) {
      const n = run.length;
      // A run in strict order and newer than all seen goes on as a queue: what leaves the
      // window is the held events, then a prefix of the run, which passes on as one piece.
      if (n === 0 || !run.inOrder || run.timestamp(0) <= newest) return pushAll(run.events(), ready);
      newest = run.timestamp(n - 1);
      const held: ReadEvent[] = [];
      while (heap.length > 0 && timeOf(heap[0]!) < newest - windowMs) held.push(pop());
      if (held.length > 0) ready.push(held);
      const k = countBelow(run, newest - windowMs);
      if (k > 0) ready.push(run.slice(0, k));
      // The rest stays in the window (newer than anything held, so none leaves now).
      pushAll(run.slice(k).events(), ready);
    },
  };
}

/** How many items of a run in order are older than `t`: a binary search. */
function countBelow(run: CheckedRun, t: number): number {
  let [lo, hi] = [0, run.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (run.timestamp(mid) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A hit's bytes, near enough, without decoding a checked line. */
function sizeOf(hit: ReadEvent): number {
  return hit instanceof CheckedLine ? hit.end - hit.start : hit.line.length;
}

/** A hit's timestamp, without parsing a checked line. */
function timeOf(hit: ReadEvent): number {
  return hit instanceof CheckedLine ? hit.timestamp : hit.event.timestamp;
}

/**
 * One file's batches of hits, in order through the reorder window; `keep` sees every
 * hit first, in file order (the timeline grows its membership there).
 */
export async function* reorderBatches(batches: AsyncIterable<Hits>, keep?: (hit: ReadEvent) => boolean): AsyncGenerator<Hits> {
  const reorder = createReorder();
  for await (const batch of batches) {
    if (batch instanceof CheckedRun && !keep) {
      const ready: Hits[] = [];
      reorder.pushRun(batch, ready);
      reorder.settle();
      yield* ready;
      continue;
    }
    const ready: ReadEvent[] = [];
    for (const hit of eventsOf(batch)) if (!keep || keep(hit)) reorder.push(hit, ready);
    reorder.settle();
    if (ready.length > 0) yield ready;
  }
  const rest: ReadEvent[] = [];
  reorder.drain(rest);
  yield rest;
}
