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

/** The bytes a needle is tuned on: a dozen lines rank bytes and pairs as 16 KiB did on the benches' stores, at a quarter of the cost (tuning runs cold, once per needle, at every start). */
const SAMPLE = 4 << 10;
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
  const counts = byteCounts(sample, n);
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

/**
 * How often each byte occurs in `sample[0, n)`. A function of its own: the loop is what
 * V8 compiles on the fly, and compiling all of `tuneNeedle` instead took ~12 ms of a
 * background thread that a short query's exit then waited for.
 */
function byteCounts(sample: Buffer, n: number): Uint32Array {
  const counts = new Uint32Array(256);
  for (let i = 0; i < n; i++) counts[sample[i]!]!++;
  return counts;
}

/** How often the pair occurs in the sample, counting no further than `limit`. */
function pairCount(sample: Buffer, n: number, first: number, second: number, gap: number, limit: number): number {
  let seen = 0;
  for (let q = sample.indexOf(first); q !== -1 && q + gap < n && seen < limit; q = sample.indexOf(first, q + 1)) {
    if (sample[q + gap] === second) seen++;
  }
  return seen;
}

/** The escape byte: `\u` and `\/` spell a character another way. */
export const BACKSLASH = 0x5c;

/** True when `buf[at]` starts an escape that can spell a character another way. */
export function isAltSpelling(buf: Buffer, at: number, end: number): boolean {
  const next = buf[at + 1];
  return at + 1 < end && (next === 0x75 || next === 0x2f);
}

/** True when the whole needle stands at `at`, before `end`. */
export function standsAt(buf: Buffer, n: Needle, at: number, end: number): boolean {
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

