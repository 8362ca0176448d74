/**
 * The own filters of a store's sealed days in one file, `.index/days.filters`, so that a
 * question passes by a day that holds none of its values with one `stat` instead of
 * opening the day's index (seven calls and a header to decode, about 150 µs a day). A
 * derived file like the indexes: written by the builder after each pass, each day's entry
 * tied to the day file as its index saw it, so a day changed since is opened as before.
 *
 * Every day's filter has the same bits, and the file holds them by word: row r is word r
 * of every day's filter. A value's three bits lie in three rows, so a question reads a
 * few rows of a few hundred bytes, not every filter (reading 200 KB into fresh memory,
 * and checking it, cost a question 3 ms).
 */
import { closeSync, readSync } from "node:fs";
import { basename, join } from "node:path";
import { dayOf, isSealed, type DayFile } from "../store/layout.js";
import { writeWhole } from "../store/whole-file.js";
import { openDayIndex } from "./day-index.js";
import { currentIdentity, indexFolderOf, makeFolder, openIndexFile, sameFile } from "./files.js";
import type { IndexedFile } from "./encoding.js";
import { hashWords, keyOf } from "./hash.js";
import { filterBits } from "./own-filter.js";

/** The file's name in a store's index folder. */
export const STORE_FILTERS_FILE = "days.filters";
/** Its first bytes; the digit is the format's version (another version's file is as good as none, and nobody is told). */
const MAGIC = Buffer.from("TRACEDF3");
/**
 * Every day's filter is made this many bits (2 KiB; a day of 2,500 values keeps a false
 * positive in twenty): folded in halves when larger, repeated when smaller, which a
 * lookup finds the same (a bit at p stands at p mod the size either way).
 */
const FILTER_BITS = 1 << 14;
const ROWS = FILTER_BITS / 32;
/** A larger file is not read: it cannot be one this build wrote for a store of sane size. */
const MAX_BYTES = 64 << 20;
/** The first read: the header of 100 days and the rows' checksums fit. */
const FIRST_READ = 32 << 10;

/** A store's day filters, read on the first question asked of them. */
export interface StoreFilters {
  /**
   * True when `file` surely holds none of `values` in `agent_id` or `target_id`: a sealed
   * day unchanged since its entry was written, whose index had no bad line. False when not
   * sure (no entry, a day changed since, a value in it or a false positive).
   */
  lacks(file: DayFile, values: readonly string[]): boolean;
}

/** `words` made `FILTER_BITS` long: folded in halves, or repeated. */
function sized(words: Uint32Array): Uint32Array {
  let w = words;
  while (w.length < ROWS) {
    const twice = new Uint32Array(w.length * 2);
    twice.set(w);
    twice.set(w, w.length);
    w = twice;
  }
  while (w.length > ROWS) {
    const half = w.length / 2;
    const next = w.slice(0, half);
    for (let i = 0; i < half; i++) next[i]! |= w[i + half]!;
    w = next;
  }
  return w;
}

/**
 * Writes `.index/days.filters` for the sealed days of `files` with a fresh index of the
 * whole day and no bad line; a day without one has no entry (it is opened as before).
 * Never throws: the file is derived, and its absence costs speed only.
 *
 * @example
 * writeStoreFilters(dir, listDayFiles(dir));
 */
export function writeStoreFilters(dir: string, files: readonly DayFile[]): void {
  const days: IndexedFile[] = [];
  const filters: Uint32Array[] = [];
  for (const file of files) {
    if (!isSealed(file) || (file.start ?? 0) > 0) continue;
    try {
      const index = openDayIndex(file);
      if (!index) continue;
      try {
        if (index.covered !== undefined || index.badBlocks > 0) continue;
        filters.push(sized(index.ownFilter()));
        days.push(index.source);
      } finally {
        index.close();
      }
    } catch {
      // A damaged index gives no entry: its day is opened (and reported) as before.
    }
  }
  const n = days.length;
  const rows = new Uint32Array(ROWS * n);
  for (const [c, words] of filters.entries()) for (let r = 0; r < ROWS; r++) rows[r * n + c] = words[r]!;
  const sums = new Uint32Array(ROWS);
  for (let r = 0; r < ROWS; r++) sums[r] = hashWords(rows.subarray(r * n, (r + 1) * n));
  const json = Buffer.from(JSON.stringify({ days, sums: hashWords(sums) }));
  const sumsAt = Math.ceil((MAGIC.length + 4 + json.length) / 8) * 8;
  const out = Buffer.alloc(sumsAt + sums.byteLength + rows.byteLength);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(json.length, MAGIC.length);
  json.copy(out, MAGIC.length + 4);
  out.set(new Uint8Array(sums.buffer), sumsAt);
  out.set(new Uint8Array(rows.buffer), sumsAt + sums.byteLength);
  try {
    makeFolder(indexFolderOf(dir));
    writeWhole(join(indexFolderOf(dir), STORE_FILTERS_FILE), out);
  } catch {
    // A store we may not write to is read as before, only slower.
  }
}

/** What was read of a days.filters file: its days by name with their column, the rows' checksums, the rows read so far. */
interface Filters {
  days: Map<string, { file: IndexedFile; column: number }>;
  sums: Uint32Array;
  /** Where the rows start, and the file as it was when its header was read (a builder may replace it since). */
  rowsAt: number;
  seen: [ino: number, size: number, mtimeMs: number];
  rows: Map<number, Uint32Array>;
}

const NONE: Filters = { days: new Map(), sums: new Uint32Array(0), rowsAt: 0, seen: [0, 0, 0], rows: new Map() };

/**
 * The day filters of the store `dir`, read on the first question asked of them; none
 * (every answer "not sure") when the file is missing, stale in format, or damaged (told
 * to `onNote` once), or replaced while a question reads it.
 *
 * @example
 * const filters = createStoreFilters(dir);
 * if (filters.lacks(file, ["task-42"])) continue;
 */
export function createStoreFilters(dir: string, onNote?: (message: string) => void): StoreFilters {
  const path = join(indexFolderOf(dir), STORE_FILTERS_FILE);
  let filters: Filters | undefined;
  // Once per pass, not per day: the day sealed ones are before, and each list of values' keys and the bits they need.
  const today = dayOf(Date.now());
  const wanted = new Map<string, { bits: number[][]; rows: number[] }>();
  const bitsOf = (values: readonly string[]): { bits: number[][]; rows: number[] } => {
    const name = JSON.stringify(values);
    let w = wanted.get(name);
    if (!w) {
      const bits = values.flatMap((v) => [keyOf("agent_id", v), keyOf("target_id", v)]).map((key) => filterBits(key, FILTER_BITS));
      wanted.set(name, (w = { bits, rows: [...new Set(bits.flat().map((b) => b >>> 5))] }));
    }
    return w;
  };
  /** The filters with each of `rows` read; NONE once the file is found missing, damaged or replaced. */
  const withRows = (rows: readonly number[]): Filters => {
    if (filters === NONE || (filters && rows.every((r) => filters!.rows.has(r)))) return filters;
    const opened = openIndexFile(path);
    if (!opened || "odd" in opened) return (filters = NONE);
    try {
      const seen: Filters["seen"] = [opened.ino, opened.size, opened.mtimeMs];
      if (opened.size > MAX_BYTES) return (filters = NONE);
      filters ??= readHeader(opened.fd, opened.size, seen);
      // Replaced by a builder since its header was read: its rows are not those of the days read.
      if (filters === NONE || !filters.seen.every((v, i) => v === seen[i])) return (filters = NONE);
      for (const r of rows) if (!filters.rows.has(r)) filters.rows.set(r, readRow(opened.fd, filters, r));
      return filters;
    } catch (err) {
      onNote?.(`${path}: ${(err as Error).message}; ignored (trace index rebuilds it)`);
      return (filters = NONE);
    } finally {
      closeSync(opened.fd);
    }
  };
  return {
    lacks(file, values) {
      if ((file.start ?? 0) > 0 || !(file.day < today)) return false;
      const { bits, rows } = bitsOf(values);
      const known = withRows(rows);
      const day = known.days.get(basename(file.path));
      if (!day) return false;
      const now = currentIdentity(file);
      if (!now || !sameFile(day.file, now)) return false;
      const set = (b: number): boolean => (known.rows.get(b >>> 5)![day.column]! & (1 << (b & 31))) !== 0;
      return !bits.some((three) => three.every(set));
    },
  };
}

/** Reads `want` bytes at `at`; throws when the file holds fewer. */
function readAt(fd: number, at: number, want: number): Buffer {
  const bytes = Buffer.allocUnsafe(want);
  if (readSync(fd, bytes, 0, want, at) !== want) throw new Error("truncated");
  return bytes;
}

/** The header and the rows' checksums of a days.filters file; NONE for another version's; throws on any inconsistency. */
function readHeader(fd: number, size: number, seen: Filters["seen"]): Filters {
  let bytes = readAt(fd, 0, Math.min(size, FIRST_READ));
  const version = MAGIC.length - 1;
  if (bytes.length > version && bytes.subarray(0, version).equals(MAGIC.subarray(0, version)) && bytes[version] !== MAGIC[version]) return NONE;
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error("not a days.filters file of this version");
  const length = bytes.readUInt32LE(MAGIC.length);
  const sumsAt = Math.ceil((MAGIC.length + 4 + length) / 8) * 8;
  if (sumsAt + ROWS * 4 > size) throw new Error("truncated");
  if (sumsAt + ROWS * 4 > bytes.length) bytes = readAt(fd, 0, sumsAt + ROWS * 4);
  let header: { days?: unknown; sums?: unknown };
  try {
    header = JSON.parse(bytes.toString("utf8", MAGIC.length + 4, MAGIC.length + 4 + length)) as typeof header;
  } catch {
    throw new Error("damaged header");
  }
  if (!Array.isArray(header.days)) throw new Error("damaged header");
  // Copied out: the words of a view must start on a multiple of four.
  const sums = new Uint32Array(ROWS);
  new Uint8Array(sums.buffer).set(bytes.subarray(sumsAt, sumsAt + ROWS * 4));
  if (hashWords(sums) !== header.sums) throw new Error("checksum mismatch");
  const days = new Map<string, { file: IndexedFile; column: number }>();
  const ok = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
  for (const [column, f] of (header.days as Partial<IndexedFile>[]).entries()) {
    if (!f || typeof f.name !== "string" || typeof f.gz !== "boolean" || !ok(f.ino) || !ok(f.size) || typeof f.mtimeMs !== "number") throw new Error("damaged entry");
    days.set(f.name, { file: { name: f.name, gz: f.gz, ino: f.ino, size: f.size, mtimeMs: f.mtimeMs }, column });
  }
  const rowsAt = sumsAt + ROWS * 4;
  if (rowsAt + ROWS * days.size * 4 !== size) throw new Error("truncated");
  return { days, sums, rowsAt, seen, rows: new Map() };
}

/** Row `r`: word r of every day's filter, checked against its checksum. */
function readRow(fd: number, filters: Filters, r: number): Uint32Array {
  const n = filters.days.size;
  const row = new Uint32Array(n);
  const bytes = readAt(fd, filters.rowsAt + r * n * 4, n * 4);
  new Uint8Array(row.buffer).set(bytes);
  if (hashWords(row) !== filters.sums[r]) throw new Error(`row ${r}: checksum mismatch`);
  return row;
}
