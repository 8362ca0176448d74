/** The writers: one `write` per event, or buffered behind an explicit flush. */
import type { EventInput, TraceEvent } from "../event/envelope.js";
import { createIdSource } from "../event/id.js";
import { makeEvent } from "../event/make.js";
import { createSerializer } from "../event/serialize.js";
import { appendBytes, createSinks } from "./day-sink.js";
import { createDayLookup, resolveStoreDir } from "./layout.js";
import { isTombstone, registerTombstone } from "./tombstones.js";

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
      if (isTombstone(event)) registerTombstone(dir, event);
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
 * when the buffer passes `maxBytes`, on `close()`, and at process exit. `tick` hears
 * the time of each emit, as the synchronous writer's does.
 *
 * @example
 * const b = openBatchWriter({ dir });
 * for (const e of inputs) b.emit(e);
 * b.close();
 */
export function openBatchWriter(options: WriterOptions & { maxBytes?: number } = {}, tick?: (now: number) => void): BatchWriter {
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
      const now = Date.now();
      const { event, line } = encode(input, now);
      tick?.(now);
      const day = dayOf(event.timestamp);
      let block = pending.get(day);
      if (!block) pending.set(day, (block = { buf: Buffer.allocUnsafe(maxBytes), used: 0, joined: "", lines: 0 }));
      block.joined += line;
      if (++block.lines === JOIN_LINES || block.joined.length > JOIN_UNITS) commit(day, block);
      if (isTombstone(event)) registerTombstone(dir, event);
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
