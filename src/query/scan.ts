/** A filtered scan of a store: which day files, in which order, read how, through the reorder window. */
import { statSync } from "node:fs";
import { createSearchPool, searchFile, type Hits, type SearchPool } from "../engine/facade.js";
import { type BadReport } from "../store/lines.js";
import type { TraceEvent } from "../event/envelope.js";
import { listDayFiles, type DayFile } from "../store/layout.js";
import { startReadAhead, type ReadAhead } from "../store/read-ahead.js";
import type { LinePick } from "../store/pick-lines.js";
import { describeFailure, readEvents, type LineBlock, type OnFail, type ReadEvent } from "../store/read.js";
import { seekTime } from "../store/seek.js";
import { matches, toByteFilter, type Filter } from "./filter.js";
import { blocksOf, filterSource, storeFiltersFor, type IndexOption } from "./indexed.js";
import type { StoreFilters } from "../day-index/facade.js";
import type { Redactor } from "./redactor.js";
import { reorderBatches, REORDER_WINDOW_MS } from "../engine/facade.js";
import { flatten } from "./batches.js";

/** Where and how to scan. */
export interface ScanOptions {
  /** Store folder. */
  dir: string;
  filter?: Filter;
  /** Read every line with split2 + JSON.parse (the reference path the fast one must equal). */
  plain?: boolean | undefined;
  /** Told once per file that had bad lines. */
  onBad?: ((report: BadReport) => void) | undefined;
  /**
   * With a value to search for, read the day files ahead on a helper thread when they
   * hold at least this many bytes (default 64 MiB: below it the thread's start costs
   * more than it saves); 0 hands the helper every file, Infinity never starts it. A scan
   * that parses every line gains nothing from it: its reads are a tenth of its time.
   */
  readAhead?: number | undefined;
  /** What is shown of each hit: the store's masking policy and tombstones, a day file at a time. */
  redactor?: Redactor | undefined;
  /** The indexes of sealed days: used unless `false` (indexed.ts). */
  index?: IndexOption;
  /** Batches may be lent: each valid only until the next is asked for (`Read.lend`). */
  lend?: boolean | undefined;
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
  const pool = createSearchPool({ lend: options.lend });
  const bytes = toByteFilter(filter);
  // With `since`, the first file is sought into, by this thread: the helper reads the rest.
  const from = filter.since !== undefined ? 1 : 0;
  // Days an index answers for are read here, a few blocks each; the helper reads the rest.
  const days = options.plain ? undefined : storeFiltersFor(options.dir, options.index);
  const indexed = files.map((f) => (options.plain ? undefined : filterSource(f, filter, options.index, pool, days)));
  // Days of picked lines are read on both threads, two of three by the helper: this thread also searches them all.
  let picked = 0;
  const helped = files.map((f, i) => i >= from && (indexed[i] === undefined || (typeof indexed[i] === "object" && !f.gz && picked++ % 3 !== 0)));
  const whole = files.filter((_, i) => helped[i]);
  const picks = indexed.filter((_, i) => helped[i]).map((source) => (typeof source === "object" ? source : undefined));
  const ahead = options.plain || !bytes.needle ? undefined : readAheadFor(whole, pool, options.readAhead ?? READ_AHEAD_BYTES, picks);
  try {
    // A scan without a filter reads each day whole: what it finds clean is noted so.
    const unfiltered = Object.values(filter).every((v) => v === undefined);
    for (const [i, file] of files.entries()) {
      const source = indexed[i];
      if (source === "none") continue;
      const shown = options.redactor?.file(file, unfiltered);
      const blocks = (helped[i] ? ahead?.blocks(whole.indexOf(file)) : undefined) ?? blocksOf(source, file, pool);
      const batches = options.plain ? reorderBatches(plainFile(file, (e) => matches(filter, e), options.onBad)) : reorderBatches(fastFile(file, filter, { onBad: options.onBad, pool, blocks, index: false }));
      if (!shown) yield* batches;
      else {
        for await (const hits of batches) yield shown.hits(hits);
        shown.end();
      }
    }
  } finally {
    ahead?.close();
  }
}

/** A read-ahead helper when `files` hold at least `min` bytes (plain files; `.gz` are read here). */
function readAheadFor(files: DayFile[], pool: SearchPool, min: number, picks: (LinePick | undefined)[]): ReadAhead | undefined {
  if (!pool.simd || min === Infinity) return undefined;
  let bytes = 0;
  for (const f of files) if (!f.gz && bytes < min) bytes += statSync(f.path, { throwIfNoEntry: false })?.size ?? 0;
  return files.length > 0 && bytes >= min ? startReadAhead(files, pool, pool.simd.memory, min === 0, picks) : undefined;
}

/** The plain reader of one file: the events `accept` keeps, bad lines told once at the end. */
export async function* plainFile(file: DayFile, accept: (e: TraceEvent) => boolean, onBad: ScanOptions["onBad"]): AsyncGenerator<ReadEvent[]> {
  const lines: number[] = [];
  let count = 0;
  let failure: [string, boolean] | undefined;
  try {
    for await (const hit of readEvents(file, (bad) => {
      count++;
      if (lines.length < 5) lines.push(bad.line);
    })) {
      if (accept(hit.event)) yield [hit];
    }
  } catch (err) {
    failure = describeFailure(err, file.gz);
  }
  if (failure) onBad?.({ file: file.path, count, lines, problem: failure[0], ...(failure[1] ? { unreadable: true } : {}) });
  else if (count > 0) onBad?.({ file: file.path, count, lines });
}

/** Options of the fast reader of one file. */
export interface FileScanOptions {
  onBad?: ScanOptions["onBad"];
  /** Read a plain file only up to this byte (follow's snapshot). */
  end?: number;
  /** Buffers shared by the files of one scan. */
  pool?: SearchPool;
  /** The file's blocks from a read-ahead helper or an index, instead of reading them here. */
  blocks?: ((onFail: OnFail) => AsyncIterable<LineBlock>) | undefined;
  /** The day's index, looked up unless `false` or `blocks` is given. */
  index?: IndexOption;
  /** The store's day filters, which may rule the day out before its index is opened. */
  days?: StoreFilters | undefined;
}

/** The fast reader of one file: the engine's search for `filter` over the blocks its index names, or the whole file sought to `since`. */
export function fastFile(file: DayFile, filter: Filter, options: FileScanOptions = {}): AsyncGenerator<Hits> {
  const pool = options.pool ?? createSearchPool();
  const source = options.blocks || options.index === false ? undefined : filterSource(file, filter, options.index, pool, options.days);
  if (source === "none") return (async function* () {})();
  if (source) return searchFile(file, toByteFilter(filter), { ...options, pool, blocks: blocksOf(source, file, pool) });
  // The helper reads from the file's start: `since` is still applied line by line.
  const seek = filter.since !== undefined && !file.gz && !options.blocks;
  // A file the seek cannot read is read from the start, where the search reports it.
  const start = seek ? seekOrZero(file.path, filter.since! - REORDER_WINDOW_MS) : 0;
  return searchFile(file, toByteFilter(filter), { ...options, start });
}

function seekOrZero(path: string, ms: number): number {
  try {
    return seekTime(path, ms);
  } catch {
    return 0;
  }
}
