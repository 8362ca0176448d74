import { closeSync, constants, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, writeSync } from "node:fs";
import type { EventInput, TraceEvent } from "../event/envelope.js";
import { createIdSource } from "../event/id.js";
import { makeEvent } from "../event/make.js";
import { createSerializer } from "../event/serialize.js";
import { createDayLookup, dayFilePath, resolveStoreDir } from "./layout.js";


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

// Read-write so the writer can look at the last byte for a torn line.
const APPEND = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT;
/** How often a long-lived writer re-checks a file's tail for a torn line left by another process. */
const TAIL_RECHECK_MS = 100;
const MAX_OPEN_DAYS = 4;

/** An open day file and what the writer knows of its tail. */
interface DaySink {
  dir: string;
  day: string;
  fd: number;
  gz: boolean;
  checkedAt: number;
}

/**
 * Opens a day file for appending. A `.gz` day without a plain file (compacted)
 * takes new events as gzip members, so a day never exists twice.
 */
function openDay(dir: string, day: string): DaySink {
  const plain = dayFilePath(dir, day);
  const gz = !existsSync(plain) && existsSync(`${plain}.gz`);
  return { dir, day, fd: openSync(gz ? `${plain}.gz` : plain, APPEND, 0o644), gz, checkedAt: -Infinity };
}

/**
 * Re-checks an open day file: reopens it when it was removed (compacted or pruned)
 * and says whether it ends in a torn line that the next write must start after.
 */
function recheck(sink: DaySink): boolean {
  let st = fstatSync(sink.fd);
  if (st.nlink === 0) {
    closeSync(sink.fd);
    Object.assign(sink, openDay(sink.dir, sink.day));
    st = fstatSync(sink.fd);
  }
  if (sink.gz || st.size === 0) return false;
  const last = Buffer.alloc(1);
  readSync(sink.fd, last, 0, 1, st.size - 1);
  if (last[0] === 0x0a) return false;
  // A file still growing is another writer's line in flight, not a torn one.
  return fstatSync(sink.fd).size === st.size;
}

/** Writes whole lines to the day's file with one `write`, repairing a torn tail first. */
function appendBytes(sink: DaySink, data: string | Buffer, now: number, durable: boolean): void {
  if (now - sink.checkedAt > TAIL_RECHECK_MS) {
    if (recheck(sink)) data = typeof data === "string" ? "\n" + data : Buffer.concat([NEWLINE, data]);
    sink.checkedAt = now;
  }
  // zlib is loaded only for a compressed day: `trace emit` would pay ~3 ms to load it.
  writeWhole(sink.fd, sink.gz ? process.getBuiltinModule("node:zlib").gzipSync(data) : data);
  if (durable) fsyncSync(sink.fd);
}

const NEWLINE = Buffer.from("\n");

function writeWhole(fd: number, data: string | Buffer): void {
  const length = typeof data === "string" ? Buffer.byteLength(data) : data.length;
  const written = typeof data === "string" ? writeSync(fd, data) : writeSync(fd, data, 0, data.length);
  // A short write leaves a torn line; the next writer's newline isolates it.
  if (written !== length) throw new Error(`short write: ${written} of ${length} bytes`);
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
  process.on("exit", onExit);
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
      sinks.closeAll();
    },
  };
}
