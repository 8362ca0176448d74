/**
 * The bytes of a day's index (docs/format.md): a magic line, a JSON header naming the
 * day file it was built from, the block table, the blocks with bad lines, and one hash
 * table per indexed field mapping a value's key to the blocks that hold it, as varint
 * deltas. Decoding trusts nothing: any inconsistency is an `IndexDamage`.
 */
import { INDEXED_FIELDS, type IndexedField } from "../engine/facade.js";
import { hashBytes, hashWords } from "./hash.js";
import { ownFilter } from "./own-filter.js";

/** The first bytes of every index file; the digit is the format's version. */
export const INDEX_MAGIC = Buffer.from("TRACEIX5");
/** Block numbers fit in this many bits of a (key, block) pair. */
export const BLOCK_BITS = 21;
export const BLOCK_SPACE = 2 ** BLOCK_BITS;
/** Keys per bucket a table aims at: a bucket is one small read. */
const BUCKET_KEYS = 32;
/** Bytes of block lists per bucket a table aims at, for values in many blocks. */
const BUCKET_BYTES = 512;

/** The day file an index was built from: when any of it changes the index is stale. */
export interface IndexedFile {
  name: string;
  gz: boolean;
  ino: number;
  /** The bytes indexed: the whole file, or of an open day, its whole lines when the index was built. */
  size: number;
  mtimeMs: number;
  /** Only in the index of an open day: the checksum of the last bytes it covers (`PREFIX_CHECK_BYTES`), which the growing file must still hold. */
  prefix?: number;
}

/** Where one field's table stands: its bucket offsets (`buckets + 1` u32), a checksum per bucket (`buckets` u32), then its entries. */
export interface SectionPlace {
  at: number;
  bucketsLog2: number;
  bytes: number;
}

/** The JSON header. */
export interface IndexHeader {
  file: IndexedFile;
  lines: number;
  blocks: number;
  /** Offset of the block table: `blocks + 1` f64 starts (of the uncompressed stream), and for a `.gz` as many compressed starts. */
  table: number;
  /** Offset and count of the u32 numbers of blocks with lines no index can speak for (bad lines): every query reads them. */
  bad: [number, number];
  /** Checksums of the block table and of the bad-block list: a flipped byte is found, not followed. */
  sums: [number, number];
  /** A filter of the keys of `agent_id` and `target_id` (offset, bits, checksum): most days are passed by on it without a lookup. */
  own: [number, number, number];
  sections: Record<IndexedField, SectionPlace>;
  /** The postings of the day's common values (postings.ts): offset, directory entries, bytes in all, the directory's checksum. */
  postings?: [number, number, number, number];
}

/** What a build found. */
export interface IndexParts {
  file: IndexedFile;
  lines: number;
  /** `blocks + 1` starts in the uncompressed stream; the last is its end. */
  starts: readonly number[];
  /** For a `.gz`, `blocks + 1` starts in the compressed file. */
  compressed?: readonly number[];
  bad: readonly number[];
  /** Per field, `key * BLOCK_SPACE + block`, sorted ascending. */
  pairs: Record<IndexedField, Float64Array>;
  /** The postings section, already encoded (postings.ts), when the day has common values. */
  postings?: { bytes: Buffer; entries: number; sum: number } | undefined;
}

/** Why an index file cannot be used. */
export class IndexDamage extends Error {}

/** The bucket of a key in a table of `2^log2` buckets: its top bits, so sorted keys are bucket by bucket. */
export function bucketOf(key: number, log2: number): number {
  return log2 === 0 ? 0 : key >>> (32 - log2);
}

/** A byte writer that grows: varints and u32s without an array of numbers. */
function createBytes(initial: number): { u8(n: number): void; u32(n: number): void; varint(n: number): void; length(): number; take(): Buffer } {
  let buf = Buffer.allocUnsafe(Math.max(64, initial));
  let at = 0;
  const room = (n: number): void => {
    if (at + n <= buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, at + n));
    buf.copy(bigger, 0, 0, at);
    buf = bigger;
  };
  return {
    u8(n) {
      room(1);
      buf[at++] = n;
    },
    u32(n) {
      room(4);
      buf.writeUInt32LE(n, at);
      at += 4;
    },
    varint(n) {
      room(8);
      while (n >= 0x80) {
        buf[at++] = (n & 0x7f) | 0x80;
        n = Math.floor(n / 128);
      }
      buf[at++] = n;
    },
    length: () => at,
    take: () => buf.subarray(0, at),
  };
}

/** Bytes of `n` as a varint. */
function varintBytes(n: number): number {
  let k = 1;
  for (; n >= 0x80; k++) n = Math.floor(n / 128);
  return k;
}

/** One field's table: bucket offsets, then per distinct key its u32, a count, the bytes of its block list and the block deltas. */
function encodeSection(pairs: Float64Array): { bytes: Buffer; log2: number } {
  const distinct = distinctKeys(pairs).length;
  // Buckets of about BUCKET_KEYS keys, or fewer when their block lists are long (a common value's blocks): a bucket stays one small read.
  const wanted = Math.max(distinct / BUCKET_KEYS, pairs.length / BUCKET_BYTES);
  const log2 = Math.max(0, Math.min(24, Math.ceil(Math.log2(Math.max(1, wanted)))));
  const buckets = 2 ** log2;
  const offsets = new Uint32Array(buckets + 1);
  const body = createBytes(pairs.length * 8);
  let bucket = 0;
  for (let i = 0; i < pairs.length; ) {
    const key = Math.floor(pairs[i]! / BLOCK_SPACE);
    const b = bucketOf(key, log2);
    while (bucket < b) offsets[++bucket] = body.length();
    // The key's distinct blocks (pairs are sorted): counted and sized first, then written.
    let [count, bytes, last] = [0, 0, -1];
    let j = i;
    for (; j < pairs.length && Math.floor(pairs[j]! / BLOCK_SPACE) === key; j++) {
      const block = pairs[j]! % BLOCK_SPACE;
      if (block === last) continue;
      bytes += varintBytes(block - Math.max(0, last));
      count++;
      last = block;
    }
    body.u32(key);
    body.varint(count);
    body.varint(bytes);
    last = -1;
    for (; i < j; i++) {
      const block = pairs[i]! % BLOCK_SPACE;
      if (block === last) continue;
      body.varint(block - Math.max(0, last));
      last = block;
    }
  }
  while (bucket < buckets) offsets[++bucket] = body.length();
  const entries = body.take();
  const sums = new Uint32Array(buckets);
  for (let b = 0; b < buckets; b++) sums[b] = hashBytes(entries, offsets[b]!, offsets[b + 1]!);
  return { bytes: Buffer.concat([Buffer.from(offsets.buffer), Buffer.from(sums.buffer), entries]), log2 };
}

/** The index file's bytes. */
export function encodeIndex(parts: IndexParts, fields: readonly IndexedField[]): Buffer {
  const blocks = parts.starts.length - 1;
  const own = ownFilter([...distinctKeys(parts.pairs.agent_id), ...distinctKeys(parts.pairs.target_id)]);
  const table = new Float64Array([...parts.starts, ...(parts.compressed ?? [])]);
  const bad = new Uint32Array(parts.bad);
  const encoded = fields.map((f) => [f, encodeSection(parts.pairs[f])] as const);
  // The header's offsets depend on its own length: laid out with a fixed-width guess, then again.
  for (let width = 512; ; width *= 2) {
    let at = INDEX_MAGIC.length + 4 + width;
    at = align8(at);
    const ownAt = at;
    at += own.byteLength;
    const tableAt = at;
    at += table.byteLength;
    const badAt = at;
    at += bad.byteLength;
    const sections = {} as Record<IndexedField, SectionPlace>;
    for (const [f, s] of encoded) {
      sections[f] = { at, bucketsLog2: s.log2, bytes: s.bytes.length };
      at += s.bytes.length;
    }
    const postings = parts.postings ? ([at, parts.postings.entries, parts.postings.bytes.length, parts.postings.sum] as [number, number, number, number]) : undefined;
    const sums: [number, number] = [hashBytes(new Uint8Array(table.buffer), 0, table.byteLength), hashBytes(new Uint8Array(bad.buffer), 0, bad.byteLength)];
    const header: IndexHeader = { file: parts.file, lines: parts.lines, blocks, table: tableAt, bad: [badAt, bad.length], sums, own: [ownAt, own.length * 32, hashWords(own)], sections, ...(postings ? { postings } : {}) };
    const json = Buffer.from(JSON.stringify(header));
    if (json.length > width) continue;
    const head = Buffer.alloc(ownAt);
    INDEX_MAGIC.copy(head, 0);
    head.writeUInt32LE(json.length, INDEX_MAGIC.length);
    json.copy(head, INDEX_MAGIC.length + 4);
    return Buffer.concat([head, Buffer.from(own.buffer), Buffer.from(table.buffer), Buffer.from(bad.buffer), ...encoded.map(([, s]) => s.bytes), ...(parts.postings ? [parts.postings.bytes] : [])]);
  }
}

/** The distinct keys of sorted (key, block) pairs. */
function distinctKeys(pairs: Float64Array): number[] {
  const keys: number[] = [];
  for (let i = 0; i < pairs.length; i++) {
    const key = Math.floor(pairs[i]! / BLOCK_SPACE);
    if (keys[keys.length - 1] !== key) keys.push(key);
  }
  return keys;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** The header of an index file from its first bytes (read more when `need` says so); `stale` for an index of another version of this format. */
export function decodeHeader(head: Buffer, fileSize: number): IndexHeader | { need: number } | "stale" {
  const family = INDEX_MAGIC.length - 1;
  if (head.length < INDEX_MAGIC.length + 4 || head.compare(INDEX_MAGIC, 0, family, 0, family) !== 0) throw new IndexDamage("not an index");
  // Another version's index is as good as none: the next build replaces it, nobody need be told.
  if (head[family] !== INDEX_MAGIC[family]) return "stale";
  const length = head.readUInt32LE(INDEX_MAGIC.length);
  const end = INDEX_MAGIC.length + 4 + length;
  if (end > fileSize) throw new IndexDamage("truncated header");
  if (end > head.length) return { need: end };
  let header: IndexHeader;
  try {
    header = JSON.parse(head.toString("utf8", INDEX_MAGIC.length + 4, end)) as IndexHeader;
  } catch {
    throw new IndexDamage("damaged header");
  }
  checkHeader(header, fileSize);
  return header;
}

/** Every offset of the header inside the file, every count sane. */
function checkHeader(h: IndexHeader, fileSize: number): void {
  const ok = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
  const f = h?.file;
  const shape = ok(h?.blocks) && ok(h.lines) && ok(h.table) && Array.isArray(h.bad) && ok(h.bad[0]) && ok(h.bad[1]) && Array.isArray(h.sums) && ok(h.sums[0]) && ok(h.sums[1]) &&
    Array.isArray(h.own) && ok(h.own[0]) && ok(h.own[1]) && ok(h.own[2]) && h.own[0] % 8 === 0 && h.own[1] >= 64 && (h.own[1] & (h.own[1] - 1)) === 0 && h.own[0] + h.own[1] / 8 <= fileSize && typeof f?.name === "string" && typeof f.gz === "boolean" && ok(f.ino) && ok(f.size) && typeof f.mtimeMs === "number" && (f.prefix === undefined || ok(f.prefix));
  if (!shape || h.blocks >= BLOCK_SPACE) throw new IndexDamage("damaged header");
  const tableEnd = h.table + 8 * (h.blocks + 1) * (f.gz ? 2 : 1);
  if (tableEnd > fileSize || h.bad[0] + 4 * h.bad[1] > fileSize || h.table % 8 !== 0) throw new IndexDamage("truncated");
  if (typeof h.sections !== "object" || h.sections === null || INDEXED_FIELDS.some((f) => typeof h.sections[f] !== "object" || h.sections[f] === null)) throw new IndexDamage("damaged header");
  const p = h.postings;
  // postings.ts: a u32 count, then 24 bytes a directory entry.
  if (p !== undefined && !(Array.isArray(p) && p.length === 4 && p.every(ok) && 4 + 24 * p[1] <= p[2])) throw new IndexDamage("damaged header");
  if (p !== undefined && p[0] + p[2] > fileSize) throw new IndexDamage("truncated");
  for (const s of Object.values(h.sections)) {
    if (!ok(s?.at) || !ok(s.bucketsLog2) || !ok(s.bytes) || s.bucketsLog2 > 24 || s.at + s.bytes > fileSize || 4 * (2 ** (s.bucketsLog2 + 1) + 1) > s.bytes) throw new IndexDamage("truncated");
  }
}

/** Throws `IndexDamage` unless `bytes` hash to `sum`. */
export function checkSum(bytes: Uint8Array, sum: number, what: string): void {
  if (hashBytes(bytes, 0, bytes.length) !== sum) throw new IndexDamage(`${what}: checksum mismatch`);
}

/** The blocks of `key` in a bucket's entries; throws `IndexDamage` on entries that do not parse. */
export function blocksInBucket(entries: Buffer, key: number, blocks: number, out: number[]): void {
  blocksOfKeys(entries, new Set([key]), blocks, out);
}

/** The blocks of any of `keys` in entries (a bucket's, or a whole table's). */
export function blocksOfKeys(entries: Buffer, keys: ReadonlySet<number>, blocks: number, out: number[]): void {
  let at = 0;
  const varint = (): number => {
    let n = 0;
    for (let shift = 1; ; shift *= 128) {
      if (at >= entries.length) throw new IndexDamage("damaged entries");
      const b = entries[at++]!;
      n += (b & 0x7f) * shift;
      if (b < 0x80) return n;
    }
  };
  // One key (a lookup's bucket) is compared as is. The key's bytes are read inline: this
  // runs cold at every start, where a call of `readUInt32LE` per entry cost 1.5 ms of a timeline.
  const one = keys.size === 1 ? keys.values().next().value : undefined;
  while (at < entries.length) {
    if (at + 4 > entries.length) throw new IndexDamage("damaged entries");
    const key = (entries[at]! | (entries[at + 1]! << 8) | (entries[at + 2]! << 16) | (entries[at + 3]! << 24)) >>> 0;
    const wanted = one === undefined ? keys.has(key) : key === one;
    at += 4;
    const count = varint();
    const bytes = varint();
    if (!wanted) {
      at += bytes;
      continue;
    }
    const end = at + bytes;
    let block = 0;
    for (let i = 0; i < count; i++) {
      block += varint();
      if (block >= blocks || at > end) throw new IndexDamage("damaged entries");
      out.push(block);
    }
    if (at !== end) throw new IndexDamage("damaged entries");
  }
}
