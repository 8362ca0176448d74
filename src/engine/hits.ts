/**
 * What a scan finds, as it passes from the block readers through the reorder window to
 * the output: lines the byte check accepted are kept as bytes, a block's together in
 * one buffer, and their text and events are made only when asked for. A block whose
 * hits all passed the check travels as one `CheckedRun`, so that `--json` writes it
 * without a step per line: a cold process spent more on those steps than on the search.
 */
import type { TraceEvent } from "../event/envelope.js";
import type { ReadEvent } from "../store/read.js";
import { ANSWER } from "./wasm/layout.js";

/** Answer k's line start in match.wat's answers seen as i32s (layout.ts's ANSWER). */
export const answerStart = (ints: Int32Array, k: number): number => ints[(k * ANSWER.bytes + ANSWER.start) >> 2]!;
/** Answer k's line end. */
export const answerEnd = (ints: Int32Array, k: number): number => ints[(k * ANSWER.bytes + ANSWER.end) >> 2]!;
/** Answer k's timestamp in the answers seen as doubles. */
export const answerTime = (stamps: Float64Array, k: number): number => stamps[(k * ANSWER.bytes + ANSWER.timestamp) >> 3]!;

/**
 * A line the check accepted: `bytes[start, end)`, followed by a newline at `bytes[end]`.
 * Its text and its event are made when first asked for. It shares its block's buffer
 * until `own` gives it bytes of its own (its bytes and offsets change then, not its line).
 */
export class CheckedLine implements ReadEvent {
  #line: string | undefined;
  #event: TraceEvent | undefined;
  /** Set while a reorder window holds it: lines held past their block are given their own bytes. */
  held = false;
  /** The store it was read from, when a query reads several. */
  store: string | undefined = undefined;
  constructor(
    public bytes: Buffer,
    public start: number,
    public end: number,
    readonly timestamp: number,
  ) {}
  /** Copies its line (and newline) out of the shared buffer, which it then no longer keeps alive. */
  own(): void {
    if (this.start === 0 && this.end + 1 === this.bytes.length) return;
    this.bytes = Buffer.from(this.bytes.subarray(this.start, this.end + 1));
    this.end -= this.start;
    this.start = 0;
  }
  get line(): string {
    return (this.#line ??= this.bytes.toString("utf8", this.start, this.end));
  }
  get event(): TraceEvent {
    return (this.#event ??= JSON.parse(this.line) as TraceEvent);
  }
}

/**
 * Lines that passed the check, in file order: `bytes` holds them each followed by a
 * newline; `ints` and `stamps` are match.wat's answers for them (line k from
 * `answerStart` to `answerEnd`, its `answerTime`). Items `from` to `to` are this run's;
 * `inOrder` when their timestamps rise strictly.
 */
export class CheckedRun {
  constructor(
    readonly bytes: Buffer,
    readonly ints: Int32Array,
    readonly stamps: Float64Array,
    readonly from: number,
    readonly to: number,
    readonly inOrder: boolean,
  ) {}
  get length(): number {
    return this.to - this.from;
  }
  /** The timestamp of the run's item k. */
  timestamp(k: number): number {
    return answerTime(this.stamps, this.from + k);
  }
  /** Items [from, to) of this run, as a run. */
  slice(from: number, to = this.length): CheckedRun {
    return new CheckedRun(this.bytes, this.ints, this.stamps, this.from + from, this.from + to, this.inOrder);
  }
  /** The run's lines as NDJSON: a view of its bytes. */
  ndjson(): Buffer {
    if (this.to === this.from) return this.bytes.subarray(0, 0);
    return this.bytes.subarray(answerStart(this.ints, this.from), answerEnd(this.ints, this.to - 1) + 1);
  }
  [Symbol.iterator](): Iterator<CheckedLine> {
    return this.events()[Symbol.iterator]();
  }
  /** The run's lines one by one. */
  events(): CheckedLine[] {
    const out: CheckedLine[] = [];
    for (let k = this.from; k < this.to; k++) out.push(new CheckedLine(this.bytes, answerStart(this.ints, k), answerEnd(this.ints, k), answerTime(this.stamps, k)));
    return out;
  }
}

/** Gathers the runs of consecutive blocks into one, so that the layers above a scan take one step for many blocks. */
export interface RunBuilder {
  /** Bytes gathered so far: where the next block's lines will stand. */
  readonly size: number;
  /** Lines gathered so far. */
  readonly count: number;
  /**
   * Appends a block's lines (`bytes`, their answers in `metas` with offsets already
   * counted from `size`); `last` is the block's last timestamp when its lines rise
   * strictly, else NaN.
   */
  add(bytes: Uint8Array, metas: readonly Uint8Array[], last: number): void;
  /** The run gathered so far; starts afresh. */
  take(): CheckedRun;
}

/**
 * Buffers a run builder writes into again after each `take`, kept across the files of
 * one scan: a run made in them is lent, valid only until its search is asked for the next
 * batch. Fresh pages cost about 15 µs each to touch on the machines measured, more than
 * the copy into them (docs/performance.md).
 */
export interface RunMemory {
  bytes: Uint8Array;
  meta: Uint8Array;
}

/** Empty run memory for `createRunBuilder`: it grows to what the scan's runs need. */
export function createRunMemory(): RunMemory {
  return { bytes: new Uint8Array(0), meta: new Uint8Array(0) };
}

/**
 * A run builder: the bytes and answers of each block are copied once, into buffers
 * that grow by doubling; fresh ones for each run, or `lent`'s again and again.
 *
 * @example
 * const builder = createRunBuilder();
 * builder.add(lines, [answers], 1792736832323);
 * const run = builder.take();
 */
export function createRunBuilder(lent?: RunMemory): RunBuilder {
  let bytes: Uint8Array = lent?.bytes ?? new Uint8Array(0);
  let meta: Uint8Array = lent?.meta ?? new Uint8Array(0);
  let [size, count, last, inOrder] = [0, 0, -Infinity, true];
  // The first buffer is large enough for most runs (`first` bytes): growing copies, and
  // pages not written to are never touched, so a large one costs no more than a small one.
  const room = (buf: Uint8Array, need: number, first: number): Uint8Array => {
    if (need <= buf.length) return buf;
    // Not zeroed: only what is copied in is ever read.
    const bigger = Buffer.allocUnsafe(Math.max(need, buf.length * 2, first));
    bigger.set(buf);
    return bigger;
  };
  return {
    get size() {
      return size;
    },
    get count() {
      return count;
    },
    add(lines, metas, blockLast) {
      const start = count;
      bytes = room(bytes, size + lines.length, 2 << 20);
      bytes.set(lines, size);
      size += lines.length;
      meta = room(meta, count * ANSWER.bytes + metas.reduce((n, part) => n + part.length, 0), 256 << 10);
      for (const part of metas) {
        meta.set(part, count * ANSWER.bytes);
        count += part.length / ANSWER.bytes;
      }
      if (count === start) return;
      // In order when each block is, and each starts after the one before ends.
      const first = new Float64Array(meta.buffer, meta.byteOffset + start * ANSWER.bytes + ANSWER.timestamp, 1)[0]!;
      inOrder &&= !Number.isNaN(blockLast) && first > last;
      last = blockLast;
    },
    take() {
      const ints = new Int32Array(meta.buffer, meta.byteOffset, (count * ANSWER.bytes) >> 2);
      const stamps = new Float64Array(meta.buffer, meta.byteOffset, (count * ANSWER.bytes) >> 3);
      const run = new CheckedRun(Buffer.from(bytes.buffer, bytes.byteOffset, size), ints, stamps, 0, count, inOrder);
      if (lent) [lent.bytes, lent.meta] = [bytes, meta];
      else [bytes, meta] = [new Uint8Array(0), new Uint8Array(0)];
      [size, count, last, inOrder] = [0, 0, -Infinity, true];
      return run;
    },
  };
}

/**
 * A hit that holds only its own bytes: a checked line keeps its whole run alive (up to
 * 2 MiB), which matters when many are kept for long, as `-n` does.
 */
export function detach(hit: ReadEvent): ReadEvent {
  if (!(hit instanceof CheckedLine)) return hit;
  const own = new CheckedLine(Buffer.from(hit.bytes.subarray(hit.start, hit.end + 1)), 0, hit.end - hit.start, hit.timestamp);
  own.store = hit.store;
  return own;
}

/** The bytes of a hit's stored line, without its newline: counted, never decoded. */
export function lineBytes(hit: ReadEvent): number {
  return hit instanceof CheckedLine ? hit.end - hit.start : hit.bytes ? hit.bytes.length : Buffer.byteLength(hit.line);
}

/** Hits in order: events, or a run of checked lines. */
export type Hits = ReadEvent[] | CheckedRun;

/** The events of `hits`, one by one. */
export function eventsOf(hits: Hits): ReadEvent[] {
  return hits instanceof CheckedRun ? hits.events() : hits;
}

/** One block's hits in file order: sure lines as spans of the block, the rest as parsed events. */
export interface BlockHits {
  /** A line of the block the check accepted. */
  sure(start: number, end: number, timestamp: number): void;
  /** A line that was parsed and passed. */
  parsed(hit: ReadEvent): void;
  /** The hits so far, their sure lines copied out of `block` (which may then be reused); starts afresh. */
  take(block: Buffer): ReadEvent[];
}

/**
 * Gathers a block's hits; `take` copies all its sure lines into one new buffer, each
 * followed by a newline, so that neighbours in it are one run of NDJSON.
 *
 * @example
 * const hits = createBlockHits();
 * hits.sure(0, 120, 1792736832323);
 * const batch = hits.take(block); // [CheckedLine]
 */
export function createBlockHits(): BlockHits {
  let out: (ReadEvent | undefined)[] = [];
  // start, end, timestamp and place in `out` of each sure line.
  let spans: number[] = [];
  let size = 0;
  return {
    sure(start, end, timestamp) {
      spans.push(start, end, timestamp, out.length);
      out.push(undefined);
      size += end - start + 1;
    },
    parsed(hit) {
      out.push(hit);
    },
    take(block) {
      if (spans.length > 0) {
        const bytes = Buffer.allocUnsafe(size);
        let at = 0;
        for (let k = 0; k < spans.length; ) {
          // Lines that stand one after another in the block, each ended by its newline there, go in one copy.
          let j = k;
          while (j + 4 < spans.length && spans[j + 4] === spans[j + 1]! + 1 && block[spans[j + 1]!] === 0x0a) j += 4;
          const from = spans[k]!;
          block.copy(bytes, at, from, spans[j + 1]!);
          for (; k <= j; k += 4) {
            const start = at + spans[k]! - from;
            const end = at + spans[k + 1]! - from;
            bytes[end] = 0x0a;
            out[spans[k + 3]!] = new CheckedLine(bytes, start, end, spans[k + 2]!);
          }
          at += spans[j + 1]! - from + 1;
        }
      }
      const batch = out as ReadEvent[];
      out = [];
      spans = [];
      size = 0;
      return batch;
    },
  };
}
