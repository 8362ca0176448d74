/**
 * Loads the engine's WebAssembly module (the sources `modules.ts` lists, linked into one
 * by the build) over one shared memory. `TRACE_SIMD=off` (or a runtime without
 * WebAssembly SIMD) loads nothing: every search then takes its JavaScript twin, as
 * simdjson's forced kernel lets every test run on each path.
 */
import { readFileSync } from "node:fs";
import { PAGES } from "./layout.js";
import { ENGINE_WASM } from "./modules.js";

/** The check of line-check.wat: 1 when [s, e) is an object it could map into the record at `out`, 0 when not sure. */
export type CheckFn = (s: number, e: number, out: number) => number;

/** The loaded modules' exports over one shared memory, and where its regions start (layout.ts). */
export interface Simd {
  /** The memory's bytes, where the block buffers live: shared, so that the read-ahead thread can fill them. */
  memory: SharedArrayBuffer;
  /** needle.wat: the next place at or after `from` where the pair (or byte b3) stands. */
  next(from: number, end: number, o1: number, b1: number, o2: number, b2: number, b3: number): number;
  /** needle.wat: up to `max` places where the pair stands, as i32s at `out`; returns how many. */
  collect(from: number, end: number, o1: number, b1: number, o2: number, b2: number, out: number, max: number): number;
  /** line-check.wat's event check. */
  check: CheckFn;
  /** peek.wat: the next line that may be a child of an id in the bitset; its end goes to `out`. */
  child(from: number, end: number, o1: number, b1: number, o2: number, b2: number, bits: number, out: number): number;
  /** block-match.wat: a filtered block scan; returns how many answers it wrote. */
  match(from: number, end: number, spec: number, rec: number, out: number, max: number): number;
  /** block-match.wat: moves the lines of `n` answers that passed to `dst` onward; returns where the next goes. */
  gather(out: number, n: number, dst: number, base: number): number;
  /** block-match.wat: the last timestamp of `n` answers when they rise strictly from `prev`, else NaN. */
  ordered(out: number, n: number, prev: number): number;
}

/** True unless `TRACE_SIMD=off` forces the JavaScript paths. */
export function simdWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.TRACE_SIMD !== "off";
}

/**
 * The module's functions over a new shared memory of the layout's size; undefined when
 * SIMD is switched off or the runtime cannot load it (the callers then search in JavaScript).
 *
 * @example
 * const simd = loadSimd();
 * if (simd) simd.next(0, 100, 0, 0x22, 1, 0x61, 0x5c);
 */
export function loadSimd(): Simd | undefined {
  if (!simdWanted()) return undefined;
  try {
    const memory = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES, shared: true });
    const bytes = readFileSync(new URL(`./${ENGINE_WASM}.wasm`, import.meta.url));
    const fn = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem: memory } }).exports;
    return {
      memory: memory.buffer as SharedArrayBuffer,
      next: fn.next as Simd["next"],
      collect: fn.collect as Simd["collect"],
      check: fn.check as Simd["check"],
      child: fn.child as Simd["child"],
      match: fn.match as Simd["match"],
      gather: fn.gather as Simd["gather"],
      ordered: fn.ordered as Simd["ordered"],
    };
  } catch {
    return undefined;
  }
}
