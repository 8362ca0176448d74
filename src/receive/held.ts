/**
 * The ids a store holds, for the receiver's "a span sent twice is one event": each time
 * range is read once (the day files' events in it) and remembered with what the
 * receiver wrote since, so that a request reads only the part of its range no earlier
 * request read. Past a bound the memory starts again empty.
 */
import type { TraceEvent } from "../event/envelope.js";
import { scan } from "../query/scan.js";

const DAY_MS = 86_400_000;

/** Ids remembered at most before the memory starts again. */
const REMEMBERED = 2_000_000;

/** The held-ids memory of one store. */
export interface HeldIds {
  /** Which of `events` the store holds already. */
  held(events: readonly TraceEvent[]): Promise<Set<string>>;
  /** The events just written. */
  add(events: readonly TraceEvent[]): void;
}

/**
 * A memory of the ids `dir` holds.
 *
 * @example
 * const memory = createHeldIds(dir); const old = await memory.held(events);
 */
export function createHeldIds(dir: string): HeldIds {
  let ids = new Set<string>();
  // Time ranges read, sorted and disjoint: [from, to] inclusive, ms.
  let read: [number, number][] = [];
  const gaps = (lo: number, hi: number): [number, number][] => {
    const out: [number, number][] = [];
    let at = lo;
    for (const [a, b] of read) {
      if (b < at) continue;
      if (a > hi) break;
      if (a > at) out.push([at, a - 1]);
      at = Math.max(at, b + 1);
    }
    if (at <= hi) out.push([at, hi]);
    return out;
  };
  const cover = (lo: number, hi: number): void => {
    const merged: [number, number][] = [];
    for (const [a, b] of [...read, [lo, hi] as [number, number]].sort((x, y) => x[0] - y[0])) {
      const last = merged.at(-1);
      if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
      else merged.push([a, b]);
    }
    read = merged;
  };
  return {
    async held(events) {
      if (events.length === 0) return new Set();
      let lo = Infinity;
      let hi = -Infinity;
      for (const e of events) [lo, hi] = [Math.min(lo, e.timestamp), Math.max(hi, e.timestamp)];
      if (ids.size > REMEMBERED) [ids, read] = [new Set(), []];
      // A gap is read as the whole days it falls in: a day file is read once, not once a request.
      for (const [from, to] of gaps(lo, hi)) {
        const since = Math.floor(from / DAY_MS) * DAY_MS;
        const until = Math.floor(to / DAY_MS) * DAY_MS + DAY_MS - 1;
        for await (const { event } of scan({ dir, filter: { since, until }, onBad: () => undefined })) ids.add(event.id);
        cover(since, until);
      }
      return new Set(events.filter((e) => ids.has(e.id)).map((e) => e.id));
    },
    add(events) {
      for (const e of events) ids.add(e.id);
    },
  };
}
