import { writeSync } from "node:fs";
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
  /** Calls `fn` once when the reader goes away. */
  onClose(fn: () => void): void;
  /** Flushes once the current burst of lines is done (for follow). */
  flushSoon(): void;
}

const FLUSH_AT = 64 << 10;

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
  let pending = "";
  let closed = false;
  let scheduled = false;
  const closers: (() => void)[] = [];
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    closed = true;
    for (const fn of closers.splice(0)) fn();
  });
  const send = async (chunk: string | Buffer): Promise<void> => {
    if (closed || chunk.length === 0) return;
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
      return closed;
    },
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
      if (closed) fn();
      else closers.push(fn);
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
 * quietly; any other failure (a full disk) is thrown.
 *
 * @example
 * writeNow(1, "0.1.0\n");
 */
export function writeNow(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; ) {
    try {
      at += writeSync(fd, bytes, at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EPIPE") return;
      if (code !== "EAGAIN") throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}
