import { pairCursor, type SearchPool, type Simd } from "./simd.js";

/**
 * The bytes of a value as a JSON line spells them, searched for before any parsing.
 * A line can also spell the value with escapes (`\u0061`, `\/`), so every search also
 * stops at those: the test is exact, never a guess.
 */
export interface Needle {
  bytes: Buffer;
  /** Where the plain search starts its `Buffer#indexOf` (at the rarest byte seen): it runs several times faster when the first byte it hunts for is rare. */
  anchor: number;
  /** The two bytes the SIMD search tests together (the rarest pair seen); o1 <= o2. */
  o1: number;
  o2: number;
}

/** A needle for these bytes, anchored at their ends until `tuneNeedle` has seen the data. */
export function toNeedle(bytes: Buffer): Needle {
  return { bytes, anchor: 0, o1: 0, o2: bytes.length - 1 };
}

const SAMPLE = 16 << 10;
const PAIR_POSITIONS = 6;

/**
 * Re-anchors a needle at what is rarest in a sample of the data: in a store of UUIDs
 * and JSON keys, quotes, dashes and digits are everywhere, and which bytes are rare
 * depends on the data. Indexing a pair search with its rarest pair cuts candidates by
 * orders of magnitude.
 *
 * @example
 * const tuned = tuneNeedle(toNeedle(Buffer.from('"task-42"')), firstBlock); // pair 'k', '"'
 */
export function tuneNeedle(needle: Needle, sample: Buffer): Needle {
  const b = needle.bytes;
  const n = Math.min(sample.length, SAMPLE);
  const counts = new Uint32Array(256);
  for (let i = 0; i < n; i++) counts[sample[i]!]!++;
  const rarity = (i: number): number => counts[b[i]!]!;
  const positions = [...b.keys()].sort((x, y) => rarity(x) - rarity(y) || x - y).slice(0, PAIR_POSITIONS);
  let best = { o1: needle.o1, o2: needle.o2, seen: Infinity };
  for (const i of positions) {
    for (const j of positions) {
      if (i >= j) continue;
      const seen = pairCount(sample, n, b[i]!, b[j]!, j - i, best.seen);
      if (seen < best.seen) best = { o1: i, o2: j, seen };
    }
  }
  return { bytes: b, anchor: positions[0] ?? 0, o1: best.o1, o2: best.o2 };
}

/** How often the pair occurs in the sample, counting no further than `limit`. */
function pairCount(sample: Buffer, n: number, first: number, second: number, gap: number, limit: number): number {
  let seen = 0;
  for (let q = sample.indexOf(first); q !== -1 && q + gap < n && seen < limit; q = sample.indexOf(first, q + 1)) {
    if (sample[q + gap] === second) seen++;
  }
  return seen;
}

const BACKSLASH = 0x5c;

/** True when `buf[at]` starts an escape that can spell a character another way. */
function isAltSpelling(buf: Buffer, at: number, end: number): boolean {
  const next = buf[at + 1];
  return at + 1 < end && (next === 0x75 || next === 0x2f);
}

/** True when the whole needle stands at `at`, before `end`. */
function standsAt(buf: Buffer, n: Needle, at: number, end: number): boolean {
  return bytesAt(buf, at, n.bytes, end);
}

/** True when `bytes` stand in `buf` at `at`, all before `end`. */
export function bytesAt(buf: Buffer, at: number, b: Buffer, end: number): boolean {
  if (at + b.length > end) return false;
  // A loop beats Buffer#compare's argument checks for the short needles queries use.
  if (b.length > 64) return buf.compare(b, 0, b.length, at, at + b.length) === 0;
  for (let k = 0; k < b.length; k++) if (buf[at + k] !== b[k]) return false;
  return true;
}

/** The first place at or after `from` where the needle or an alternate spelling stands, by SIMD. */
function simdFind(buf: Buffer, n: Needle, from: number, end: number, simd: Simd): number {
  const base = buf.byteOffset;
  const [b1, b2] = [n.bytes[n.o1]!, n.bytes[n.o2]!];
  for (let at = from; ; at++) {
    at = simd.next(base + at, base + end, n.o1, b1, n.o2, b2, BACKSLASH);
    if (at === -1) return -1;
    at -= base;
    if (buf[at] === BACKSLASH ? isAltSpelling(buf, at, end) : standsAt(buf, n, at, end)) return at;
  }
}

/** The first place at or after `from` where the needle stands, by `Buffer#indexOf` from its anchor on. */
function plainFind(buf: Buffer, n: Needle, from: number, end: number): number {
  const anchor = n.bytes.subarray(n.anchor);
  for (let at = from + n.anchor; ; at++) {
    at = buf.indexOf(anchor, at);
    if (at === -1 || at >= end) return -1;
    if (at - n.anchor >= from && standsAt(buf, n, at - n.anchor, end)) return at - n.anchor;
  }
}

function plainEscape(buf: Buffer, from: number, end: number): number {
  for (let at = buf.indexOf(BACKSLASH, from); at !== -1 && at < end; at = buf.indexOf(BACKSLASH, at + 1)) {
    if (isAltSpelling(buf, at, end)) return at;
  }
  return -1;
}

/** Remembers the last hit of `find`, searching again only once a later position is asked for. */
function cursor(find: (from: number) => number): (from: number) => number {
  let next = find(0);
  return (from) => (next !== -1 && next < from ? (next = find(from)) : next);
}

/** The next hit at or after `from` (-1 for none), for positions asked in increasing order. */
function hitFinder(buf: Buffer, end: number, n: Needle, pool: SearchPool | undefined): (from: number) => number {
  const simd = pool?.simd;
  if (simd && buf.buffer === simd.memory) return cursor((from) => simdFind(buf, n, from, end, simd));
  const needle = cursor((from) => plainFind(buf, n, from, end));
  const escape = cursor((from) => plainEscape(buf, from, end));
  return (from) => {
    const [a, b] = [needle(from), escape(from)];
    return a === -1 ? b : b === -1 ? a : Math.min(a, b);
  };
}

/**
 * The lines of `buf[0, end)` that hold the needle (or an escape), as a cursor:
 * `next(from)` is the first such line at or after the line start `from`, as
 * `[start, end)` without newline or `\r`; asked in increasing order.
 *
 * @example
 * const next = candidateLines(buf, end, needle, pool);
 * for (let l = next(0); l; l = next(l[1] + 1)) console.log(buf.toString("utf8", l[0], l[1]));
 */
export function candidateLines(buf: Buffer, end: number, n: Needle, pool: SearchPool | undefined): (from: number) => [number, number] | undefined {
  const nextHit = hitFinder(buf, end, n, pool);
  return (from) => {
    const hit = nextHit(from);
    if (hit === -1) return undefined;
    const s = hit === 0 ? 0 : buf.lastIndexOf(0x0a, hit - 1) + 1;
    let nl = buf.indexOf(0x0a, hit);
    if (nl === -1 || nl > end) nl = end;
    return [s, nl > s && buf[nl - 1] === 0x0d ? nl - 1 : nl];
  };
}

/**
 * Calls `fn(start, end)` once for each line of `buf[0, end)` that holds the needle
 * (or an escape), in order, without looking at the other lines.
 *
 * @example
 * eachCandidate(buf, end, needle, pool, (s, e) => console.log(buf.toString("utf8", s, e)));
 */
export function eachCandidate(buf: Buffer, end: number, n: Needle, pool: SearchPool | undefined, fn: (start: number, stop: number) => void): void {
  const next = candidateLines(buf, end, n, pool);
  for (let line = next(0); line; line = next(line[1] + 1)) fn(line[0], line[1]);
}

/**
 * The places in `buf[0, end)` where the whole needle stands (escapes not considered),
 * as a cursor for positions asked in increasing order; `region` as for `pairCursor`.
 *
 * @example
 * const nextKey = needleCursor(buf, end, pool.tune(toNeedle(Buffer.from('_event_id":')), buf), pool, 1);
 */
export function needleCursor(buf: Buffer, end: number, n: Needle, pool: SearchPool | undefined, region: 0 | 1): (from: number) => number {
  const pairs = pairCursor(buf, end, { o1: n.o1, b1: n.bytes[n.o1]!, o2: n.o2, b2: n.bytes[n.o2]! }, pool, region);
  return (from) => {
    let at = pairs(from);
    while (at !== -1 && !standsAt(buf, n, at, end)) at = pairs(at + 1);
    return at;
  };
}
