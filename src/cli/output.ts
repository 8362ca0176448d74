import { fstatSync, writeSync, type Stats } from "node:fs";
import type { Writable } from "node:stream";

/** Buffered line output that respects back-pressure and ends quietly on a closed pipe. */
export interface Output {
  line(s: string): Promise<void>;
  /** Many lines with one await: the hot loop of a query. */
  lines(items: string[]): Promise<void>;
  /** Text that is part of a line (a JSON tree written as it is walked). */
  text(s: string): Promise<void>;
  /** Bytes that are whole lines already (NDJSON from `toNdjson`), after what is gathered. */
  bytes(chunk: Buffer): Promise<void>;
  /** Writes what is gathered (follow calls it after each batch). */
  flush(): Promise<void>;
  /** True once the reader went away (EPIPE): stop producing. */
  readonly closed: boolean;
  /** True when `bytes` has written a chunk by the time it resolves (no stream holds it): chunks may be lent. */
  readonly writesNow: boolean;
  /** Calls `fn` once when the reader goes away. */
  onClose(fn: () => void): void;
  /** Flushes once the current burst of lines is done (for follow). */
  flushSoon(): void;
}

const FLUSH_AT = 64 << 10;

/** How gathered output leaves: `send` writes a chunk (and waits while the reader is slow); `closed` once the reader went away. */
interface Sink {
  send(chunk: string | Buffer): Promise<void>;
  readonly closed: boolean;
  readonly writesNow: boolean;
  onClose(fn: () => void): void;
}

/**
 * Wraps stdout: lines are gathered into large writes, waits for `drain` when the
 * reader is slow, and turns EPIPE into `closed` instead of a crash.
 *
 * @example
 * const out = createOutput(process.stdout);
 * await out.line("hello");
 * await out.flush();
 */
export function createOutput(stream: Writable): Output {
  let closed = false;
  const closers: (() => void)[] = [];
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    closed = true;
    for (const fn of closers.splice(0)) fn();
  });
  return gathered({
    get closed() {
      return closed;
    },
    // A stream may queue what it is given.
    writesNow: false,
    onClose: (fn) => void closers.push(fn),
    async send(chunk) {
      if (!stream.write(chunk) && !closed && !stream.destroyed) await new Promise<void>((resolve) => {
        // A reader gone (EPIPE) ends the wait too: no drain comes then.
        const done = (): void => {
          stream.off("drain", done);
          stream.off("close", done);
          stream.off("error", done);
          resolve();
        };
        stream.once("drain", done);
        stream.once("close", done);
        stream.once("error", done);
      });
    },
  });
}

/**
 * The same output written straight to `fd` (`writeNow`), when `fd` is a file, a pipe, a
 * socket or one of the kernel's memory devices (`/dev/null`): Node's stream for it costs
 * 3–5 ms to make (its stream modules), and on Linux writes such a descriptor synchronously
 * all the same.
 * Undefined for a terminal (or where that cannot be told without the stream): colours
 * and Node's terminal handling need the stream.
 *
 * @example
 * const out = createFdOutput(1) ?? createOutput(process.stdout);
 */
export function createFdOutput(fd: number): Output | undefined {
  if (!plainDescriptor(fd)) return undefined;
  let closed = false;
  const closers: (() => void)[] = [];
  return gathered({
    get closed() {
      return closed;
    },
    writesNow: true,
    onClose: (fn) => void closers.push(fn),
    async send(chunk) {
      try {
        if (!writeNow(fd, chunk)) {
          closed = true;
          for (const fn of closers.splice(0)) fn();
        }
      } catch (err) {
        throw new Error(`stdout: ${(err as Error).message}`);
      }
    },
  });
}

/** True when `fd` is not a terminal, told by its type alone: on Linux a character device of major 1 is /dev/null, /dev/zero or /dev/full. */
function plainDescriptor(fd: number): boolean {
  let st: Stats;
  try {
    st = fstatSync(fd);
  } catch {
    return false;
  }
  if (st.isFile() || st.isFIFO() || st.isSocket()) return true;
  return process.platform === "linux" && st.isCharacterDevice() && Math.floor(st.rdev / 256) % 4096 === 1 && st.rdev < 2 ** 32;
}

/** Lines gathered into writes of 64 KiB for `sink`. */
function gathered(sink: Sink): Output {
  let pending = "";
  let scheduled = false;
  const send = async (chunk: string | Buffer): Promise<void> => {
    if (sink.closed || chunk.length === 0) return;
    await sink.send(chunk);
  };
  const flush = async (): Promise<void> => {
    const chunk = pending;
    pending = "";
    await send(chunk);
  };
  const lines = async (items: string[]): Promise<void> => {
    for (const s of items) {
      pending += s + "\n";
      if (pending.length >= FLUSH_AT) await flush();
    }
  };
  return {
    get closed() {
      return sink.closed;
    },
    writesNow: sink.writesNow,
    line: (s) => lines([s]),
    lines,
    async text(s) {
      pending += s;
      if (pending.length >= FLUSH_AT) await flush();
    },
    async bytes(chunk) {
      await flush();
      await send(chunk);
    },
    flush,
    onClose(fn) {
      if (sink.closed) fn();
      else sink.onClose(fn);
    },
    flushSoon() {
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        void flush();
      });
    },
  };
}

/**
 * Writes `text` whole to `fd` now, without a stream: a full pipe that another process
 * made non-blocking is waited out a millisecond at a time; a reader gone (EPIPE) ends it
 * quietly (false); any other failure (a full disk) is thrown.
 *
 * @example
 * writeNow(1, "0.1.0\n");
 */
export function writeNow(fd: number, text: string | Buffer): boolean {
  const bytes = typeof text === "string" ? Buffer.from(text) : text;
  for (let at = 0; at < bytes.length; ) {
    try {
      at += writeSync(fd, bytes, at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EPIPE") return false;
      if (code !== "EAGAIN") throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
  return true;
}
