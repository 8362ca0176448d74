/**
 * The WebAssembly half of the byte search (needle.wat): block buffers that live in its
 * memory, and position cursors over them. Everything here has a plain fallback for
 * buffers from elsewhere (compressed days, very long lines).
 */
import { readFileSync } from "node:fs";
import { createBlockPool, type BlockPool } from "../store/read.js";
import { tuneNeedle, type Needle } from "./needle.js";
import type { CheckFn } from "./event-check.js";

/** The SIMD search over block buffers that live in its WebAssembly memory. */
export interface Simd {
  /** The WebAssembly memory's bytes, where its buffers live: shared, so that the read-ahead thread can fill them. */
  memory: SharedArrayBuffer;
  next(from: number, end: number, o1: number, b1: number, o2: number, b2: number, b3: number): number;
  collect(from: number, end: number, o1: number, b1: number, o2: number, b2: number, out: number, max: number): number;
  /** The event check of event-check.wat, and where in the memory its record goes. */
  check: CheckFn;
  record: number;
  /** The child search of peek.wat, the bitset of id hashes it tests, and where it writes a line's end. */
  child(from: number, end: number, o1: number, b1: number, o2: number, b2: number, bits: number, out: number): number;
  bits: number;
  lineEnd: number;
  /** The filtered block scan of match.wat, and where its filter and its answers go. */
  match(from: number, end: number, spec: number, rec: number, out: number, max: number): number;
  /** Moves the lines of `n` answers that passed to `dst` onward (match.wat); returns where the next goes. */
  gather(out: number, n: number, dst: number, base: number): number;
  /** The last timestamp of `n` answers when they rise strictly from `prev`, else NaN (match.wat). */
  ordered(out: number, n: number, prev: number): number;
  spec: number;
  answers: number;
}

/** The search state of one scan: block buffers the SIMD search can read (a buffer from elsewhere is searched the plain way), and its tuned needles. */
export interface SearchPool extends BlockPool {
  simd?: Simd;
  /** `tuneNeedle` once per needle for the whole scan: the days of a store look alike. */
  tune(needle: Needle, sample: Buffer): Needle;
}

const SLOTS = 4;
const SLOT = 1 << 20;
/** Positions `collect` writes per call, in each of the regions after the slots. */
const POSITIONS = 16 << 10;
const REGIONS = 2;
/** Bytes for match.wat's filter: its needle and values must fit (match.ts checks). */
export const SPEC_BYTES = 4096;
/** Lines match.wat answers per call: 24 bytes each, in what is left before the bitset. */
export const MATCH_ANSWERS = 2048;
/** The event check's record: past the byte after the last slot, which the check borrows. */
const RECORD = SLOTS * SLOT + REGIONS * POSITIONS * 4 + 64;
const LINE_END = RECORD + 256;
/** match.wat's filter, then its answers, up to the bitset's page. */
const SPEC = LINE_END + 64;
const ANSWERS = SPEC + SPEC_BYTES;
/** 2^20 bits of id hashes (peek.ts), on pages of their own. */
const BITS = ((RECORD >> 16) + 1) << 16;
const PAGES = (BITS + (1 << 17)) >> 16;
// A layout change that ran the answers into the bitset would corrupt both: fail at load.
if (ANSWERS + MATCH_ANSWERS * 24 > BITS) throw new Error("simd.ts: match.wat's answers overlap the bitset");

/**
 * A block pool whose first buffers sit in a WebAssembly memory, so `eachCandidate`
 * can search them with SIMD; falls back to plain buffers (and `Buffer#indexOf`)
 * when it runs out, or where WebAssembly SIMD is missing.
 */
export function createSearchPool(): SearchPool {
  const tuned = new Map<string, Needle>();
  const tune = (needle: Needle, sample: Buffer): Needle => {
    const key = needle.bytes.toString("latin1");
    let t = tuned.get(key);
    if (!t) tuned.set(key, (t = tuneNeedle(needle, sample)));
    return t;
  };
  const fallback = createBlockPool();
  const simd = loadSimd();
  if (!simd) return { ...fallback, tune };
  const free: Buffer[] = Array.from({ length: SLOTS }, (_, k) => Buffer.from(simd.memory, k * SLOT, SLOT));
  return {
    simd,
    tune,
    take: () => free.pop() ?? fallback.take(),
    give: (buf) => void (buf.buffer === simd.memory ? free.push(buf) : fallback.give(buf)),
  };
}

function loadSimd(): Simd | undefined {
  try {
    const memory = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES, shared: true });
    const load = (name: string, imports: Record<string, unknown> = {}): Record<string, unknown> =>
      new WebAssembly.Instance(new WebAssembly.Module(readFileSync(new URL(name, import.meta.url))), { env: { mem: memory, ...imports } }).exports;
    const needle = load("./needle.wasm");
    const check = load("./event-check.wasm").check as CheckFn;
    const child = load("./peek.wasm").child as Simd["child"];
    const matcher = load("./match.wasm", { next: needle.next, check });
    return {
      memory: memory.buffer as SharedArrayBuffer, next: needle.next as Simd["next"], collect: needle.collect as Simd["collect"], check, record: RECORD,
      child, bits: BITS, lineEnd: LINE_END, match: matcher.match as Simd["match"], gather: matcher.gather as Simd["gather"],
      ordered: matcher.ordered as Simd["ordered"],
      spec: SPEC, answers: ANSWERS,
    };
  } catch {
    return undefined;
  }
}

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
  const simd = pool?.simd;
  if (!simd || buf.buffer !== simd.memory) return plainPairCursor(buf, end, pair);
  const out = SLOTS * SLOT + region * POSITIONS * 4;
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
