/**
 * An open day file as a writer holds it: opening a day (plain, or `.gz` once compacted;
 * never through a symlink), and appending whole lines with every check a write needs —
 * a torn tail, a fragment that slipped in, a file compaction removed.
 */
import { closeSync, constants, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readSync, writeSync } from "node:fs";
import { lockDay } from "./day-lock.js";
import { dayFilePath, dayStart } from "./layout.js";

// Read-write so the writer can look at the last byte for a torn line; never through a
// symlink, which could point outside the store.
const APPEND = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;
const MAX_OPEN_DAYS = 4;
const DAY_MS = 86_400_000;
/** Writes this close to a day's end take its lock too: compaction may start on the next day's first millisecond. */
const LOCK_MARGIN_MS = 60_000;
/** How often a writer checks that today's file is still the one it holds. */
const RECHECK_MS = 100;

/** An open day file and what the writer knows of its tail. */
export interface DaySink {
  dir: string;
  day: string;
  fd: number;
  gz: boolean;
  /** When the day ends (ms): later writes to it take the day's lock. */
  endsAt: number;
  /** The file's size after this writer's last write, which ended in a newline; -1 when not known (before any, or after another process wrote). */
  wrote: number;
  /** When the file was last checked to be still linked. */
  checkedAt: number;
  /** One byte to read into. */
  probe: Buffer;
}

/**
 * Opens a day file for appending. A `.gz` day without a plain file (compacted)
 * takes new events as gzip members, so a day never exists twice. A day file that is
 * not a regular file (a symlink, a FIFO) is refused: the writer writes only inside the
 * store, and readers would skip it anyway.
 */
function openDay(dir: string, day: string): DaySink {
  const plain = dayFilePath(dir, day);
  const gz = lstatSync(plain, { throwIfNoEntry: false }) === undefined && lstatSync(`${plain}.gz`, { throwIfNoEntry: false }) !== undefined;
  const path = gz ? `${plain}.gz` : plain;
  let fd: number;
  try {
    fd = openSync(path, APPEND, 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ELOOP") throw new Error(`${path}: a symbolic link; trace writes only regular day files inside the store`);
    throw err;
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new Error(`${path}: not a regular file; trace writes only regular day files inside the store`);
  }
  return { dir, day, fd, gz, endsAt: dayStart(day) + DAY_MS, wrote: -1, checkedAt: -Infinity, probe: Buffer.alloc(1) };
}

/** Reopens the day when its file was removed (compacted, pruned or replaced): the file a reader now sees. */
function reopen(sink: DaySink): void {
  closeSync(sink.fd);
  Object.assign(sink, openDay(sink.dir, sink.day));
}

/**
 * The tail before a write whose file state the writer does not know (its first write, or
 * after another process wrote): the size, and whether the last byte leaves a torn line.
 */
function tailOf(sink: DaySink): { size: number; torn: boolean } {
  const { size } = fstatSync(sink.fd);
  if (size === 0) return { size, torn: false };
  readSync(sink.fd, sink.probe, 0, 1, size - 1);
  return { size, torn: sink.probe[0] !== 0x0a };
}

/**
 * Writes whole lines to the day's file with one `write`, sure that the first stands
 * alone. The writer knows where its own last line ended; one byte read there says
 * whether anyone wrote since (then the tail is checked for a torn line, and a newline
 * goes first when it is one), and one byte read where this write would end if it
 * started there says whether it did:
 * - it did: the line stands after a newline;
 * - it did not: another process wrote between the check and the write; if the byte
 *   before the line is not a newline, that was a fragment the line now continues, and
 *   the line is written again, alone (the merged line is one bad line, never an event).
 * A day that has ended may be compacted at any moment: writes to it hold the day's lock
 * and check under it that the file is still linked (else the day is reopened), so no
 * removal falls between the check and the write. Today's file is checked every 100 ms
 * (someone may delete or replace it by hand).
 */
export function appendBytes(sink: DaySink, data: string | Buffer, now: number, durable: boolean): void {
  const release = now + LOCK_MARGIN_MS >= sink.endsAt ? lockDay(sink.dir, sink.day) : undefined;
  try {
    if (release || now - sink.checkedAt > RECHECK_MS) {
      const st = fstatSync(sink.fd);
      if (st.nlink === 0) reopen(sink);
      else if (st.size < sink.wrote) sink.wrote = -1;
      sink.checkedAt = now;
    }
    for (let out = data; ; ) {
      if (sink.gz) {
        // zlib is loaded only for a compressed day: `trace emit` would pay ~3 ms to load it.
        writeWhole(sink.fd, process.getBuiltinModule("node:zlib").gzipSync(data));
        break;
      }
      // The descriptor stands where this writer's last line ended: a byte there is someone else's.
      let from = sink.wrote !== -1 && readSync(sink.fd, sink.probe, 0, 1, null) === 0 ? sink.wrote : -1;
      if (from === -1) {
        const tail = tailOf(sink);
        from = tail.size;
        if (tail.torn) out = isolated(data);
      }
      const written = writeWhole(sink.fd, out);
      if (readSync(sink.fd, sink.probe, 0, 1, from + written) === 0) {
        sink.wrote = from + written;
        break;
      }
      sink.wrote = -1;
      if (landedWhole(sink.fd, out, from, fstatSync(sink.fd).size)) break;
      out = isolated(data);
    }
    if (durable) fsyncSync(sink.fd);
  } finally {
    release?.();
  }
}

/** `data` after a newline. */
function isolated(data: string | Buffer): string | Buffer {
  return typeof data === "string" ? "\n" + data : Buffer.concat([NEWLINE, data]);
}

/**
 * True when `out`, written somewhere in the file's bytes [from, to), starts a line (or
 * starts with its own newline); true as well when it cannot be found there (the file
 * was replaced): then there is nothing to repair.
 */
function landedWhole(fd: number, out: string | Buffer, from: number, to: number): boolean {
  const bytes = typeof out === "string" ? Buffer.from(out) : out;
  if (bytes[0] === 0x0a) return true;
  const seen = Buffer.allocUnsafe(to - from);
  const n = readSync(fd, seen, 0, seen.length, from);
  const at = seen.subarray(0, n).indexOf(bytes);
  // At `from` stood the byte the check read before the write: a newline.
  return at <= 0 || seen[at - 1] === 0x0a;
}

const NEWLINE = Buffer.from("\n");

/** One `write` of all of `data`; returns its length in bytes. */
function writeWhole(fd: number, data: string | Buffer): number {
  const length = typeof data === "string" ? Buffer.byteLength(data) : data.length;
  const written = typeof data === "string" ? writeSync(fd, data) : writeSync(fd, data, 0, data.length);
  // A short write leaves a torn line; the next writer's newline isolates it.
  if (written !== length) throw new Error(`short write: ${written} of ${length} bytes`);
  return written;
}

/** Keeps a few day files open; a writer usually touches one day at a time. */
export function createSinks(dir: string): { get(day: string): DaySink; closeAll(): void } {
  const open = new Map<string, DaySink>();
  let madeDir = false;
  return {
    get(day) {
      let sink = open.get(day);
      if (sink) return sink;
      if (!madeDir) {
        mkdirSync(dir, { recursive: true });
        madeDir = true;
      }
      if (open.size >= MAX_OPEN_DAYS) {
        const [oldest, old] = open.entries().next().value as [string, DaySink];
        closeSync(old.fd);
        open.delete(oldest);
      }
      sink = openDay(dir, day);
      open.set(day, sink);
      return sink;
    },
    closeAll() {
      for (const sink of open.values()) closeSync(sink.fd);
      open.clear();
    },
  };
}
