/**
 * A filtered scan of a block in a few WebAssembly calls (block-match.wat): the candidate
 * search (every line when the filter has no needle), line bounds, the event check and
 * the filter's byte comparisons run there, and JavaScript handles only the lines that
 * pass, or those it must parse. Made because a cold first run spent more in the
 * per-line JavaScript than in the search.
 */
import type { ReadEvent } from "../store/read.js";
import type { ByteFilter } from "./byte-filter.js";
import { answerEnd, answerStart, answerTime, CheckedLine, type RunBuilder } from "./hits.js";
import type { Needle } from "./needle.js";
import { ANSWER, AT, MATCH_ANSWERS, SPEC, SPEC_BYTES, WANT } from "./wasm/layout.js";
import type { Simd } from "./wasm/load.js";

/** Parses a line the check left undecided: the hit, or undefined when it fails or is bad. */
export type ParseLine = (start: number, end: number) => ReadEvent | undefined;

/**
 * The hits of `buf[0, end)` (a buffer in the search's memory), in order: added to `run`
 * when every one passed the check, else returned as events. Moves the lines that
 * passed to the front of `buf`; `parse` sees the others first, where they stand.
 */
export type BlockMatcher = (buf: Buffer, end: number, needle: Needle | undefined, parse: ParseLine, run: RunBuilder) => ReadEvent[] | undefined;

/**
 * A block matcher for `filter` over buffers in `simd`'s memory (without a needle, every
 * line is a candidate); undefined when its values cannot be compared as bytes
 * (`ByteFilter.fields`) or, with the needle, do not fit the filter area.
 *
 * @example
 * const scan = createBlockMatcher(byteFilter, pool.simd!);
 * const events = scan?.(buf, end, tuned, (s, e) => parseAt(buf, s, e), builder); // undefined: all in builder
 */
export function createBlockMatcher(filter: ByteFilter, simd: Simd): BlockMatcher | undefined {
  const fields = filter.fields;
  if (!fields) return undefined;
  const { wants, own } = fields;
  const values = [...wants.map(([, v]) => v), ...(own ? [own] : [])];
  const valuesAt = SPEC.fields + wants.length * WANT.bytes;
  const needleAt = valuesAt + values.reduce((n, v) => n + v.length, 0);
  if (needleAt + (filter.needle?.bytes.length ?? 0) > SPEC_BYTES) return undefined;
  // The filter's part of the area, laid out once: the wanted fields, then their values.
  const image = Buffer.alloc(needleAt);
  let at = valuesAt;
  const place = (value: Buffer): number => {
    value.copy(image, at);
    at += value.length;
    return AT.spec + at - value.length;
  };
  const header = new Int32Array(image.buffer, image.byteOffset, valuesAt >> 2);
  wants.forEach(([field, value], k) => header.set([field, place(value), value.length], (SPEC.fields + k * WANT.bytes) >> 2));
  header.set([wants.length, own ? place(own) : 0, own?.length ?? 0, own ? 1 : 0], SPEC.wants >> 2);
  new Float64Array(image.buffer, image.byteOffset + SPEC.since, 2).set([filter.since, filter.until]);
  const spec = Buffer.from(simd.memory, AT.spec, SPEC_BYTES);
  const ints = new Int32Array(simd.memory, AT.spec, SPEC.fields >> 2);
  const answers = new Int32Array(simd.memory, AT.answers, (MATCH_ANSWERS * ANSWER.bytes) >> 2);
  return (buf, end, needle, parse, run) => {
    // The area is shared by every matcher of a pool: written again for each block.
    image.copy(spec, 0);
    if (needle) {
      needle.bytes.copy(spec, needleAt);
      ints.set([AT.spec + needleAt, needle.bytes.length, needle.o1, needle.bytes[needle.o1]!, needle.o2, needle.bytes[needle.o2]!], SPEC.needle >> 2);
    } else ints.set([AT.spec + needleAt, 0], SPEC.needle >> 2);
    const base = buf.byteOffset;
    // Answers count their lines' offsets from where the run will hold them.
    const shift = base - run.size;
    const metas: Uint8Array[] = [];
    const parsed = new Map<number, ReadEvent | undefined>();
    let [count, dst, last] = [0, base, -Infinity];
    for (let from = base; from < base + end; from = ints[SPEC.stoppedAt >> 2]!) {
      const n = simd.match(from, base + end, AT.spec, AT.record, AT.answers, MATCH_ANSWERS);
      // Parsed before `gather` moves lines over them.
      for (let k = 0; ints[SPEC.unsure >> 2]! > 0 && k < n; k++) {
        if (answers[(k * ANSWER.bytes + ANSWER.verdict) >> 2] === 2) parsed.set(count + k, parse(answerStart(answers, k) - base, answerEnd(answers, k) - base));
      }
      dst = simd.gather(AT.answers, n, dst, shift);
      last = simd.ordered(AT.answers, n, last);
      metas.push(new Uint8Array(simd.memory, AT.answers, n * ANSWER.bytes).slice());
      count += n;
    }
    const lines = buf.subarray(0, dst - base);
    if (parsed.size === 0) {
      run.add(lines, metas, last);
      return undefined;
    }
    // Some lines were parsed: the block's hits as events, in order.
    const bytes = Buffer.from(lines);
    const meta = joined(metas, count * ANSWER.bytes);
    const [at, times] = [new Int32Array(meta), new Float64Array(meta)];
    const hits: ReadEvent[] = [];
    for (let k = 0; k < count; k++) {
      const hit = parsed.has(k) ? parsed.get(k) : new CheckedLine(bytes, answerStart(at, k) - run.size, answerEnd(at, k) - run.size, answerTime(times, k));
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
