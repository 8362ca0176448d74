/**
 * The own filter of a day's index: a Bloom filter of the keys of its `agent_id` and
 * `target_id` values, small enough to come with the header's read, so that the many
 * days that hold none of a query's values cost one read each.
 */
/**
 * The filter bits of a key: three, by double hashing, in a filter of `bits` (a power of
 * two). The step comes from the high half of key × φ: its low bits depend only on the
 * key's low bits, so a step taken from them put all three bits where the first one was
 * (a filter of 32,768 bits passed 7% of absent keys, against 0.8%). Neither depends on
 * `bits`, so a filter folded in halves is still one (store-filters.ts).
 */
export function filterBits(key: number, bits: number, out: number[] = []): number[] {
  const step = (Math.imul(key, 0x9e3779b1) >>> 16) | 1;
  for (let i = 0; i < 3; i++) out[i] = (key + Math.imul(i, step)) & (bits - 1);
  return out;
}

/** Bits per key of the own filter (about 1% false positives with three bits a key), and its largest size. */
const FILTER_BITS_PER_KEY = 10;
const FILTER_MAX_BITS = 1 << 19;

/** A filter of `keys` (distinct), as u32 words. */
export function ownFilter(keys: readonly number[]): Uint32Array {
  const bits = Math.min(FILTER_MAX_BITS, 2 ** Math.ceil(Math.log2(Math.max(64, keys.length * FILTER_BITS_PER_KEY))));
  const words = new Uint32Array(bits / 32);
  const at: number[] = [];
  for (const key of keys) for (const b of filterBits(key, bits, at)) words[b >>> 5]! |= 1 << (b & 31);
  return words;
}

/** False when the own filter `words` surely holds none of `keys`. */
export function filterMayHold(words: Uint32Array, keys: Iterable<number>): boolean {
  const bits = words.length * 32;
  const at: number[] = [];
  for (const key of keys) if (filterBits(key, bits, at).every((b) => (words[b >>> 5]! & (1 << (b & 31))) !== 0)) return true;
  return false;
}

