import { closeSync, createReadStream, openSync, readSync } from "node:fs";
import { parseEventLine, type TraceEvent } from "../event/envelope.js";
import { recoverMembers } from "./gz-members.js";
import type { DayFile } from "./layout.js";

/** A run of whole lines: `buf[0, end)` ends at a newline (or at the end of the file). */
export interface LineBlock {
  buf: Buffer;
  end: number;
  /** Offset in the (uncompressed) file of `buf[0]`. */
  base: number;
}

const CHUNK = 1 << 20;

/**
 * Block buffers kept for reuse across the files of one scan: a fresh 1 MiB buffer per
 * file is freed only lazily, and a month of files then costs tens of MB of RSS.
 */
export interface BlockPool {
  take(): Buffer;
  give(buf: Buffer): void;
}

/** A pool for one scan. */
export function createBlockPool(): BlockPool {
  const free: Buffer[] = [];
  return {
    take: () => free.pop() ?? Buffer.allocUnsafe(CHUNK),
    give: (buf) => void free.push(buf),
  };
}

/** Told when a file cannot be read on (`unreadable`: not at all, or not past some byte) or its gzip is damaged. */
export type OnFail = (problem: string, unreadable: boolean) => void;

/**
 * Reads a day file as blocks of whole lines, from byte `start` up to byte `end` of a
 * plain file (both ignored for `.gz`, which is never appended to). A block's buffer is
 * reused after the next step: copy what you keep. Memory stays at about one chunk
 * plus the longest line. A file that cannot be read, or a damaged `.gz`, ends its
 * blocks where the damage is, told to `onFail` (without it, the error is thrown).
 */
export async function* lineBlocks(file: DayFile, start = 0, end = Infinity, pool: BlockPool = createBlockPool(), onFail?: OnFail): AsyncGenerator<LineBlock> {
  try {
    yield* file.gz ? gzBlocks(file.path) : plainBlocks(file.path, Math.max(start, file.start ?? 0), end, pool);
  } catch (err) {
    if (!onFail) throw err;
    onFail(...describeFailure(err, file.gz));
  }
}

/** What went wrong reading a day file, in words, and whether it is the file that could not be read. */
export function describeFailure(err: unknown, gz: boolean): [problem: string, unreadable: boolean] {
  const e = err as NodeJS.ErrnoException;
  if (e.code !== undefined && e.syscall !== undefined) return [`cannot read (${e.code}: ${e.syscall})`, true];
  return [gz ? `damaged gzip (${e.message}); read what came before it` : `cannot read (${e.message})`, !gz];
}

/** Blocks read between two turns of the event loop: a long scan must not starve timers and signals. */
export const BLOCKS_PER_TURN = 16;

async function* plainBlocks(path: string, start: number, end: number, pool: BlockPool): AsyncGenerator<LineBlock> {
  // Synchronous reads: from the page cache a 1 MiB read is a copy, and an await on the
  // thread pool for each one cost more than the copy (measured: 126–153 ms against
  // 76–85 ms to read 374 MB). The event loop gets a turn every few blocks instead.
  const fd = openSync(path, "r");
  let buf = pool.take();
  try {
    let pos = start;
    let carry = 0;
    let base = start;
    for (let n = 1; ; n++) {
      const want = Math.min(buf.length - carry, Math.max(0, end - pos));
      const bytesRead = want === 0 ? 0 : readSync(fd, buf, carry, want, pos);
      pos += bytesRead;
      const filled = carry + bytesRead;
      if (bytesRead === 0) {
        if (carry > 0) yield { buf, end: carry, base };
        return;
      }
      const cut = buf.lastIndexOf(0x0a, filled - 1) + 1;
      if (cut > 0) yield { buf, end: cut, base };
      base += cut;
      carry = filled - cut;
      // A line longer than half a buffer: make room so the next read can finish it.
      if (carry * 2 > buf.length) {
        const bigger = Buffer.allocUnsafe(carry * 4);
        buf.copy(bigger, 0, cut, filled);
        pool.give(buf);
        buf = bigger;
      } else buf.copy(buf, 0, cut, filled);
      if (n % BLOCKS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    closeSync(fd);
    pool.give(buf);
  }
}

/**
 * `source.pipe(dest)` that passes the source's errors on, so that iterating `dest`
 * fails instead of waiting forever on a file that could not be read.
 */
export function pipeErrors<T extends NodeJS.ReadWriteStream>(source: NodeJS.ReadableStream, dest: T): T {
  source.on("error", (err) => dest.emit("error", err));
  return source.pipe(dest);
}

/** The decompressed bytes of a `.gz` file, as a stream; destroying it closes the file. */
export function gunzipFile(path: string): NodeJS.ReadableStream {
  const raw = createReadStream(path);
  // zlib is loaded only here: most queries read no compressed day, and it costs ~3 ms to load.
  const gunzip = pipeErrors(raw, process.getBuiltinModule("node:zlib").createGunzip());
  gunzip.on("close", () => raw.destroy());
  return gunzip;
}

/** Decompressed pieces held before the gunzip stream is paused. */
const GZ_PIECES = 16;

/**
 * The blocks of a `.gz` day. Its pieces are taken from `data` events rather than by
 * async iteration, which drops what was decompressed before an error: a damaged or
 * truncated file still gives every whole line before the damage, then throws.
 */
export async function* gzBlocks(path: string): AsyncGenerator<LineBlock> {
  const source = gunzipFile(path) as NodeJS.ReadableStream & { destroy(): void };
  const pieces: Buffer[] = [];
  let [failure, ended] = [undefined as unknown, false];
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  source.on("data", (piece: Buffer) => {
    pieces.push(piece);
    if (pieces.length >= GZ_PIECES) source.pause();
    notify();
  });
  source.on("error", (err) => void ((failure = err), notify()));
  source.on("end", () => void ((ended = true), notify()));
  let carry: Buffer = Buffer.alloc(0);
  let base = 0;
  try {
    for (;;) {
      const piece = pieces.shift();
      if (piece === undefined) {
        if (failure !== undefined || ended) break;
        source.resume();
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const buf = carry.length > 0 ? Buffer.concat([carry, piece]) : piece;
      const cut = buf.lastIndexOf(0x0a) + 1;
      if (cut > 0) yield { buf, end: cut, base };
      base += cut;
      carry = buf.subarray(cut);
    }
    if (failure !== undefined) {
      // Read again member by member what the stream dropped; the part line before the
      // damage is the damage's, not a bad line of its own.
      const rest = recoverMembers(path, base);
      const cut = rest ? rest.lastIndexOf(0x0a) + 1 : 0;
      if (cut > 0) yield { buf: rest!, end: cut, base };
      throw failure;
    }
    if (carry.length > 0) yield { buf: carry, end: carry.length, base };
  } finally {
    source.destroy();
  }
}

/** One line the plain reader could not read as an event. */
export interface BadLine {
  file: string;
  line: number;
}

/** One event as read from a file, with its stored text. */
export interface ReadEvent {
  event: TraceEvent;
  line: string;
  /** The stored bytes, when the line's text is not them (bytes that are not UTF-8 read as U+FFFD): what `--json` writes. */
  bytes?: Buffer;
  /** The store it was read from, when a query reads several. */
  store?: string;
}

/** A read line as a hit: its bytes kept beside it when its text could not hold them. */
export function readHit(event: TraceEvent, line: string, bytes: Buffer): ReadEvent {
  return line.includes("\uFFFD") ? { event, line, bytes: Buffer.from(bytes) } : { event, line };
}

/**
 * The plain reader: every line through split2 and JSON.parse, bad lines reported
 * through `onBad`. The fast scan must answer exactly as this does. A line whose text
 * holds U+FFFD is read again as bytes (by its offset, which the reader counts), so that
 * bytes that are not UTF-8 are output as they are stored.
 */
export async function* readEvents(file: DayFile, onBad: (bad: BadLine) => void): AsyncGenerator<ReadEvent> {
  if (file.gz) return yield* gzEvents(file, onBad);
  // Loaded here: the fast path never needs it, and every module costs a query's start-up.
  const { default: split2 } = await import("split2");
  const start = file.start ?? 0;
  // Opened before the stream: a file that cannot be opened fails here, not in a stream nobody listens to yet.
  const fd = openSync(file.path, "r");
  const text = createReadStream(file.path, { start });
  let [n, offset] = [0, start];
  try {
    for await (const raw of pipeErrors(text, split2("\n")) as AsyncIterable<string>) {
      n++;
      const at = offset;
      let bytes: Buffer | undefined;
      let line = raw;
      offset += Buffer.byteLength(raw) + 1;
      if (raw.includes("\uFFFD")) [bytes, offset] = lineBytes(fd, at);
      if (bytes) line = bytes.toString("utf8");
      if (line.endsWith("\r")) [line, bytes] = [line.slice(0, -1), bytes?.subarray(0, bytes.length - 1)];
      if (line.length === 0) continue;
      const event = parseEventLine(line);
      if (event) yield bytes ? readHit(event, line, bytes) : { event, line };
      else onBad({ file: file.path, line: n });
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The plain reader of a `.gz` day: its whole-line blocks as `gzBlocks` decompresses them
 * (a damaged file gives every whole line before the damage, members after it read again),
 * each line parsed as the plain reader parses.
 */
async function* gzEvents(file: DayFile, onBad: (bad: BadLine) => void): AsyncGenerator<ReadEvent> {
  let n = 0;
  for await (const { buf, end } of gzBlocks(file.path)) {
    for (let s = 0; s < end; ) {
      let nl = buf.indexOf(0x0a, s);
      if (nl === -1 || nl > end) nl = end;
      n++;
      const stop = nl > s && buf[nl - 1] === 0x0d ? nl - 1 : nl;
      if (stop > s) {
        const bytes = buf.subarray(s, stop);
        const line = bytes.toString("utf8");
        const event = parseEventLine(line);
        if (event) yield readHit(event, line, bytes);
        else onBad({ file: file.path, line: n });
      }
      s = nl + 1;
    }
  }
}

/** The bytes of the line at `at` in a plain file, newline excluded, and where the next starts. */
function lineBytes(fd: number, at: number): [Buffer, number] {
  const parts: Buffer[] = [];
  for (let pos = at; ; ) {
    const chunk = Buffer.allocUnsafe(64 << 10);
    const n = readSync(fd, chunk, 0, chunk.length, pos);
    const nl = chunk.subarray(0, n).indexOf(0x0a);
    parts.push(chunk.subarray(0, nl === -1 ? n : nl));
    if (nl !== -1 || n === 0) {
      const bytes = Buffer.concat(parts);
      return [bytes, at + bytes.length + 1];
    }
    pos += n;
  }
}
