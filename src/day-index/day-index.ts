/**
 * A day's index opened for lookups: checked against the day file as it is now (a stale
 * one is not used), then read a few bytes at a time — a field's bucket offsets once,
 * a bucket per key — so a query reads kilobytes of an index, not all of it.
 */
import { closeSync, constants, openSync, readSync } from "node:fs";
import type { IndexedField } from "../engine/facade.js";
import type { DayFile } from "../store/layout.js";
import { currentIdentity, indexPathOf, openIndexFile, prefixHolds, sameFile } from "./files.js";
import { blocksInBucket, blocksOfKeys, bucketOf, checkSum, decodeHeader, IndexDamage, type IndexedFile } from "./encoding.js";
import { filterMayHold } from "./own-filter.js";
import { hashWords, keyOf } from "./hash.js";
import { openPostings } from "./postings.js";

/** Where a day's blocks stand: `starts` in the uncompressed stream, `compressed` in a `.gz`. */
export interface BlockTable {
  starts: Float64Array;
  compressed?: Float64Array;
}

/** An open, fresh index of one day file. */
export interface DayIndex {
  readonly blocks: number;
  /** Of an open day's index, the bytes it covers: what follows them is read by every query, as no index speaks for it. */
  readonly covered?: number | undefined;
  /** Blocks holding a line with one of `values` in `field` (a superset: keys are hashes), ascending, no repeats. */
  lookup(field: IndexedField, values: Iterable<string>): number[];
  /**
   * The offsets of the lines holding `value` in `field`, ascending (a superset: keys are
   * hashes), when it is one of the day's common values (postings.ts); else undefined.
   */
  lineStarts(field: IndexedField, value: string): Float64Array | undefined;
  /** Blocks with lines the index cannot speak for: read by every query. */
  bad(): number[];
  /** The day file as the index saw it when built. */
  readonly source: IndexedFile;
  /** How many blocks `bad()` names, without reading them. */
  readonly badBlocks: number;
  /** The filter of the day's `agent_id` and `target_id` keys (own-filter.ts), checked. */
  ownFilter(): Uint32Array;
  table(): BlockTable;
  close(): void;
}

/** How a day's index is opened: told (one line each) of an index that is there but cannot be used. */
export interface IndexUse {
  onNote?: ((message: string) => void) | undefined;
  /** Told of each sealed day a query wanted an index of and found none fresh: what a builder may make next. */
  onMissing?: ((file: DayFile) => void) | undefined;
  /** A filter whose blocks are more than this share of a day reads only the lines the day's postings list, or the day whole without them (default 0.25; 1 always reads the blocks, 0 the postings wherever there are some). */
  wholeDayShare?: number | undefined;
}

/**
 * The first read of an index: its header (about 600 bytes for a day of 2,000 blocks; a
 * longer one is read again). Small enough for Node's shared pool: a fresh 16 KiB buffer per
 * day cost four new pages, 60 µs a day on a machine where a first touch costs 15 µs a page.
 */
const HEAD_BYTES = 2 << 10;
/** Above this many keys a lookup reads a field's whole table once. */
const MANY_KEYS = 256;

/**
 * The fresh index of `file`, or undefined: none, stale (the day grew, was replaced or
 * compressed), or damaged (told to `onNote`). Never throws.
 *
 * @example
 * const index = openDayIndex(file);
 * const blocks = index?.lookup("agent_id", ["haiku-1"]);
 */
export function openDayIndex(file: DayFile, use: IndexUse = {}): DayIndex | undefined {
  const path = indexPathOf(file);
  const opened = openIndexFile(path);
  if (!opened) return undefined;
  if ("odd" in opened) {
    use.onNote?.(`${path}: ${opened.odd}; ignored, the day is read whole`);
    return undefined;
  }
  const { fd } = opened;
  try {
    const index = readIndex(fd, opened.size, file);
    if (index) return index;
  } catch (err) {
    if (!(err instanceof IndexDamage)) throw err;
    use.onNote?.(`${path}: ${err.message}; ignored (trace index rebuilds it)`);
  }
  closeSync(fd);
  return undefined;
}

function readIndex(fd: number, size: number, file: DayFile): DayIndex | undefined {
  let decoded = decodeHeader(pread(fd, 0, Math.min(size, HEAD_BYTES)), size);
  if (typeof decoded === "object" && "need" in decoded) decoded = decodeHeader(pread(fd, 0, decoded.need), size);
  if (typeof decoded !== "object" || "need" in decoded) return undefined;
  const header = decoded;
  if (!(header.file.prefix === undefined ? sameNow(file, header.file) : openPrefixHolds(file, header.file))) return undefined;
  // The own filter, read straight into its words when first asked for, checked once.
  let filter: Uint32Array | undefined;
  const ownFilter = (): Uint32Array => {
    if (filter) return filter;
    const [at, bits, sum] = header.own;
    const words = new Uint32Array(bits / 32);
    if (readSync(fd, words, 0, words.byteLength, at) !== words.byteLength) throw new IndexDamage("truncated");
    if (hashWords(words) !== sum) throw new IndexDamage("own filter: checksum mismatch");
    return (filter = words);
  };
  // A field's bucket offsets and checksums, read once: `buckets + 1` offsets, then `buckets` sums.
  const offsets = new Map<IndexedField, Uint32Array>();
  const offsetsOf = (field: IndexedField): Uint32Array => {
    let o = offsets.get(field);
    if (!o) {
      const s = header.sections[field];
      if (!s) throw new IndexDamage(`no ${field} table`);
      const bytes = pread(fd, s.at, 4 * (2 * 2 ** s.bucketsLog2 + 1));
      o = new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
      offsets.set(field, o);
    }
    return o;
  };
  const postings = header.postings && !file.gz ? openPostings(header.postings, (at, length) => pread(fd, at, length)) : undefined;
  return {
    blocks: header.blocks,
    covered: header.file.prefix === undefined ? undefined : header.file.size,
    source: header.file,
    badBlocks: header.bad[1],
    ownFilter,
    lookup(field, values) {
      const keys = new Set<number>();
      for (const value of values) keys.add(keyOf(field, value));
      if (keys.size === 0 || ((field === "agent_id" || field === "target_id") && !filterMayHold(ownFilter(), keys))) return [];
      const s = header.sections[field]!;
      const o = offsetsOf(field);
      const buckets = 2 ** s.bucketsLog2;
      const body = s.at + o.byteLength;
      const out: number[] = [];
      const bucket = (entries: Buffer, b: number, from: number): Buffer => {
        const to = o[b + 1]!;
        if (to < o[b]! || body + to > s.at + s.bytes) throw new IndexDamage(`${field} table: damaged bucket offsets`);
        const bytes = entries.subarray(o[b]! - from, to - from);
        checkSum(bytes, o[buckets + 1 + b]!, `${field} table`);
        return bytes;
      };
      // Many keys: one read of the whole table beats a read per bucket.
      if (keys.size > MANY_KEYS) {
        const all = pread(fd, body, s.bytes - o.byteLength);
        for (let b = 0; b < buckets; b++) bucket(all, b, 0);
        blocksOfKeys(all, keys, header.blocks, out);
        return sortedUnique(out);
      }
      for (const key of keys) {
        const b = bucketOf(key, s.bucketsLog2);
        const [from, to] = [o[b]!, o[b + 1]!];
        if (to > from && body + to <= s.at + s.bytes) blocksInBucket(bucket(pread(fd, body + from, to - from), b, from), key, header.blocks, out);
        else bucket(Buffer.alloc(0), b, from);
      }
      return sortedUnique(out);
    },
    lineStarts: (field, value) => postings?.list(field, keyOf(field, value)),
    bad() {
      const [at, count] = header.bad;
      if (count === 0) return [];
      const bytes = pread(fd, at, 4 * count);
      checkSum(bytes, header.sums[1], "bad-block list");
      const out: number[] = [];
      for (let k = 0; k < count; k++) out.push(bytes.readUInt32LE(4 * k));
      if (out.some((b) => b >= header.blocks)) throw new IndexDamage("damaged bad-block list");
      return out;
    },
    table() {
      const n = header.blocks + 1;
      const bytes = pread(fd, header.table, 8 * n * (file.gz ? 2 : 1));
      checkSum(bytes, header.sums[0], "block table");
      const all = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
      const table: BlockTable = { starts: all.subarray(0, n), ...(file.gz ? { compressed: all.subarray(n) } : {}) };
      for (let k = 1; k < n; k++) if (!(table.starts[k]! >= table.starts[k - 1]!) || (table.compressed && !(table.compressed[k]! >= table.compressed[k - 1]!))) throw new IndexDamage("damaged block table");
      return table;
    },
    close() {
      closeSync(fd);
    },
  };
}

/** True when the sealed day `file` is as its index saw it (sameFile). */
function sameNow(file: DayFile, indexed: IndexedFile): boolean {
  const now = currentIdentity(file);
  return now !== undefined && sameFile(indexed, now);
}

/** True when the open day `file` still begins with the bytes its index covered (prefixHolds). */
function openPrefixHolds(file: DayFile, indexed: IndexedFile): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file.path, constants.O_RDONLY | constants.O_NONBLOCK);
    const now = currentIdentity(file, fd);
    return now !== undefined && prefixHolds(indexed, now, fd);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function pread(fd: number, at: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  const n = readSync(fd, buf, 0, length, at);
  if (n < length) throw new IndexDamage("truncated");
  return buf;
}

/** Ascending, without repeats. */
function sortedUnique(blocks: number[]): number[] {
  const sorted = Uint32Array.from(blocks).sort();
  const out: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) out.push(sorted[i]!);
  return out;
}
