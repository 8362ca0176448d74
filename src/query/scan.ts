import type { TraceEvent } from "../event.js";
import { listDayFiles, type DayFile } from "../store/layout.js";
import { statSync } from "node:fs";
import { lineBlocks, readEvents, type LineBlock, type ReadEvent } from "../store/read.js";
import { startReadAhead, type ReadAhead } from "../store/read-ahead.js";
import { matches, needleFor, type Filter } from "./filter.js";
import { createBadLines, eachLine, parseAt, type BadReport } from "./lines.js";
import { eachCandidate } from "./needle.js";
import { createLineMatcher, type OnLine } from "./event-check.js";
import { createBlockHits, createRunBuilder, type Hits } from "./hits.js";
import { createBlockMatcher } from "./match.js";
import { createSearchPool, type SearchPool } from "./simd.js";
import { flatten, reorderBatches, REORDER_WINDOW_MS } from "./reorder.js";
import { seekTime } from "./seek.js";

const SMALL_BATCH = 512;
/** The block matcher's lines are passed on together, up to this many blocks or bytes. */
const JOIN_BLOCKS = 16;
const JOIN_BYTES = 1 << 20;

/** Where and how to scan. */
export interface ScanOptions {
  /** Store folder. */
  dir: string;
  filter?: Filter;
  /** Read every line with split2 + JSON.parse (the reference path the fast one must equal). */
  plain?: boolean;
  /** Told once per file that had bad lines. */
  onBad?: (report: BadReport) => void;
  /**
   * With a value to search for, read the day files ahead on a helper thread when they
   * hold at least this many bytes (default 64 MiB: below it the thread's start costs
   * more than it saves); 0 hands the helper every file, Infinity never starts it. A scan
   * that parses every line gains nothing from it: its reads are a tenth of its time.
   */
  readAhead?: number;
}

const READ_AHEAD_BYTES = 64 << 20;

/**
 * The events of a store that pass the filter, in (timestamp, id) order within the
 * reorder window, each with its stored line. Opens only the day files the time range
 * can touch, seeks to `since` inside a plain file, and with a value filter parses only
 * the lines that hold its needle.
 *
 * @example
 * for await (const { event } of scan({ dir, filter: { agent: "haiku-1" } })) console.log(event.id);
 */
export async function* scan(options: ScanOptions): AsyncGenerator<ReadEvent> {
  yield* flatten(scanBatches(options));
}

/** `scan` a block at a time: one await per block rather than per event, for the CLI's hot loop. */
export async function* scanBatches(options: ScanOptions): AsyncGenerator<Hits> {
  const filter = options.filter ?? {};
  const files = listDayFiles(options.dir, { from: filter.since, to: filter.until });
  const pool = createSearchPool();
  // With `since`, the first file is sought into, by this thread: the helper reads the rest.
  const from = filter.since !== undefined ? 1 : 0;
  const ahead = options.plain || !needleFor(filter) ? undefined : readAheadFor(files.slice(from), pool, options.readAhead ?? READ_AHEAD_BYTES);
  try {
    for (const [i, file] of files.entries()) {
      if (options.plain) yield* reorderBatches(plainFile(file, (e) => matches(filter, e), options.onBad));
      else yield* reorderBatches(fastFile(file, filter, { onBad: options.onBad, pool, blocks: i >= from ? ahead?.blocks(i - from) : undefined }));
    }
  } finally {
    ahead?.close();
  }
}

/** A read-ahead helper when `files` hold at least `min` bytes (plain files; `.gz` are read here). */
function readAheadFor(files: DayFile[], pool: SearchPool, min: number): ReadAhead | undefined {
  if (!pool.simd || min === Infinity) return undefined;
  let bytes = 0;
  for (const f of files) if (!f.gz && bytes < min) bytes += statSync(f.path, { throwIfNoEntry: false })?.size ?? 0;
  return files.length > 0 && bytes >= min ? startReadAhead(files, pool, pool.simd.memory, min === 0) : undefined;
}

/** The plain reader of one file: the events `accept` keeps, bad lines told once at the end. */
export async function* plainFile(file: DayFile, accept: (e: TraceEvent) => boolean, onBad: ScanOptions["onBad"]): AsyncGenerator<ReadEvent[]> {
  const lines: number[] = [];
  let count = 0;
  for await (const hit of readEvents(file, (bad) => {
    count++;
    if (lines.length < 5) lines.push(bad.line);
  })) {
    if (accept(hit.event)) yield [hit];
  }
  if (count > 0) onBad?.({ file: file.path, count, lines });
}

/** Options of the fast reader of one file. */
export interface FileScanOptions {
  onBad?: ScanOptions["onBad"];
  /** Read a plain file only up to this byte (follow's snapshot). */
  end?: number;
  /** Buffers shared by the files of one scan. */
  pool?: SearchPool;
  /** The file's blocks from a read-ahead helper, instead of reading them here. */
  blocks?: AsyncIterable<LineBlock> | undefined;
}

/** The fast reader of one file: matching events a block at a time, in file order. */
export async function* fastFile(file: DayFile, filter: Filter, options: FileScanOptions = {}): AsyncGenerator<Hits> {
  const needle = needleFor(filter);
  const bad = createBadLines(file);
  const start = filter.since !== undefined && !file.gz && !options.blocks ? seekTime(file.path, filter.since - REORDER_WINDOW_MS) : 0;
  const pool = options.pool ?? createSearchPool();
  const simd = pool.simd;
  const block = simd && needle ? createBlockMatcher(filter, simd) : undefined;
  // The line matcher is for what the block matcher does not take: scans without a needle, or values it cannot compare.
  const quick = simd && !block ? createLineMatcher(filter, simd.check, simd.memory, simd.record) : undefined;
  const hits = createBlockHits();
  // The block matcher's lines, gathered over blocks until there are enough to pass on.
  const run = createRunBuilder();
  let gathered = 0;
  // The helper reads from the file's start: `since` is still applied line by line.
  for await (const { buf, end, base } of options.blocks ?? lineBlocks(file, start, options.end, pool)) {
    const parse = (s: number, e: number): ReadEvent | undefined => {
      const hit = parseAt(buf, s, e);
      if (!hit) bad.add(base + s);
      return hit && matches(filter, hit.event) ? hit : undefined;
    };
    const inMemory = buf.buffer === simd?.memory;
    if (needle && block && inMemory) {
      const events = block(buf, end, pool.tune(needle, buf.subarray(0, end)), parse, run);
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

/** Formats a bad-line report as the one stderr line the reader promises. */
export function formatBadReport(r: BadReport): string {
  const more = r.count > r.lines.length ? ", …" : "";
  return `${r.file}:${r.lines[0]}: skipped ${r.count} bad line${r.count === 1 ? "" : "s"} (line${r.lines.length === 1 ? "" : "s"} ${r.lines.join(", ")}${more})`;
}
