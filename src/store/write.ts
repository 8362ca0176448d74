import { closeSync, constants, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readSync, writeSync } from "node:fs";
import type { EventInput, TraceEvent } from "../event/envelope.js";
import { createIdSource } from "../event/id.js";
import { makeEvent } from "../event/make.js";
import { createSerializer } from "../event/serialize.js";
import { lockDay } from "./day-lock.js";
import { createDayLookup, dayFilePath, dayStart, resolveStoreDir } from "./layout.js";


/** Options shared by the writers. */
export interface WriterOptions {
  /** Store folder; default as `resolveStoreDir()` finds it. */
  dir?: string;
  /** fsync every write (sync writer) or every flush (batch writer): survives power loss. */
  fsync?: boolean;
}

/** A synchronous writer: every `emit` is one `write` of one whole line. */
export interface Writer {
  /** Validates, writes and returns the event; throws UsageError before writing anything bad. */
  emit(input: EventInput): TraceEvent;
  /** Closes the open day files. */
  close(): void;
}

// Read-write so the writer can look at the last byte for a torn line; never through a
// symlink, which could point outside the store.
const APPEND = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;
const MAX_OPEN_DAYS = 4;
const DAY_MS = 86_400_000;
/** Writes this close to a day's end take its lock too: compaction may start on the next day's first millisecond. */
const LOCK_MARGIN_MS = 60_000;

/** An open day file and what the writer knows of its tail. */
interface DaySink {
  dir: string;
  day: string;
  fd: number;
  gz: boolean;
  /** When the day ends (ms): later writes to it take the day's lock. */
  endsAt: number;
  /** The file's size after this writer's last write, which ended in a newline; -1 before any. */
  wrote: number;
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
  return { dir, day, fd, gz, endsAt: dayStart(day) + DAY_MS, wrote: -1 };
}

/**
 * Checks an open day file before a write: reopens it when it was removed (compacted or
 * pruned), and says whether it ends in a torn line that the write must start after. A
 * file still at the size this writer's own last line left it cannot have a torn tail,
 * so the last byte is read only when someone else wrote since.
 */
function ready(sink: DaySink): { size: number; torn: boolean } {
  let st = fstatSync(sink.fd);
  if (st.nlink === 0) {
    closeSync(sink.fd);
    Object.assign(sink, openDay(sink.dir, sink.day));
    st = fstatSync(sink.fd);
  }
  if (sink.gz || st.size === 0 || st.size === sink.wrote) return { size: st.size, torn: false };
  const last = Buffer.alloc(1);
  readSync(sink.fd, last, 0, 1, st.size - 1);
  return { size: st.size, torn: last[0] !== 0x0a };
}

/**
 * Writes whole lines to the day's file with one `write`, after a newline when the
 * file ends in a torn line. A day that has ended may be compacted at any moment:
 * writes to it hold the day's lock, under which the file is known to be still linked.
 * When the file grew by more than this write, another process wrote between the check
 * and the write: if that was a fragment our first line now continues, it is written
 * again, alone (the merged line is one bad line, never a valid event).
 */
function appendBytes(sink: DaySink, data: string | Buffer, now: number, durable: boolean): void {
  const release = now + LOCK_MARGIN_MS >= sink.endsAt ? lockDay(sink.dir, sink.day) : undefined;
  try {
    const tail = ready(sink);
    if (sink.gz) {
      // zlib is loaded only for a compressed day: `trace emit` would pay ~3 ms to load it.
      writeWhole(sink.fd, process.getBuiltinModule("node:zlib").gzipSync(data));
    } else {
      let [size, out] = [tail.size, tail.torn ? isolated(data) : data];
      for (;;) {
        const written = writeWhole(sink.fd, out);
        const after = fstatSync(sink.fd).size;
        // The file ends with our newline only when no one else wrote meanwhile.
        sink.wrote = after === size + written ? after : -1;
        if (sink.wrote !== -1 || landedWhole(sink.fd, out, size, after)) break;
        [size, out] = [after, isolated(data)];
      }
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

/** Builds events and their lines, remembering what it already checked and wrote. */
function createEncoder(): (input: EventInput, now: number) => { event: TraceEvent; line: string } {
  const nextId = createIdSource();
  const checked = new Map<string, Set<string>>();
  const serialize = createSerializer();
  return (input, now) => {
    const event = makeEvent(input, nextId, now, checked);
    return { event, line: serialize(event) };
  };
}

/** Keeps a few day files open; a writer usually touches one day at a time. */
function createSinks(dir: string): { get(day: string): DaySink; closeAll(): void } {
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

/**
 * Opens a synchronous writer. An event `emit` returned is in the file (page cache).
 * `tick` hears the time of each emit (automatic retention listens there, a layer up).
 *
 * @example
 * const w = openStoreWriter({ dir: ".space/trace" });
 * const e = w.emit({ primitive: "ops", event_type: "create_task", agent_id: "zealot-1", target_id: "task-1" });
 * w.close();
 */
export function openStoreWriter(options: WriterOptions = {}, tick?: (now: number) => void): Writer {
  const dir = resolveStoreDir({ dir: options.dir });
  const sinks = createSinks(dir);
  const encode = createEncoder();
  const dayOf = createDayLookup();
  return {
    emit(input) {
      const now = Date.now();
      const { event, line } = encode(input, now);
      appendBytes(sinks.get(dayOf(event.timestamp)), line, now, options.fsync === true);
      tick?.(now);
      return event;
    },
    close() {
      sinks.closeAll();
    },
  };
}

/** A buffered writer: events reach the file on `flush`, `close` or process exit. */
export interface BatchWriter extends Writer {
  /** Writes everything buffered, one `write` per day (whole lines only). */
  flush(): void;
}

/**
 * A day's buffered lines: encoded in `buf[0, used)`, and the last few still joined as
 * one string. One `write` for a few dozen lines costs less than one per line: a line
 * is a rope of short pieces, and per line a `write` call's fixed cost dominates.
 */
interface DayBuffer {
  buf: Buffer;
  used: number;
  joined: string;
  lines: number;
}

/** Signals on which a batch writer flushes before the process ends. */
const FLUSH_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const JOIN_LINES = 32;
const JOIN_UNITS = 16 << 10;

/**
 * Opens a batch writer for high rates. Buffered events are written on `flush()`,
 * when the buffer passes `maxBytes`, on `close()`, and at process exit.
 *
 * @example
 * const b = openBatchWriter({ dir });
 * for (const e of inputs) b.emit(e);
 * b.close();
 */
export function openBatchWriter(options: WriterOptions & { maxBytes?: number } = {}): BatchWriter {
  const dir = resolveStoreDir({ dir: options.dir });
  const sinks = createSinks(dir);
  const encode = createEncoder();
  const dayOf = createDayLookup();
  const maxBytes = options.maxBytes ?? 1 << 20;
  const pending = new Map<string, DayBuffer>();
  const writeOut = (day: string, block: DayBuffer, now: number): void => {
    if (block.used === 0) return;
    appendBytes(sinks.get(day), block.buf.subarray(0, block.used), now, options.fsync === true);
    block.used = 0;
  };
  const commit = (day: string, block: DayBuffer): void => {
    if (block.joined === "") return;
    // 3 bytes per UTF-16 unit is the most UTF-8 can take: no need to measure first.
    const room = block.joined.length * 3;
    if (block.used + room > block.buf.length) {
      writeOut(day, block, Date.now());
      if (room > block.buf.length) block.buf = Buffer.allocUnsafe(room);
    }
    block.used += block.buf.write(block.joined, block.used, "utf8");
    block.joined = "";
    block.lines = 0;
  };
  const flush = (): void => {
    const now = Date.now();
    for (const [day, block] of pending) {
      commit(day, block);
      writeOut(day, block, now);
    }
  };
  const onExit = (): void => flush();
  // pino's best-known loss: a buffer dropped on Ctrl-C or a service stop. Flush, then let
  // the signal do what it would have done, unless someone else also listens for it.
  const onSignal = (signal: NodeJS.Signals): void => {
    flush();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.on("exit", onExit);
  for (const signal of FLUSH_SIGNALS) process.once(signal, onSignal);
  return {
    emit(input) {
      const { event, line } = encode(input, Date.now());
      const day = dayOf(event.timestamp);
      let block = pending.get(day);
      if (!block) pending.set(day, (block = { buf: Buffer.allocUnsafe(maxBytes), used: 0, joined: "", lines: 0 }));
      block.joined += line;
      if (++block.lines === JOIN_LINES || block.joined.length > JOIN_UNITS) commit(day, block);
      return event;
    },
    flush,
    close() {
      flush();
      process.off("exit", onExit);
      for (const signal of FLUSH_SIGNALS) process.off(signal, onSignal);
      sinks.closeAll();
    },
  };
}
