/**
 * Position cursors over a block: where a byte pair stands, where a needle (or an
 * escape that may spell it) stands, and the lines that hold one. On a block in the
 * WebAssembly memory the SIMD routines find them; elsewhere `Buffer#indexOf` does.
 */
import { BACKSLASH, isAltSpelling, standsAt, toNeedle, type Needle } from "./needle.js";
import { inMemory, type SearchPool } from "./pool.js";
import { AT, POSITIONS } from "./wasm/layout.js";
import type { Simd } from "./wasm/load.js";

/** Where in `buf[0, end)` a pair of bytes stands: `o1`/`b1` and `o2`/`b2` as in a tuned needle. */
export interface Pair {
  o1: number;
  b1: number;
  o2: number;
  b2: number;
}

/**
 * The positions in `buf[0, end)` where the pair stands, as a cursor: `next(from)` is
 * the first at or after `from` (-1 for none), for `from` asked in increasing order.
 * With SIMD, they are collected thousands at a time into a region of the memory
 * (`region` 0 or 1: two cursors over one block must not share one).
 *
 * @example
 * const nextLine = pairCursor(buf, end, { o1: 0, b1: 0x0a, o2: 0, b2: 0x0a }, pool, 0); // newlines
 */
export function pairCursor(buf: Buffer, end: number, pair: Pair, pool: SearchPool | undefined, region: 0 | 1): (from: number) => number {
  if (!inMemory(buf, pool)) return plainPairCursor(buf, end, pair);
  const simd = pool.simd;
  const out = AT.positions + region * POSITIONS * 4;
  const found = new Int32Array(simd.memory, out, POSITIONS);
  const base = buf.byteOffset;
  let [n, k, full] = [0, 0, false];
  const fill = (from: number): void => {
    n = simd.collect(base + from, base + end, pair.o1, pair.b1, pair.o2, pair.b2, out, POSITIONS);
    [k, full] = [0, n === POSITIONS];
  };
  fill(0);
  return (from) => {
    for (;;) {
      while (k < n && found[k]! - base < from) k++;
      if (k < n) return found[k]! - base;
      if (!full) return -1;
      fill(Math.max(from, found[n - 1]! - base + 1));
    }
  };
}

function plainPairCursor(buf: Buffer, end: number, { o1, b1, o2, b2 }: Pair): (from: number) => number {
  return (from) => {
    for (let at = buf.indexOf(b1, from + o1); at !== -1 && at - o1 + o2 < end; at = buf.indexOf(b1, at + 1)) {
      if (at - o1 >= from && buf[at - o1 + o2] === b2) return at - o1;
    }
    return -1;
  };
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
  if (inMemory(buf, pool)) return cursor((from) => simdFind(buf, n, from, end, pool.simd));
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

/**
 * Calls `fn(start, end)` for each line of `buf[0, end)` that holds `text`'s bytes (or
 * an escape that may spell them), in order: a search for bytes that are not a field's
 * whole value, such as an id's suffix and its closing quote.
 *
 * @example
 * eachLineHolding(buf, end, Buffer.from('3d60b04f"'), pool, (s, e) => parseAt(buf, s, e));
 */
export function eachLineHolding(buf: Buffer, end: number, text: Buffer, pool: SearchPool, fn: (start: number, stop: number) => void): void {
  eachCandidate(buf, end, pool.tune(toNeedle(text), buf.subarray(0, end)), pool, fn);
}
