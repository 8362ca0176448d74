/**
 * The indexes of a store: building what is missing or stale, dropping those whose day
 * is gone, and telling which sealed days lack one. Several builders may run at once:
 * each writes whole files under temporary names, so the worst of a race is a day built
 * twice.
 */
import { existsSync, readdirSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { noteDays } from "../store/clean-days.js";
import { isSealed, listDayFiles, type DayFile } from "../store/layout.js";
import { buildDays, type BuildJob, type Built } from "./build-lanes.js";
import { builderRunning, takeBuildLock } from "./build-lock.js";
import { openDayIndex, type IndexUse } from "./day-index.js";
import { indexFolderOf, indexPathOf, writeIndexFile } from "./files.js";
import { STORE_FILTERS_FILE, writeStoreFilters } from "./store-filters.js";

/** Days smaller than this are not indexed unless asked (`trace index` indexes every sealed day): a scan of them costs less than a lookup's reads. */
export const AUTO_INDEX_BYTES = 1 << 20;

/**
 * Builder threads by default at most: each holds a day's tables, about five times the
 * day's size (165 MB for a day of 31 MB), and past a few the threads share the memory's
 * bandwidth more than they gain.
 */
const MAX_THREADS = 4;

/** A `.gz` day counts as this many times its size: inflating it costs more than reading a plain day. */
const GZ_WEIGHT = 8;

/** What indexing a day of `bytes` on disk costs, in bytes of a plain day. */
function weightOf(file: DayFile, bytes: number): number {
  return bytes * (file.gz ? GZ_WEIGHT : 1);
}

/** True when a day of `bytes` on disk is large enough to index under `minBytes`. */
function largeEnough(file: DayFile, bytes: number, minBytes: number): boolean {
  return weightOf(file, bytes) >= minBytes;
}

/** What to build. */
export interface IndexStoreOptions extends IndexUse {
  /** Build even where a fresh index exists. */
  rebuild?: boolean | undefined;
  /** Sealed days smaller than this are left alone (default 0: every sealed day). */
  minBytes?: number | undefined;
  /** An open day is indexed (again) once this many of its bytes are not covered (default 1 MiB: below it, a scan costs less than a lookup). */
  openMinBytes?: number | undefined;
  /** The time "today" is taken from; default now. */
  now?: number | undefined;
  /** Days built at once, each on a thread of its own (default: one per core, at most 4; with `auto`, one: a background builder leaves the other cores to the user). */
  threads?: number | undefined;
  /** Told of each day as it is done: days built side by side in the order they finish. */
  onDay?: ((day: DayDone) => void) | undefined;
  /** When another builder holds the store's lock: wait for it (default), or `"skip"` the store (a background builder's way). */
  busy?: "wait" | "skip" | undefined;
  /** What a query's background builder does: days of 1 MiB or more (`minBytes`), skip a store another builder holds, and note the sealed days clean under the masking policy (`noteClean`). */
  auto?: boolean | undefined;
  /**
   * Then read each sealed day not yet looked at under the store's masking policy, and
   * note it clean or not (store/clean-days.ts): later queries send a clean day's lines
   * out without the masking's look. Default: with `auto` (the reads are the builder's, in
   * the background), not for `trace index`.
   */
  noteClean?: boolean | undefined;
}

/** One day's outcome. */
export interface DayDone {
  file: string;
  state: "built" | "fresh" | "skipped" | "failed";
  /** Bytes of the day file and of its index. */
  bytes: number;
  indexBytes?: number;
  ms?: number;
}

/** What a build did, day by day. */
export interface IndexStoreResult {
  days: DayDone[];
  /** Index files removed because their day is gone. */
  removed: number;
  /** Another builder held the lock and `busy` was `"skip"`: nothing was done. */
  busy?: true;
}

/**
 * Builds the missing or stale indexes of the sealed days of `dir` (all of them with
 * `rebuild`), and removes the indexes of days no longer there. One builder per store
 * at a time, by its lock (build-lock.ts).
 *
 * @example
 * const { days } = await indexStore("logs/payments", { rebuild: true });
 */
export async function indexStore(dir: string, options: IndexStoreOptions = {}): Promise<IndexStoreResult> {
  // Nothing to index and no index yet: nothing to build or remove, and no .index/ to make for the lock.
  if (!existsSync(indexFolderOf(dir)) && !listDayFiles(dir).some((f) => isSealed(f, options.now) || openDayWanted(f, options.openMinBytes ?? AUTO_INDEX_BYTES))) return buildAll(dir, options);
  const release = await takeBuildLock(dir, options.busy ?? (options.auto ? "skip" : "wait"));
  if (!release) return { days: [], removed: 0, busy: true };
  try {
    const result = await buildAll(dir, { ...options, minBytes: options.minBytes ?? (options.auto ? AUTO_INDEX_BYTES : 0) });
    const files = listDayFiles(dir);
    // Written again after each pass: a day's entry holds only while its day is as its index saw it.
    writeStoreFilters(dir, files);
    if (options.noteClean ?? options.auto) await noteDays(dir, files.filter((f) => isSealed(f, options.now)));
    return result;
  } finally {
    release();
  }
}

async function buildAll(dir: string, options: IndexStoreOptions): Promise<IndexStoreResult> {
  const files = listDayFiles(dir);
  const days: DayDone[] = [];
  const jobs: BuildJob[] = [];
  const waiting: DayDone[] = [];
  for (const file of files) {
    const bytes = statSync(file.path, { throwIfNoEntry: false })?.size ?? 0;
    const plan = planOf(file, bytes, options);
    // A day to build counts as failed until its index is written.
    const day: DayDone = { file: file.path, state: plan === "fresh" || plan === "skipped" ? plan : "failed", bytes };
    days.push(day);
    if (plan === "fresh" || plan === "skipped") options.onDay?.(day);
    else {
      jobs.push({ file, open: plan === "open", weight: weightOf(file, bytes) });
      waiting.push(day);
    }
  }
  // `node:os` taken here: the query's part bundles this module, and a question needs none of it.
  const threads = options.threads ?? (options.auto ? 1 : Math.min(MAX_THREADS, process.getBuiltinModule("node:os").availableParallelism()));
  const onBuilt = (i: number, built: Built): void => {
    const day = waiting[i]!;
    if (built.index === "gone") day.state = "skipped";
    else if (built.index) {
      try {
        writeIndexFile(jobs[i]!.file, built.index);
        Object.assign(day, { state: "built", indexBytes: built.index.length, ms: built.ms });
      } catch {
        // stays "failed"
      }
    }
    options.onDay?.(day);
  };
  await buildDays(jobs, { threads, onBuilt, onNote: options.onNote });
  return { days, removed: removeOrphans(dir, files) };
}

/** What a build does with a day of `bytes`: index it as a sealed day, or as an open one over its lines so far, or leave it. */
function planOf(file: DayFile, bytes: number, options: IndexStoreOptions): "sealed" | "open" | "fresh" | "skipped" {
  if ((file.start ?? 0) > 0) return "skipped";
  if (isSealed(file, options.now)) {
    if (!largeEnough(file, bytes, options.minBytes ?? 0)) return "skipped";
    return !options.rebuild && hasFreshIndex(file, options) ? "fresh" : "sealed";
  }
  // An open day is indexed again once a megabyte has come since its index: a query reads only what came after.
  if (!file.gz && openDayWanted(file, options.openMinBytes ?? AUTO_INDEX_BYTES, options.rebuild)) return "open";
  return coverOf(file) === "none" ? "skipped" : "fresh";
}

/** What a day's fresh index covers: all of it, the bytes of its start (built while the day was open), or nothing. */
function coverOf(file: DayFile, use: IndexUse = {}): "whole" | number | "none" {
  const index = openDayIndex(file, use);
  index?.close();
  return !index ? "none" : (index.covered ?? "whole");
}

/** True when a sealed day has an index of all of it. */
function hasFreshIndex(file: DayFile, use: IndexUse): boolean {
  return coverOf(file, use) === "whole";
}

/**
 * True when an open plain day has `minBytes` or more that no fresh index covers
 * (`whole`: or that an index of all of it would cover).
 */
function openDayWanted(file: DayFile, minBytes: number, whole = false): boolean {
  if (file.gz || (file.start ?? 0) > 0) return false;
  const size = statSync(file.path, { throwIfNoEntry: false })?.size ?? 0;
  if (size < minBytes) return false;
  if (whole) return true;
  const cover = coverOf(file);
  return cover !== "whole" && size - (cover === "none" ? 0 : cover) >= minBytes;
}

/** Index files whose day file is gone (pruned, or compressed: the `.gz` has its own). */
function removeOrphans(dir: string, files: readonly DayFile[]): number {
  const folder = indexFolderOf(dir);
  const wanted = new Set([...files.map((f) => indexPathOf(f)), join(folder, STORE_FILTERS_FILE)]);
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return 0;
  }
  for (const name of names) {
    const path = join(folder, name);
    // Hidden names are a builder's: a file being written, or the lock a running builder holds.
    if (wanted.has(path) || name.startsWith(".")) continue;
    try {
      unlinkSync(path);
      removed++;
    } catch {
      // gone already
    }
  }
  return removed;
}

/**
 * The sealed days of `dir` of at least `minBytes` without a fresh index: what a query
 * leaves for a builder in the background.
 *
 * @example
 * if (unindexedDays(dir, AUTO_INDEX_BYTES).length > 0) startBuilder(dir);
 */
export function unindexedDays(dir: string, minBytes = AUTO_INDEX_BYTES, now = Date.now()): DayFile[] {
  return listDayFiles(dir).filter((f) =>
    isSealed(f, now) ? (f.start ?? 0) === 0 && largeEnough(f, statSync(f.path, { throwIfNoEntry: false })?.size ?? 0, minBytes) && !hasFreshIndex(f, {}) : openDayWanted(f, minBytes),
  );
}

/**
 * True when the store has sealed days of 1 MiB or more without a fresh index and no
 * builder is at work on it: a query that missed an index may start one.
 *
 * @example
 * if (indexWanted(dir)) spawnBuilder(dir);
 */
export function indexWanted(dir: string): boolean {
  return !builderRunning(dir) && unindexedDays(dir).length > 0;
}
