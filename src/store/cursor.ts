/**
 * Cursors: a position in a store, so that a poller reads "everything since I last
 * looked" exactly once, late events included. A day's lines form one stream in the
 * order they arrived (its `.gz`, decompressed, then its plain file from the first byte
 * the `.gz` does not hold), and compaction and late gzip members only ever add to it;
 * so a cursor holds, for each day, how many bytes of that stream were read and a hash
 * of the bytes just before, which a resumed read checks before trusting the offset.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { UsageError } from "../errors.js";
import { isPlainObject } from "../event/envelope.js";
import { listDayFiles, type DayFile } from "./layout.js";
import { writeWhole } from "./whole-file.js";
import { describeFailure, gzBlocks, type LineBlock, type OnFail } from "./read.js";

/** The bytes before a position that its hash covers: the last line, up to this many bytes (a line's id makes it its own). */
const TAIL = 4096;
const PREFIX = "trace1.";

/** One day's mark: bytes read of its stream, the hash of the bytes before, and the `.gz` seen (inode, size, decompressed length). */
export interface DayMark {
  o: number;
  t: string;
  z?: [number, number, number];
}

/** A position in a store: a mark per day that had lines. */
export interface Cursor {
  days: Record<string, DayMark>;
}

/** What to read of one day file: a plain file's bytes `[start, end)`, or a `.gz`'s decompressed bytes from `skip` on. */
export interface ReadPlan {
  file: DayFile;
  start: number;
  end: number;
  /** For a `.gz`: its blocks from the cursor's offset on (damage told to `onFail`). */
  blocks?: (onFail: OnFail) => AsyncIterable<LineBlock>;
}

/** The hash of the last line of `bytes` (which end at a position, after a newline). */
function tailHash(bytes: Buffer): string {
  const start = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
  return process.getBuiltinModule("node:crypto").createHash("sha256").update(bytes.subarray(start)).digest("hex").slice(0, 16);
}

/**
 * The cursor as text (`trace1.` and base64url JSON), for a file or `--after-cursor`.
 *
 * @example
 * encodeCursor({ days: {} }); // "trace1.eyJkIjp7fX0"
 */
export function encodeCursor(c: Cursor): string {
  return PREFIX + Buffer.from(JSON.stringify({ d: c.days })).toString("base64url");
}

/**
 * Reads a cursor's text; anything that is not one is a UsageError naming `where`.
 *
 * @example
 * decodeCursor(text, "--after-cursor");
 */
export function decodeCursor(text: string, where: string): Cursor {
  const bad = (why: string): UsageError => new UsageError(`${where}: not a trace cursor (${why})`);
  const s = text.trim();
  if (!s.startsWith(PREFIX)) throw bad(`expected ${PREFIX}…`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(s.slice(PREFIX.length), "base64url").toString("utf8"));
  } catch {
    throw bad("its body is not base64url JSON");
  }
  if (!isPlainObject(value) || !isPlainObject(value.d)) throw bad("no days");
  const days: Record<string, DayMark> = {};
  for (const [day, mark] of Object.entries(value.d)) {
    const m = mark as DayMark;
    const ok = /^\d{4}-\d{2}-\d{2}$/.test(day) && isPlainObject(mark) && Number.isSafeInteger(m.o) && m.o >= 0 && typeof m.t === "string";
    if (!ok || (m.z !== undefined && !(Array.isArray(m.z) && m.z.length === 3 && m.z.every(Number.isSafeInteger)))) throw bad(`day ${JSON.stringify(day)}`);
    days[day] = m;
  }
  return { days };
}

/** A day's files: its `.gz` (if any) then its plain file (if any). */
function byDay(files: readonly DayFile[]): Map<string, DayFile[]> {
  const days = new Map<string, DayFile[]>();
  for (const f of files) {
    const list = days.get(f.day);
    if (list) list.push(f);
    else days.set(f.day, [f]);
  }
  return days;
}

/** A `.gz`'s decompressed length, the bytes before `at`, and its last bytes; a damaged one as far as it reads. */
async function measureGz(path: string, at: number): Promise<{ length: number; before: Buffer; last: Buffer }> {
  let length = 0;
  let before: Buffer = Buffer.alloc(0);
  let last: Buffer = Buffer.alloc(0);
  const keep = (held: Buffer, piece: Buffer): Buffer => Buffer.concat([held, piece.subarray(-TAIL)]).subarray(-TAIL);
  try {
    for await (const { buf, end, base } of gzBlocks(path)) {
      if (base < at) before = keep(before, buf.subarray(0, Math.min(end, at - base)));
      last = keep(last, buf.subarray(0, end));
      length = base + end;
    }
  } catch {
    // The damage is told by the read of the day itself.
  }
  return { length, before, last };
}

/** The bytes `[at - TAIL, at)` of a plain file, and its size cut back to its last newline. */
function plainEdge(path: string, at: number | undefined): { size: number; before: Buffer; last: Buffer } {
  const fd = openSync(path, "r");
  try {
    const read = (from: number, n: number): Buffer => {
      const buf = Buffer.alloc(Math.max(0, n));
      return buf.subarray(0, readSync(fd, buf, 0, buf.length, Math.max(0, from)));
    };
    let size = fstatSync(fd).size;
    // A line being written is read next time: the snapshot ends at the last newline.
    for (let probe = size; probe > 0; ) {
      const from = Math.max(0, probe - 4096);
      const chunk = read(from, probe - from);
      const nl = chunk.lastIndexOf(0x0a);
      if (nl !== -1) {
        size = from + nl + 1;
        break;
      }
      if (from === 0) size = 0;
      probe = from;
    }
    return { size, before: at === undefined ? Buffer.alloc(0) : read(at - TAIL, Math.min(TAIL, at)), last: read(size - TAIL, Math.min(TAIL, size)) };
  } finally {
    closeSync(fd);
  }
}

/**
 * What to read of the store after `after` (everything, without it), and the cursor that
 * follows what the plans hold. A day whose bytes before the cursor's offset are not the
 * ones it saw (replaced, truncated, another store's) is a UsageError: never a replay of
 * everything, never a skip. A day the cursor names that is gone was pruned.
 *
 * @example
 * const { plans, next } = await planAfter(dir, decodeCursor(text, "--cursor-file"));
 */
export async function planAfter(dir: string, after: Cursor | undefined, where = "cursor"): Promise<{ plans: ReadPlan[]; next: Cursor; ends: Map<string, number> }> {
  const plans: ReadPlan[] = [];
  // Where the snapshot ends in each plain file: a timeline reads no further.
  const ends = new Map<string, number>();
  const next: Cursor = { days: {} };
  const files = listDayFiles(dir);
  const days = byDay(files);
  const known = Object.keys(after?.days ?? {}).sort();
  if (after && known.length > 0 && !known.some((d) => days.has(d)) && [...days.keys()].some((d) => d <= known.at(-1)!)) {
    throw new UsageError(`${where}: none of its days (${known[0]} … ${known.at(-1)}) is in ${dir}: a cursor of another store?`);
  }
  for (const [day, list] of days) {
    const mark = after?.days[day];
    const from = mark?.o ?? 0;
    const gz = list.find((f) => f.gz);
    const plain = list.find((f) => !f.gz);
    let gzLength = 0;
    let before: Buffer | undefined;
    let last: Buffer = Buffer.alloc(0);
    let z: DayMark["z"];
    if (gz) {
      const st = statSync(gz.path);
      const same = mark?.z && mark.z[0] === st.ino && mark.z[1] === st.size;
      if (same) gzLength = mark.z![2];
      else {
        const measured = await measureGz(gz.path, from);
        [gzLength, before, last] = [measured.length, measured.before, measured.last];
      }
      z = [st.ino, st.size, gzLength];
      if (!same && from < gzLength) plans.push({ file: gz, start: 0, end: Infinity, blocks: (onFail) => skipBlocks(gz.path, from, onFail) });
    }
    let end = gzLength;
    if (plain) {
      const start = plain.start ?? 0;
      const at = from > gzLength ? start + (from - gzLength) : undefined;
      const edge = plainEdge(plain.path, at);
      ends.set(plain.path, edge.size);
      if (at !== undefined) before = edge.before;
      end = gzLength + Math.max(0, edge.size - start);
      if (edge.size > start) last = edge.last;
      const readFrom = Math.max(start, at ?? start);
      if (edge.size > readFrom) plans.push({ file: plain, start: readFrom, end: edge.size });
    } else if (gz && mark?.z && gzLength === mark.z[2]) last = Buffer.from(mark.t, "hex");
    if (mark && from > 0 && (from > end || (before !== undefined && tailHash(before) !== mark.t))) {
      throw new UsageError(`${where}: ${day}: the day's bytes before offset ${from} are not the ones the cursor read (a replaced or truncated file, or another store's cursor)`);
    }
    if (end > 0) next.days[day] = { o: end, t: mark && end === from ? mark.t : tailHash(last), ...(z ? { z } : {}) };
  }
  return { plans, next, ends };
}

/** A `.gz`'s blocks from decompressed byte `skip` on (a line start): the blocks before it dropped, the one across it cut. */
async function* skipBlocks(path: string, skip: number, onFail: OnFail): AsyncGenerator<LineBlock> {
  try {
    for await (const block of gzBlocks(path)) {
      if (block.base + block.end <= skip) continue;
      if (block.base >= skip) yield block;
      else {
        const cut = skip - block.base;
        yield { buf: block.buf.subarray(cut), end: block.end - cut, base: skip };
      }
    }
  } catch (err) {
    onFail(...describeFailure(err, true));
  }
}

/**
 * The cursor a file holds, or undefined when there is no file yet; a file that cannot be
 * read is a UsageError naming it.
 *
 * @example
 * const after = readCursorFile("state/trace.cursor");
 */
export function readCursorFile(path: string): string | undefined {
  try {
    const text = readFileSync(path, "utf8").trim();
    // A central database's position (db:SEQ) is checked by the database's reader.
    if (!/^db:\d+$/.test(text)) decodeCursor(text, `--cursor-file ${path}`);
    return text;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--cursor-file ${path}: cannot read (${(err as Error).message})`);
  }
}

/**
 * Writes a cursor to a file whole or not at all: a temporary name beside it, then renamed.
 *
 * @example
 * writeCursorFile("state/trace.cursor", cursor.next);
 */
export function writeCursorFile(path: string, cursor: string): void {
  try {
    writeWhole(path, cursor + "\n");
  } catch (err) {
    throw new UsageError(`--cursor-file ${path}: cannot write (${(err as Error).message})`);
  }
}
