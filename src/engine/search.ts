/**
 * The search of one day file: its blocks, each through the block matcher where the
 * filter's bytes can decide (one WebAssembly call per block), else candidate lines
 * through the line check, else every line parsed; hits come out a block (or a run of
 * blocks) at a time, in file order.
 */
import type { DayFile } from "../store/layout.js";
import { lineBlocks, type LineBlock, type OnFail, type ReadEvent } from "../store/read.js";
import { createBlockMatcher } from "./block-match.js";
import type { ByteFilter } from "./byte-filter.js";
import { eachCandidate } from "./positions.js";
import { createBlockHits, createRunBuilder, type Hits } from "./hits.js";
import { createLineMatcher, type OnLine } from "./line-check.js";
import { createBadLines, eachLine, parseAt, type BadReport } from "../store/lines.js";
import { createSearchPool, type SearchPool } from "./pool.js";
import { AT } from "./wasm/layout.js";

const SMALL_BATCH = 512;
/** The block matcher's lines are passed on together, up to this many blocks or bytes. */
const JOIN_BLOCKS = 16;
const JOIN_BYTES = 1 << 20;

/** Options of the search of one file. */
export interface SearchOptions {
  /** Told once when the file had bad lines. */
  onBad?: ((report: BadReport) => void) | undefined;
  /** Read a plain file from this byte (a line start: where a time seek landed). */
  start?: number;
  /** Read a plain file only up to this byte (follow's snapshot). */
  end?: number;
  /** Buffers shared by the files of one scan. */
  pool?: SearchPool;
  /** The file's blocks from a read-ahead helper, instead of reading them here (`onFail` as for `lineBlocks`). */
  blocks?: ((onFail: OnFail) => AsyncIterable<LineBlock>) | undefined;
}

/**
 * The hits of one file that pass `filter`, a block at a time, in file order.
 *
 * @example
 * for await (const hits of searchFile(file, byteFilter, { pool })) for (const { line } of eventsOf(hits)) console.log(line);
 */
export async function* searchFile(file: DayFile, filter: ByteFilter, options: SearchOptions = {}): AsyncGenerator<Hits> {
  const needle = filter.needle;
  const bad = createBadLines(file);
  const pool = options.pool ?? createSearchPool();
  const simd = pool.simd;
  const block = simd ? createBlockMatcher(filter, simd) : undefined;
  // The line matcher is for what the block matcher does not take: values it cannot compare as bytes, or too long for its area.
  const quick = simd && !block ? createLineMatcher(filter, simd.check, simd.memory, AT.record) : undefined;
  const hits = createBlockHits();
  // The block matcher's lines, gathered over blocks until there are enough to pass on.
  const run = createRunBuilder(pool.runs);
  let gathered = 0;
  const start = file.gz || options.blocks ? 0 : options.start ?? 0;
  for await (const { buf, end, base } of options.blocks?.(bad.fail) ?? lineBlocks(file, start, options.end, pool, bad.fail)) {
    const parse = (s: number, e: number): ReadEvent | undefined => {
      const hit = parseAt(buf, s, e);
      if (!hit) bad.add(base + s);
      return hit && filter.accept(hit.event) ? hit : undefined;
    };
    const inMemory = buf.buffer === simd?.memory;
    if (block && inMemory) {
      const events = block(buf, end, needle && pool.tune(needle, buf.subarray(0, end)), parse, run);
      if (events && run.count > 0) yield run.take();
      if (events && events.length > 0) yield events;
      if (run.count > 0 && (++gathered % JOIN_BLOCKS === 0 || run.size >= JOIN_BYTES)) yield run.take();
      continue;
    }
    // A block the matcher cannot take (a long line's buffer is outside its memory): what it gathered goes first.
    if (run.count > 0) yield run.take();
    const onLine: OnLine = (s, e, sure, timestamp) => {
      if (sure) return hits.sure(s, e, timestamp);
      const hit = parse(s, e);
      if (hit) hits.parsed(hit);
    };
    const visit = (s: number, e: number): void => (inMemory && quick ? quick(buf, s, e, onLine) : onLine(s, e, false, NaN));
    if (needle) eachCandidate(buf, end, pool.tune(needle, buf.subarray(0, end)), pool, visit);
    else {
      // Every line parses: hand them on in small batches so few parsed events are alive at once.
      for (let from = 0; from < end; ) {
        from = eachLine(buf, end, visit, from, SMALL_BATCH);
        const batch = hits.take(buf);
        if (batch.length > 0) yield batch;
      }
    }
    const batch = hits.take(buf);
    if (batch.length > 0) yield batch;
  }
  if (run.count > 0) yield run.take();
  const report = await bad.finish();
  if (report) options.onBad?.(report);
}
