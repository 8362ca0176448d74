/**
 * A filtered scan of a block in a few WebAssembly calls (match.wat): the candidate
 * search, line bounds, the event check and the filter's byte comparisons run there,
 * and JavaScript handles only the lines that pass, or those it must parse. Made
 * because a cold first run spent more in the per-line JavaScript than in the search.
 */
import { needleFor, type Filter } from "./filter.js";
import type { Needle } from "./needle.js";
import { wantedFields } from "./event-check.js";
import { MATCH_ANSWERS, SPEC_BYTES, type Simd } from "./simd.js";

/** Told of each line of a block that holds the needle: `sure` true when it passed, false when JSON.parse must decide. */
export type OnLine = (start: number, end: number, sure: boolean, timestamp: number) => void;

/** Scans `buf[0, end)` (a buffer in the search's memory) for the lines of the filter, in order. */
export type BlockMatcher = (buf: Buffer, end: number, needle: Needle, onLine: OnLine) => void;

const WANTS = 64;

/**
 * A block matcher for `filter` (one with a needle) over buffers in `simd`'s memory;
 * undefined when its values cannot be compared as bytes (see `wantedFields`) or,
 * with the needle, do not fit the filter area.
 *
 * @example
 * const scan = createBlockMatcher({ agent: "haiku-1" }, pool.simd!);
 * scan?.(buf, end, tuned, (s, e, sure, ts) => (sure ? keep(s, e, ts) : parse(s, e)));
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
  return (buf, end, needle, onLine) => {
    // The area is shared by every matcher of a pool: written again for each block.
    image.copy(spec, 0);
    needle.bytes.copy(spec, needleAt);
    ints.set([simd.spec + needleAt, needle.bytes.length, needle.o1, needle.bytes[needle.o1]!, needle.o2, needle.bytes[needle.o2]!]);
    const base = buf.byteOffset;
    for (let from = base; from < base + end; from = ints[14]!) {
      const n = simd.match(from, base + end, simd.spec, simd.record, simd.answers, MATCH_ANSWERS);
      for (let k = 0; k < n; k++) onLine(answers[k * 6]! - base, answers[k * 6 + 1]! - base, answers[k * 6 + 2] === 1, stamps[k * 3 + 2]!);
    }
  };
}
