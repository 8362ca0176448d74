/**
 * The search state of one scan: block buffers that live in the WebAssembly memory
 * (so the SIMD search can read them), plain buffers once those run out or where SIMD
 * is off, and the needles tuned for the scan's data.
 */
import { createBlockPool, type BlockPool } from "../store/read.js";
import { createRunMemory, type RunMemory } from "./hits.js";
import { tuneNeedle, type Needle } from "./needle.js";
import { SLOT_BYTES, SLOTS } from "./wasm/layout.js";
import { loadSimd, type Simd } from "./wasm/load.js";

/** Block buffers the SIMD search can read (a buffer from elsewhere is searched the plain way), and tuned needles. */
export interface SearchPool extends BlockPool {
  /** The loaded modules; absent when SIMD is off or missing. */
  simd?: Simd;
  /** `tuneNeedle` once per needle for the whole scan: the days of a store look alike. */
  tune(needle: Needle, sample: Buffer): Needle;
  /** With `lend`: the memory the scan's runs are built in, again for each (each valid until the search is asked for more). */
  runs?: RunMemory;
}

/** Options of a search pool. */
export interface SearchPoolOptions {
  /** The scan's runs are lent: its reader takes each batch before asking for the next (`Reading.lend`). */
  lend?: boolean | undefined;
}

/**
 * A block pool whose first buffers sit in the WebAssembly memory; falls back to plain
 * buffers (and `Buffer#indexOf`) when it runs out, or where SIMD is off.
 *
 * @example
 * const pool = createSearchPool();
 * const buf = pool.take(); // a 1 MiB slot of the shared memory
 */
export function createSearchPool(options: SearchPoolOptions = {}): SearchPool {
  const tuned = new Map<string, Needle>();
  const tune = (needle: Needle, sample: Buffer): Needle => {
    const key = needle.bytes.toString("latin1");
    let t = tuned.get(key);
    if (!t) tuned.set(key, (t = tuneNeedle(needle, sample)));
    return t;
  };
  const fallback = createBlockPool();
  const simd = loadSimd();
  const runs = options.lend ? { runs: createRunMemory() } : {};
  if (!simd) return { ...fallback, tune, ...runs };
  const free: Buffer[] = Array.from({ length: SLOTS }, (_, k) => Buffer.from(simd.memory, k * SLOT_BYTES, SLOT_BYTES));
  return {
    simd,
    tune,
    ...runs,
    take: () => free.pop() ?? fallback.take(),
    give: (buf) => void (buf.buffer === simd.memory ? free.push(buf) : fallback.give(buf)),
  };
}

/** True when `buf` lives in the pool's WebAssembly memory, where the SIMD routines can read it. */
export function inMemory(buf: Buffer, pool: SearchPool | undefined): pool is SearchPool & { simd: Simd } {
  return pool?.simd !== undefined && buf.buffer === pool.simd.memory;
}
