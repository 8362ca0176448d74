/** The page's model: the rows of `trace view`'s data as columns, links resolved, stats per lane. */
import { CYCLE_CUT, FAILED, type Data } from "./data.js";

/** Per lane: events, time taken, tokens, failures. */
export interface LaneStats {
  events: number;
  busyMs: number;
  tokens: number;
  failures: number;
}

/** The events as columns, each lane's events in time order, the tree's links. */
export interface Model {
  data: Data;
  n: number;
  /** End time (ms after t0); a span starts `dur` before it. */
  t: Float64Array;
  dur: Float64Array;
  lane: Int32Array;
  prim: Int32Array;
  flags: Uint8Array;
  /** The drawn parent's row, -1 for a root of the page. */
  parent: Int32Array;
  /** Children of row i: `kids.slice(kidStart[i], kidStart[i + 1])`, in time order. */
  kidStart: Int32Array;
  kids: Int32Array;
  roots: Int32Array;
  /** Rows of each lane in time order, and the lane's longest duration. */
  laneRows: Int32Array[];
  laneMaxDur: Float64Array;
  stats: LaneStats[];
  span: [number, number];
  byId: Map<string, number>;
}

/**
 * The model of a page's data.
 *
 * @example
 * const model = modelOf(JSON.parse(text));
 */
export function modelOf(data: Data): Model {
  const n = data.rows.length;
  const t = new Float64Array(n);
  const dur = new Float64Array(n);
  const lane = new Int32Array(n);
  const prim = new Int32Array(n);
  const flags = new Uint8Array(n);
  const byId = new Map<string, number>();
  const laneCount = data.lanes.length;
  const stats: LaneStats[] = data.lanes.map(() => ({ events: 0, busyMs: 0, tokens: 0, failures: 0 }));
  const perLane = new Int32Array(laneCount);
  let lo = Infinity;
  let hi = -Infinity;
  data.rows.forEach((r, i) => {
    t[i] = r[1];
    dur[i] = r[2];
    lane[i] = r[3];
    prim[i] = r[4];
    flags[i] = r[8];
    byId.set(r[0], i);
    perLane[r[3]]!++;
    const s = stats[r[3]]!;
    s.events++;
    s.busyMs += r[2];
    s.tokens += tokensOf(r[10]);
    if (r[8] & FAILED) s.failures++;
    lo = Math.min(lo, r[1] - r[2]);
    hi = Math.max(hi, r[1]);
  });
  const parent = new Int32Array(n).fill(-1);
  const kidCount = new Int32Array(n + 1);
  const roots: number[] = [];
  data.rows.forEach((r, i) => {
    const link = r[8] & CYCLE_CUT ? r[12] : (r[7] ?? r[12]);
    const p = link === null ? undefined : byId.get(link);
    if (p === undefined || p === i) roots.push(i);
    else {
      parent[i] = p;
      kidCount[p]!++;
    }
  });
  const kidStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) kidStart[i + 1] = kidStart[i]! + kidCount[i]!;
  const fill = kidStart.slice(0, n);
  const kids = new Int32Array(kidStart[n]!);
  for (let i = 0; i < n; i++) if (parent[i]! >= 0) kids[fill[parent[i]!]!++] = i;
  const laneRows = Array.from(perLane, (c) => new Int32Array(c));
  const laneFill = new Int32Array(laneCount);
  const laneMaxDur = new Float64Array(laneCount);
  for (let i = 0; i < n; i++) {
    const l = lane[i]!;
    laneRows[l]![laneFill[l]!++] = i;
    laneMaxDur[l] = Math.max(laneMaxDur[l]!, dur[i]!);
  }
  if (n === 0) [lo, hi] = [0, 1000];
  if (hi - lo < 10) hi = lo + 10;
  return { data, n, t, dur, lane, prim, flags, parent, kidStart, kids, roots: Int32Array.from(roots), laneRows, laneMaxDur, stats, span: [lo, hi], byId };
}

/** Tokens an event reports: input and output, else a total. */
function tokensOf(m: Record<string, unknown>): number {
  const num = (k: string): number => (typeof m[k] === "number" && Number.isFinite(m[k]) ? (m[k] as number) : 0);
  const io = num("input_tokens") + num("output_tokens") || num("prompt_tokens") + num("completion_tokens");
  return io || num("total_tokens") || num("tokens");
}

/**
 * The rows on the path through row `i`: its ancestors, itself and its descendants.
 *
 * @example
 * const lit = pathThrough(model, selected);
 */
export function pathThrough(model: Model, i: number): Uint8Array {
  const on = new Uint8Array(model.n);
  for (let p = i; p >= 0 && !on[p]; p = model.parent[p]!) on[p] = 1;
  const stack = [i];
  while (stack.length > 0) {
    const at = stack.pop()!;
    for (let k = model.kidStart[at]!; k < model.kidStart[at + 1]!; k++) {
      const kid = model.kids[k]!;
      if (!on[kid]) {
        on[kid] = 1;
        stack.push(kid);
      }
    }
  }
  return on;
}

/** Row `i`'s ancestors, root first. */
export function ancestorsOf(model: Model, i: number): number[] {
  const path: number[] = [];
  const seen = new Set<number>();
  for (let p = model.parent[i]!; p >= 0 && !seen.has(p); p = model.parent[p]!) {
    seen.add(p);
    path.unshift(p);
  }
  return path;
}

/** How many rows lie below row `i` (a cycle the store holds is counted once). */
export function descendantCount(model: Model, i: number): number {
  const seen = new Uint8Array(model.n);
  seen[i] = 1;
  let count = 0;
  const stack = [i];
  while (stack.length > 0) {
    const at = stack.pop()!;
    const end = model.kidStart[at + 1]!;
    for (let k = model.kidStart[at]!; k < end; k++) {
      const kid = model.kids[k]!;
      if (seen[kid]) continue;
      seen[kid] = 1;
      count++;
      stack.push(kid);
    }
  }
  return count;
}

/** The first index in `rows` whose end time is at least `time`. */
export function firstEndingAfter(model: Model, rows: Int32Array, time: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (model.t[rows[mid]!]! < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
