/**
 * The postings of a day's common values (docs/format.md): a value in more than an
 * eighth of a day's blocks (an agent active all day, a primitive) is in most of them,
 * so its blocks name the whole day and a block index saves nothing. For such a value
 * the index keeps the byte offset of each line that holds it: a query reads those lines
 * alone (one read each where they are far apart, else out of the day read in large
 * runs) and searches only them instead of every byte (store/pick-lines.ts).
 */
import type { IndexedField } from "../engine/facade.js";
import { checkSum, IndexDamage } from "./encoding.js";
import { hashBytes } from "./hash.js";

/** The fields whose common values get postings: ids are never common. */
export const POSTING_FIELDS = ["agent_id", "target_id", "primitive"] as const;
/** A field with postings. */
export type PostingField = (typeof POSTING_FIELDS)[number];
/** A value in more than this share of a day's blocks gets postings. */
const COMMON_SHARE = 1 / 8;
/** A day of fewer blocks gets none: read whole, it is a few reads. */
const MIN_BLOCKS = 8;
/** A directory entry: field, key, body offset, body bytes, count, checksum (u32 each). */
const ENTRY_BYTES = 24;

/** Where the postings stand in an index: offset, directory entries, bytes in all, the directory's checksum. */
export type PostingsPlace = [at: number, entries: number, bytes: number, sum: number];

/** A value of a posting field as a build meets it: the last block it was in, in how many blocks, on how many lines, and its number in the line table. */
export interface SeenValue {
  block: number;
  blocks: number;
  lines: number;
  id: number;
}

/** Each line's offset and the numbers of its posting fields' values, in file order: a row per line, -1 where a line has no value. */
export interface LineTable {
  /** A line starts at `at`: the values told next are its own. */
  line(at: number): void;
  /** The current line's value of `POSTING_FIELDS[field]`. */
  value(field: number, v: SeenValue): void;
  /** A value first met in `block`, numbered. */
  seen(block: number): SeenValue;
}

/** A line table that grows as a build reads a plain day. */
export function createLineTable(): LineTable & { rows(): { starts: Float64Array; ids: Int32Array[]; values: number } } {
  let starts = new Float64Array(4096);
  // A line without a value of a field keeps -1 there: columns are made so.
  const column = (size: number): Int32Array => new Int32Array(size).fill(-1);
  let ids = POSTING_FIELDS.map(() => column(4096));
  let [n, values] = [-1, 0];
  return {
    line(at) {
      if (++n === starts.length) {
        const more = new Float64Array(n * 2);
        more.set(starts);
        starts = more;
        ids = ids.map((old) => {
          const bigger = column(n * 2);
          bigger.set(old);
          return bigger;
        });
      }
      starts[n] = at;
    },
    value(field, v) {
      if (n < 0) return;
      ids[field]![n] = v.id;
      v.lines++;
    },
    seen: (block) => ({ block, blocks: 1, lines: 0, id: values++ }),
    rows: () => ({ starts: starts.subarray(0, n + 1), ids: ids.map((column) => column.subarray(0, n + 1)), values }),
  };
}

/**
 * The postings section's bytes, or undefined when no value is common (in more than
 * `COMMON_SHARE` of the day's `blocks`): a directory of `ENTRY_BYTES` per (field,
 * key), then each list as varint deltas of line offsets.
 */
export function encodePostings(table: ReturnType<typeof createLineTable>, seen: Record<PostingField, ReadonlyMap<number, SeenValue>>, blocks: number): { bytes: Buffer; entries: number; sum: number } | undefined {
  if (blocks < MIN_BLOCKS) return undefined;
  const { starts, ids, values } = table.rows();
  const common: [field: number, key: number, v: SeenValue][] = [];
  for (const [code, field] of POSTING_FIELDS.entries()) for (const [key, v] of seen[field]) if (v.blocks > blocks * COMMON_SHARE) common.push([code, key, v]);
  if (common.length === 0) return undefined;
  // Each common value's list by its number, in one buffer at 5 bytes a line at most (a varint of a delta below 2^35).
  const place = new Int32Array(values).fill(-1);
  const from = new Float64Array(common.length + 1);
  for (const [p, [, , v]] of common.entries()) [place[v.id], from[p + 1]] = [p, from[p]! + 5 * v.lines];
  const out = Buffer.allocUnsafe(from[common.length]!);
  const ends = writeLists(starts, ids, place, out, from.slice(0, common.length));
  const lists = common.map(([code, key, v], p) => [code, key, out.subarray(from[p]!, ends[p]!), v.lines] as const);
  const dir = Buffer.alloc(4 + lists.length * ENTRY_BYTES);
  dir.writeUInt32LE(lists.length, 0);
  let offset = 0;
  for (const [k, [field, key, body, count]] of lists.entries()) {
    const at = 4 + k * ENTRY_BYTES;
    for (const [j, n] of [field, key, offset, body.length, count, hashBytes(body, 0, body.length)].entries()) dir.writeUInt32LE(n, at + 4 * j);
    offset += body.length;
  }
  return { bytes: Buffer.concat([dir, ...lists.map(([, , body]) => body)]), entries: lists.length, sum: hashBytes(dir, 0, dir.length) };
}

/** One pass over the lines writes every list's varint deltas into `out` from `ends[p]`; returns where each ends. Its own function: a loop alone is optimized alone. */
function writeLists(starts: Float64Array, ids: Int32Array[], place: Int32Array, out: Uint8Array, ends: Float64Array): Float64Array {
  const last = new Float64Array(ends.length);
  for (let i = 0; i < starts.length; i++) {
    for (let c = 0; c < ids.length; c++) {
      const id = ids[c]![i]!;
      const p = id < 0 ? -1 : place[id]!;
      if (p < 0) continue;
      let d = starts[i]! - last[p]!;
      let o = ends[p]!;
      last[p] = starts[i]!;
      for (; d >= 0x80; d = Math.floor(d / 128)) out[o++] = (d & 0x7f) | 0x80;
      out[o++] = d;
      ends[p] = o;
    }
  }
  return ends;
}

/** Reads `length` bytes at `at` of an index, or throws `IndexDamage`. */
export type IndexRead = (at: number, length: number) => Buffer;

/**
 * The postings of one index: `list(field, key)` is the offsets of the lines holding the
 * key, ascending, or undefined when the key has none (not common that day, or absent).
 * The directory is read and checked on first use; a list when asked for.
 */
export function openPostings(place: PostingsPlace, read: IndexRead): { list(field: IndexedField, key: number): Float64Array | undefined } {
  const [at, entries, bytes, sum] = place;
  let dir: Uint32Array | undefined;
  const directory = (): Uint32Array => {
    if (dir) return dir;
    const raw = read(at, 4 + entries * ENTRY_BYTES);
    checkSum(raw, sum, "postings directory");
    if (raw.readUInt32LE(0) !== entries) throw new IndexDamage("damaged postings directory");
    return (dir = new Uint32Array(raw.buffer.slice(raw.byteOffset + 4, raw.byteOffset + raw.length)));
  };
  const body = at + 4 + entries * ENTRY_BYTES;
  return {
    list(field, key) {
      const code = (POSTING_FIELDS as readonly string[]).indexOf(field);
      if (code === -1) return undefined;
      const d = directory();
      for (let k = 0; k < entries; k++) {
        const e = k * (ENTRY_BYTES / 4);
        if (d[e] !== code || d[e + 1] !== key) continue;
        const [from, length, count] = [d[e + 2]!, d[e + 3]!, d[e + 4]!];
        if (body + from + length > at + bytes) throw new IndexDamage("damaged postings directory");
        const raw = read(body + from, length);
        checkSum(raw, d[e + 5]!, "postings");
        return decodeDeltas(raw, count);
      }
      return undefined;
    },
  };
}

function decodeDeltas(raw: Buffer, count: number): Float64Array {
  const out = new Float64Array(count);
  let [at, last] = [0, 0];
  for (let i = 0; i < count; i++) {
    let n = 0;
    for (let shift = 1; ; shift *= 128) {
      if (at >= raw.length) throw new IndexDamage("damaged postings");
      const b = raw[at++]!;
      n += (b & 0x7f) * shift;
      if (b < 0x80) break;
    }
    out[i] = last += n;
  }
  if (at !== raw.length) throw new IndexDamage("damaged postings");
  return out;
}
