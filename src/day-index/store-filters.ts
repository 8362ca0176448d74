/**
 * The own filters of a store's sealed days in one file, `.index/days.filters`, so that a
 * question passes by a day that holds none of its values with one `stat` instead of
 * opening the day's index (seven calls and a header to decode, about 150 µs a day). A
 * derived file like the indexes: written by the builder after each pass, each day's entry
 * tied to the day file as its index saw it, so a day changed since is opened as before.
 */
import { closeSync, readSync } from "node:fs";
import { basename, join } from "node:path";
import { dayOf, isSealed, type DayFile } from "../store/layout.js";
import { writeWhole } from "../store/whole-file.js";
import { openDayIndex } from "./day-index.js";
import { currentIdentity, indexFolderOf, makeFolder, openIndexFile, sameFile } from "./files.js";
import type { IndexedFile } from "./encoding.js";
import { hashWords, keyOf } from "./hash.js";
import { filterMayHold } from "./own-filter.js";

/** The file's name in a store's index folder. */
export const STORE_FILTERS_FILE = "days.filters";
/** Its first bytes; the digit is the format's version (another version's file is as good as none, and nobody is told). */
const MAGIC = Buffer.from("TRACEDF2");
/**
 * A day's filter is folded down to this many bits (2 KiB; a day of 2,500 values keeps a
 * false positive in twenty): a question reads every day's, so they are kept small.
 */
const FOLDED_BITS = 1 << 14;
/** A larger file is not read: it cannot be one this build wrote for a store of sane size. */
const MAX_BYTES = 64 << 20;

/** One day's entry: the day file as its index saw it, and where its filter stands. */
interface Entry {
  file: IndexedFile;
  at: number;
  bits: number;
  sum: number;
}

/** A store's day filters, read once on first use. */
export interface StoreFilters {
  /**
   * True when `file` surely holds none of `values` in `agent_id` or `target_id`: a sealed
   * day unchanged since its entry was written, whose index had no bad line. False when not
   * sure (no entry, a day changed since, a value in it or a false positive).
   */
  lacks(file: DayFile, values: readonly string[]): boolean;
}

/** `words` folded in halves (a bit at p lands at p mod bits/2) down to `FOLDED_BITS`: still a filter of the same keys, as own-filter.ts looks bits up. */
function folded(words: Uint32Array): Uint32Array {
  let w = words;
  while (w.length * 32 > FOLDED_BITS) {
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
  const entries: Entry[] = [];
  const parts: Uint32Array[] = [];
  let at = 0;
  for (const file of files) {
    if (!isSealed(file) || (file.start ?? 0) > 0) continue;
    try {
      const index = openDayIndex(file);
      if (!index) continue;
      try {
        if (index.covered !== undefined || index.badBlocks > 0) continue;
        const words = folded(index.ownFilter());
        entries.push({ file: index.source, at, bits: words.length * 32, sum: hashWords(words) });
        parts.push(words);
        at += words.byteLength;
      } finally {
        index.close();
      }
    } catch {
      // A damaged index gives no entry: its day is opened (and reported) as before.
    }
  }
  const json = Buffer.from(JSON.stringify({ days: entries }));
  // The filters start on an 8-byte boundary after the header: each is then read in place as u32 words.
  const start = Math.ceil((MAGIC.length + 4 + json.length) / 8) * 8;
  const out = Buffer.alloc(start + at);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(json.length, MAGIC.length);
  json.copy(out, MAGIC.length + 4);
  for (const [k, words] of parts.entries()) out.set(new Uint8Array(words.buffer, words.byteOffset, words.byteLength), start + entries[k]!.at);
  try {
    makeFolder(indexFolderOf(dir));
    writeWhole(join(indexFolderOf(dir), STORE_FILTERS_FILE), out);
  } catch {
    // A store we may not write to is read as before, only slower.
  }
}

/**
 * The day filters of the store `dir`, read on the first question asked of them; none
 * (every answer "not sure") when the file is missing, stale in format, or damaged (told
 * to `onNote` once).
 *
 * @example
 * const filters = createStoreFilters(dir);
 * if (filters.lacks(file, ["task-42"])) continue;
 */
export function createStoreFilters(dir: string, onNote?: (message: string) => void): StoreFilters {
  let days: Map<string, { file: IndexedFile; words: Uint32Array }> | undefined;
  // Once per pass, not per day: the day sealed ones are before, and each list of values' keys.
  const today = dayOf(Date.now());
  const keys = new Map<string, number[]>();
  const keysOf = (values: readonly string[]): number[] => {
    const name = JSON.stringify(values);
    let k = keys.get(name);
    if (!k) keys.set(name, (k = values.flatMap((v) => [keyOf("agent_id", v), keyOf("target_id", v)])));
    return k;
  };
  const load = (): NonNullable<typeof days> => {
    if (days) return days;
    days = new Map();
    const path = join(indexFolderOf(dir), STORE_FILTERS_FILE);
    // Read like a day's index: only a regular file in a plain index folder.
    const opened = openIndexFile(path);
    if (!opened || "odd" in opened) return days;
    const { fd, size } = opened;
    try {
      if (size > MAX_BYTES) return days;
      const bytes = Buffer.alloc(size);
      if (readSync(fd, bytes, 0, bytes.length, 0) !== bytes.length) throw new Error("truncated");
      const version = MAGIC.length - 1;
      if (bytes.length > version && bytes.subarray(0, version).equals(MAGIC.subarray(0, version)) && bytes[version] !== MAGIC[version]) return days;
      days = decode(bytes);
    } catch (err) {
      onNote?.(`${path}: ${(err as Error).message}; ignored (trace index rebuilds it)`);
    } finally {
      closeSync(fd);
    }
    return days;
  };
  return {
    lacks(file, values) {
      const day = load().get(basename(file.path));
      if (!day || (file.start ?? 0) > 0 || !(file.day < today)) return false;
      const now = currentIdentity(file);
      if (!now || !sameFile(day.file, now)) return false;
      return !filterMayHold(day.words, keysOf(values));
    },
  };
}

/** The entries of a days.filters file by day file name; throws on any inconsistency. */
function decode(bytes: Buffer): Map<string, { file: IndexedFile; words: Uint32Array }> {
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error("not a days.filters file of this version");
  const length = bytes.readUInt32LE(MAGIC.length);
  const start = Math.ceil((MAGIC.length + 4 + length) / 8) * 8;
  let header: { days?: unknown };
  try {
    header = JSON.parse(bytes.toString("utf8", MAGIC.length + 4, MAGIC.length + 4 + length)) as typeof header;
  } catch {
    throw new Error("damaged header");
  }
  if (!Array.isArray(header.days)) throw new Error("damaged header");
  const out = new Map<string, { file: IndexedFile; words: Uint32Array }>();
  const ok = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
  for (const e of header.days as Partial<Entry>[]) {
    const f = e?.file;
    if (!f || typeof f.name !== "string" || typeof f.gz !== "boolean" || !ok(f.ino) || !ok(f.size) || typeof f.mtimeMs !== "number" || !ok(e.at) || !ok(e.bits) || !ok(e.sum)) throw new Error("damaged entry");
    if (e.at % 4 !== 0 || e.bits < 32 || (e.bits & (e.bits - 1)) !== 0 || start + e.at + e.bits / 8 > bytes.length) throw new Error(`${f.name}: damaged entry`);
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset + start + e.at, e.bits / 32);
    if (hashWords(words) !== e.sum) throw new Error(`${f.name}: checksum mismatch`);
    out.set(f.name, { file: { name: f.name, gz: f.gz, ino: f.ino, size: f.size, mtimeMs: f.mtimeMs }, words });
  }
  return out;
}
