/**
 * Building a day's index: one pass over the day, each line's indexed fields read as the
 * search reads them (the line check where it is sure, JSON.parse elsewhere), each value's
 * key noted with the block it is in. A plain day is cut into blocks of about
 * `BLOCK_BYTES` of whole lines; a `.gz` day into runs of its gzip members that end at a
 * line's end, so that a block is read by inflating its members alone.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, statSync } from "node:fs";
import { createFieldReader, createSearchPool, INDEXED_FIELDS, type IndexedField, type SearchPool } from "../engine/facade.js";
import { wholeLinesEnd } from "../store/lines.js";
import { gzMembers } from "../store/gz-members.js";
import type { DayFile } from "../store/layout.js";
import { lineBlocks } from "../store/read.js";
import { currentIdentity, identityOf, prefixHolds, prefixSum, sameFile } from "./files.js";
import { BLOCK_SPACE, encodeIndex, type IndexParts } from "./encoding.js";
import { keyOfBytes } from "./hash.js";
import { createLineTable, encodePostings, POSTING_FIELDS, type SeenValue } from "./postings.js";

/** A plain day's blocks hold about this many bytes: a lookup reads a few of them. */
const BLOCK_BYTES = 16 << 10;
/** A compressed file read whole to find its members; larger ones get no index. */
const MAX_GZ_BYTES = 64 << 20;

/** A growable array of (key, block) pairs. */
function createPairs(): { push(n: number): void; sorted(): Float64Array } {
  let buf = new Float64Array(1024);
  let length = 0;
  return {
    push(n) {
      if (length === buf.length) {
        const bigger = new Float64Array(buf.length * 2);
        bigger.set(buf);
        buf = bigger;
      }
      buf[length++] = n;
    },
    sorted: () => buf.subarray(0, length).sort(),
  };
}

/** What the lines of a day add up to, block by block. */
function createCollector(pool: SearchPool) {
  const reader = createFieldReader(pool);
  const pairs = Object.fromEntries(INDEXED_FIELDS.map((f) => [f, createPairs()])) as Record<IndexedField, ReturnType<typeof createPairs>>;
  const bad: number[] = [];
  let block = 0;
  let lines = 0;
  // Values that recur (agents, targets, primitives) are noted once per block; of a plain day, line by line too, for the postings of the common ones.
  const seen = { agent_id: new Map<number, SeenValue>(), target_id: new Map<number, SeenValue>(), primitive: new Map<number, SeenValue>() };
  const table = createLineTable();
  const onField = (field: IndexedField, b: Buffer, s: number, e: number): void => {
    const key = keyOfBytes(field, b, s, e);
    if (field !== "id" && field !== "parent_event_id") {
      const values = seen[field];
      let v = values.get(key);
      const code = POSTING_FIELDS.indexOf(field);
      if (v === undefined) values.set(key, (v = table.seen(block)));
      else if (v.block !== block) {
        v.block = block;
        v.blocks++;
      } else return table.value(code, v);
      table.value(code, v);
    }
    pairs[field].push(key * BLOCK_SPACE + block);
  };
  return {
    set block(n: number) {
      block = n;
    },
    /** Visits the lines of `buf[0, end)`, by SIMD where it can. */
    eachLine: reader.eachLine,
    /** Reads the line `buf[s, e)`, which starts at byte `at` of a plain day (NaN in a `.gz`). */
    line(buf: Buffer, s: number, e: number, at = NaN): void {
      lines++;
      if (at >= 0) table.line(at);
      if (reader.read(buf, s, e, onField) === undefined && bad[bad.length - 1] !== block) bad.push(block);
    },
    parts(file: IndexParts["file"], starts: number[], compressed?: number[]): IndexParts {
      const sorted = Object.fromEntries(INDEXED_FIELDS.map((f) => [f, pairs[f].sorted()])) as Record<IndexedField, Float64Array>;
      const postings = compressed ? undefined : encodePostings(table, seen, starts.length - 1);
      return { file, lines, starts, ...(compressed ? { compressed } : {}), bad, pairs: sorted, postings };
    },
  };
}

/**
 * A day's index built as a sealed day or, with `open`, over an open day's lines so far;
 * read once more when the day changed while being read (a late event, compaction).
 * "gone" when the day file is gone by then: compacted or pruned, not a build's to index.
 *
 * @example
 * const index = await buildDay({ day: "2026-11-20", path, gz: false }, false);
 */
export async function buildDay(file: DayFile, open: boolean, pool: SearchPool = createSearchPool()): Promise<Buffer | "gone" | undefined> {
  const build = open ? buildOpenDayIndex : buildDayIndex;
  const index = (await build(file, pool)) ?? (existsSync(file.path) ? await build(file, pool) : undefined);
  return index ?? (existsSync(file.path) ? undefined : "gone");
}

/**
 * The index of a day file as bytes, or undefined when the day cannot be indexed: it
 * cannot be read whole (damage, a `.gz` too large), or it changed while being read.
 *
 * @example
 * const bytes = await buildDayIndex({ day: "2026-11-20", path, gz: false });
 */
export async function buildDayIndex(file: DayFile, pool: SearchPool = createSearchPool()): Promise<Buffer | undefined> {
  const before = statSync(file.path, { throwIfNoEntry: false });
  if (!before || (file.start ?? 0) > 0) return undefined;
  const identity = identityOf(file, before);
  const parts = file.gz ? gzParts(file, identity, pool) : await plainParts(file, identity, before.size, pool);
  if (!parts) return undefined;
  const after = statSync(file.path, { throwIfNoEntry: false });
  if (!after || !sameFile(identity, identityOf(file, after))) return undefined;
  return encodeIndex(parts, INDEXED_FIELDS);
}

/**
 * The index of the whole lines an open day holds now (writers append while it is
 * read: what comes after is for a later build), or undefined: no whole line yet, a
 * compressed day, or a day rewritten rather than grown meanwhile.
 *
 * @example
 * const bytes = await buildOpenDayIndex({ day: "2026-12-05", path, gz: false });
 */
export async function buildOpenDayIndex(file: DayFile, pool: SearchPool = createSearchPool()): Promise<Buffer | undefined> {
  if (file.gz || (file.start ?? 0) > 0) return undefined;
  let fd: number;
  try {
    fd = openSync(file.path, "r");
  } catch {
    return undefined;
  }
  try {
    const before = fstatSync(fd);
    const covered = wholeLinesEnd(fd, before.size);
    const prefix = covered > 0 ? prefixSum(fd, covered) : undefined;
    if (prefix === undefined) return undefined;
    const identity = { ...identityOf(file, before), size: covered, prefix };
    const parts = await plainParts(file, identity, covered, pool);
    const now = currentIdentity(file, fd);
    return parts && now && prefixHolds(identity, now, fd) ? encodeIndex(parts, INDEXED_FIELDS) : undefined;
  } finally {
    closeSync(fd);
  }
}

async function plainParts(file: DayFile, identity: IndexParts["file"], size: number, pool: SearchPool): Promise<IndexParts | undefined> {
  const collect = createCollector(pool);
  const starts = [0];
  let failed = false;
  for await (const { buf, end, base } of lineBlocks(file, 0, size, pool, () => void (failed = true))) {
    collect.eachLine(buf, end, (s, e) => {
      const at = base + s;
      if (at - starts[starts.length - 1]! >= BLOCK_BYTES) {
        starts.push(at);
        collect.block = starts.length - 1;
      }
      collect.line(buf, s, e, at);
    });
  }
  if (failed) return undefined;
  starts.push(size);
  return collect.parts(identity, starts);
}

function gzParts(file: DayFile, identity: IndexParts["file"], pool: SearchPool): IndexParts | undefined {
  if (identity.size > MAX_GZ_BYTES) return undefined;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file.path);
  } catch {
    return undefined;
  }
  // An empty `.gz` is damage the scan reports: left to it.
  if (bytes.length !== identity.size || bytes.length === 0) return undefined;
  const collect = createCollector(pool);
  const [starts, compressed] = [[0], [0]];
  // A block is whole members that end at a line's end: pieces wait in `held` until one does.
  let held: Buffer[] = [];
  let at = 0;
  const slot = pool.take();
  const flush = (end: number): void => {
    const data = held.length === 1 ? held[0]! : Buffer.concat(held);
    held = [];
    // Copied into the pool's memory when it fits, where the line check can read it.
    const buf = data.length <= slot.length ? slot.subarray(0, data.copy(slot)) : data;
    collect.block = starts.length - 1;
    collect.eachLine(buf, buf.length, (s, e) => collect.line(buf, s, e));
    at += data.length;
    starts.push(at);
    compressed.push(end);
  };
  try {
    for (const member of gzMembers(bytes)) {
      held.push(member.data);
      const last = member.data.length > 0 ? member.data[member.data.length - 1] : 0x0a;
      if (last === 0x0a) flush(member.end);
    }
    if (held.length > 0) flush(bytes.length);
  } catch {
    return undefined;
  } finally {
    pool.give(slot);
  }
  return collect.parts(identity, starts, compressed);
}
