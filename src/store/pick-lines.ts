/**
 * The lines of a day that its index's postings name, gathered into blocks of their own
 * for the search: read one by one where they are far apart (read-lines.ts), else
 * copied out of the day read in runs of a megabyte (where they are close, a read per
 * line costs more than reading what lies between them). Only those lines are searched.
 */
import { closeSync, openSync, readSync } from "node:fs";
import type { DayFile } from "./layout.js";
import { describeFailure, lineBlocks, type BlockPool, type LineBlock, type OnFail } from "./read.js";
import { copyLinesAt, readLinesAt } from "./read-lines.js";

/** A day of which only some lines are wanted: the offsets of their starts, ascending, and of an open day the bytes its index covers (every line after them is wanted). */
export interface LinePick {
  starts: Float64Array;
  covered: number | undefined;
  /** The lines are far apart: each is read by itself (read-lines.ts) rather than the day whole. */
  sparse: boolean;
}

/**
 * The wanted lines of a day, read by this thread: one by one when sparse, else out of
 * the day read whole; then, of an open day, every line after what its index covers.
 *
 * @example
 * for await (const block of readPicked(file, pick, pool)) search(block);
 */
export async function* readPicked(file: DayFile, pick: LinePick, pool: BlockPool, onFail?: OnFail): AsyncGenerator<LineBlock> {
  if (!pick.sparse) return yield* pickLines(lineBlocks(file, 0, Infinity, pool, onFail), pick, pool);
  const { starts, covered } = pick;
  const out = pool.take();
  let [k, after] = [0, 0];
  let fd: number | undefined;
  try {
    fd = openSync(file.path, "r");
    while (k < starts.length) {
      const [next, used, end] = readLinesAt(readSync, fd, starts, k, out, 0, out.length, after);
      // A line longer than a buffer: the rest is picked from the day read whole.
      if (next === k) break;
      yield { buf: out, end: used, base: starts[k]! };
      [k, after] = [next, end];
    }
  } catch (err) {
    if (!onFail) throw err;
    onFail(...describeFailure(err, false));
    return;
  } finally {
    if (fd !== undefined) closeSync(fd);
    pool.give(out);
  }
  if (k < starts.length) yield* pickLines(lineBlocks(file, after, Infinity, pool, onFail), { ...pick, starts: starts.subarray(k) }, pool);
  else if (covered !== undefined) yield* lineBlocks(file, covered, Infinity, pool, onFail);
}

/**
 * The lines of `whole` (a day's blocks in file order) that start at one of
 * `pick.starts`, each followed by a newline, gathered into blocks of the pool's size
 * (each block's base the byte after its last line); every line at or after
 * `pick.covered` (an open day's bytes its index does not speak for) is passed on
 * whole. A block's buffer is reused after the next step, as `lineBlocks`' are.
 *
 * @example
 * for await (const block of pickLines(lineBlocks(file), { starts, covered: undefined, sparse: false }, pool)) search(block);
 */
export async function* pickLines(whole: AsyncIterable<LineBlock>, { starts, covered }: LinePick, pool: BlockPool): AsyncGenerator<LineBlock> {
  const out = pool.take();
  let [dst, k, after] = [0, 0, 0];
  try {
    for await (const { buf, end, base } of whole) {
      const stop = base + end;
      const limit = covered === undefined ? stop : Math.min(stop, covered);
      for (;;) {
        [k, dst, after] = copyLinesAt(buf, end, base, limit, starts, k, out, dst, after);
        if (k >= starts.length || starts[k]! >= limit) break;
        // The next line does not fit: what is gathered goes on, or, with nothing gathered, the line is longer than a buffer and goes on by itself.
        if (dst > 0) {
          yield { buf: out, end: dst, base: after };
          dst = 0;
          continue;
        }
        const s = starts[k++]! - base;
        const nl = buf.indexOf(0x0a, s);
        const e = nl === -1 || nl > end ? end : nl;
        yield { buf: buf.subarray(s), end: e - s, base: base + s };
      }
      if (limit < stop) {
        if (dst > 0) yield { buf: out, end: dst, base: after };
        dst = 0;
        const from = Math.max(0, limit - base);
        yield { buf: buf.subarray(from), end: end - from, base: base + from };
      }
    }
    if (dst > 0) yield { buf: out, end: dst, base: after };
  } finally {
    pool.give(out);
  }
}

/** The union of two ascending lists, ascending, without repeats. */
export function unionOf(a: Float64Array, b: Float64Array): Float64Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Float64Array(a.length + b.length);
  let [i, j, n] = [0, 0, 0];
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (n === 0 || out[n - 1] !== x) out[n++] = x;
  }
  return out.subarray(0, n);
}

/** The intersection of two ascending lists. */
export function intersectionOf(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(Math.min(a.length, b.length));
  let [i, j, n] = [0, 0, 0];
  while (i < a.length && j < b.length) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else (out[n++] = a[i]!), i++, j++;
  }
  return out.subarray(0, n);
}
