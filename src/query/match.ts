/**
 * A filtered scan of a block in a few WebAssembly calls (match.wat): the candidate
 * search, line bounds, the event check and the filter's byte comparisons run there,
 * and JavaScript handles only the lines that pass, or those it must parse. Made
 * because a cold first run spent more in the per-line JavaScript than in the search.
 */
import { needleFor, type Filter } from "./filter.js";
import type { Needle } from "./needle.js";
import type { ReadEvent } from "../store/read.js";
import { wantedFields } from "./event-check.js";
import { CheckedLine, type RunBuilder } from "./hits.js";
import { MATCH_ANSWERS, SPEC_BYTES, type Simd } from "./simd.js";

/** Parses a line the check left undecided: the hit, or undefined when it fails or is bad. */
export type ParseLine = (start: number, end: number) => ReadEvent | undefined;

/**
 * The hits of `buf[0, end)` (a buffer in the search's memory), in order: added to `run`
 * when every one passed the check, else returned as events. Moves the lines that
 * passed to the front of `buf`; `parse` sees the others first, where they stand.
 */
export type BlockMatcher = (buf: Buffer, end: number, needle: Needle, parse: ParseLine, run: RunBuilder) => ReadEvent[] | undefined;

const WANTS = 64;

/**
 * A block matcher for `filter` (one with a needle) over buffers in `simd`'s memory;
 * undefined when its values cannot be compared as bytes (see `wantedFields`) or,
 * with the needle, do not fit the filter area.
 *
 * @example
 * const scan = createBlockMatcher({ agent: "haiku-1" }, pool.simd!);
 * const events = scan?.(buf, end, tuned, (s, e) => parseAt(buf, s, e), builder); // undefined: all in builder
 */
export function createBlockMatcher(filter: Filter, simd: Simd): BlockMatcher | undefined {
  const fields = wantedFields(filter);
  if (!fields) return undefined;
  const { wants, own } = fields;
  const values = [...wants.map(([, v]) => v), ...(own ? [own] : [])];
  const needleAt = WANTS + wants.length * 12 + values.reduce((n, v) => n + v.length, 0);
  const needle = needleFor(filter);
  if (!needle || needleAt + needle.bytes.length > SPEC_BYTES) return undefined;
  // The filter's part of the area, laid out once: the wanted fields, then their values.
  const image = Buffer.alloc(needleAt);
  let at = WANTS + wants.length * 12;
  const place = (value: Buffer): number => {
    value.copy(image, at);
    at += value.length;
    return simd.spec + at - value.length;
  };
  const header = new Int32Array(image.buffer, image.byteOffset, (WANTS >> 2) + wants.length * 3);
  wants.forEach(([field, value], k) => header.set([field, place(value), value.length], (WANTS >> 2) + k * 3));
  header.set([wants.length, own ? place(own) : 0, own?.length ?? 0, own ? 1 : 0], 6);
  new Float64Array(image.buffer, image.byteOffset + 40, 2).set([filter.since ?? -Infinity, filter.until ?? Infinity]);
  const spec = Buffer.from(simd.memory, simd.spec, SPEC_BYTES);
  const ints = new Int32Array(simd.memory, simd.spec, WANTS >> 2);
  const answers = new Int32Array(simd.memory, simd.answers, MATCH_ANSWERS * 6);
  const stamps = new Float64Array(simd.memory, simd.answers, MATCH_ANSWERS * 3);
  return (buf, end, needle, parse, run) => {
    // The area is shared by every matcher of a pool: written again for each block.
    image.copy(spec, 0);
    needle.bytes.copy(spec, needleAt);
    ints.set([simd.spec + needleAt, needle.bytes.length, needle.o1, needle.bytes[needle.o1]!, needle.o2, needle.bytes[needle.o2]!]);
    const base = buf.byteOffset;
    // Answers count their lines' offsets from where the run will hold them.
    const shift = base - run.size;
    const metas: Uint8Array[] = [];
    const parsed = new Map<number, ReadEvent | undefined>();
    let [count, dst, last] = [0, base, -Infinity];
    for (let from = base; from < base + end; from = ints[14]!) {
      const n = simd.match(from, base + end, simd.spec, simd.record, simd.answers, MATCH_ANSWERS);
      // Parsed before `gather` moves lines over them.
      for (let k = 0; ints[15]! > 0 && k < n; k++) if (answers[k * 6 + 2] === 2) parsed.set(count + k, parse(answers[k * 6]! - base, answers[k * 6 + 1]! - base));
      dst = simd.gather(simd.answers, n, dst, shift);
      last = simd.ordered(simd.answers, n, last);
      metas.push(new Uint8Array(simd.memory, simd.answers, n * 24).slice());
      count += n;
    }
    const lines = buf.subarray(0, dst - base);
    if (parsed.size === 0) {
      run.add(lines, metas, last);
      return undefined;
    }
    // Some lines were parsed: the block's hits as events, in order.
    const bytes = Buffer.from(lines);
    const meta = joined(metas, count * 24);
    const [at, times] = [new Int32Array(meta), new Float64Array(meta)];
    const hits: ReadEvent[] = [];
    for (let k = 0; k < count; k++) {
      const hit = parsed.has(k) ? parsed.get(k) : new CheckedLine(bytes, at[k * 6]! - run.size, at[k * 6 + 1]! - run.size, times[k * 3 + 2]!);
      if (hit) hits.push(hit);
    }
    return hits;
  };
}

/** The bytes of `parts` in one new ArrayBuffer of `size` bytes. */
function joined(parts: Uint8Array[], size: number): ArrayBuffer {
  const all = new Uint8Array(size);
  parts.reduce((at, part) => (all.set(part, at), at + part.length), 0);
  return all.buffer;
}
