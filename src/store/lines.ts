/** The lines of a block: visiting them, parsing one, and the bad-line report a file gets once. */
import { createReadStream, readSync } from "node:fs";
import { parseEventLine } from "../event/envelope.js";
import type { DayFile } from "./layout.js";
import { gunzipFile, readHit, type OnFail, type ReadEvent } from "./read.js";

/**
 * Calls `fn(start, end)` for each non-empty line of `buf[from, end)`, newline and `\r`
 * excluded, stopping after `limit` lines; returns where the next line starts.
 * `nextNewline` finds newlines (a SIMD `pairCursor` where the block allows it).
 */
export function eachLine(
  buf: Buffer,
  end: number,
  fn: (start: number, stop: number) => void,
  from = 0,
  limit = Infinity,
  nextNewline: (from: number) => number = (at) => buf.indexOf(0x0a, at),
): number {
  let s = from;
  for (let n = 0; s < end && n < limit; n++) {
    let nl = nextNewline(s);
    if (nl === -1 || nl > end) nl = end;
    const stop = nl > s && buf[nl - 1] === 0x0d ? nl - 1 : nl;
    if (stop > s) fn(s, stop);
    s = nl + 1;
  }
  return s;
}

/** Parses `buf[start, end)` as an event; undefined for a bad line. */
export function parseAt(buf: Buffer, start: number, end: number): ReadEvent | undefined {
  const line = buf.toString("utf8", start, end);
  const event = parseEventLine(line);
  return event ? readHit(event, line, buf.subarray(start, end)) : undefined;
}

/** Bad lines of one file, and damage that stopped its reading, reported once when the file is done. */
export interface BadReport {
  file: string;
  count: number;
  /** 1-based line numbers of the first few. */
  lines: number[];
  /** What stopped the reading of the file (a damaged gzip, an error reading it). */
  problem?: string;
  /** The file, or its rest, could not be read at all: a query ends with exit 1. */
  unreadable?: boolean;
}

const REPORT_LINES = 5;

/**
 * Collects the byte offsets of bad lines while a file is scanned; `finish` turns
 * them into line numbers, re-reading the file's start only when there were any.
 */
export function createBadLines(file: DayFile): { add(offset: number): void; fail: OnFail; finish(): Promise<BadReport | undefined> } {
  const offsets: number[] = [];
  let count = 0;
  let failure: { problem: string; unreadable: boolean } | undefined;
  return {
    add(offset) {
      count++;
      if (offsets.length < REPORT_LINES) offsets.push(offset);
    },
    fail(problem, unreadable) {
      failure ??= { problem, unreadable };
    },
    async finish() {
      if (count === 0 && !failure) return undefined;
      const report: BadReport = { file: file.path, count, lines: count === 0 ? [] : await lineNumbers(file, offsets).catch(() => []) };
      return failure ? { ...report, problem: failure.problem, ...(failure.unreadable ? { unreadable: true } : {}) } : report;
    },
  };
}

async function lineNumbers(file: DayFile, offsets: number[]): Promise<number[]> {
  const out: number[] = [];
  let line = 1;
  let base = 0;
  let k = 0;
  const source = file.gz ? gunzipFile(file.path) : createReadStream(file.path);
  for await (const chunk of source as AsyncIterable<Buffer>) {
    let i = 0;
    while (k < offsets.length && offsets[k]! - base <= chunk.length) {
      const target = offsets[k]! - base;
      for (let nl = chunk.indexOf(0x0a, i); nl !== -1 && nl < target; nl = chunk.indexOf(0x0a, nl + 1)) {
        line++;
        i = nl + 1;
      }
      out.push(line);
      k++;
    }
    if (k === offsets.length) break;
    for (let nl = chunk.indexOf(0x0a, i); nl !== -1; nl = chunk.indexOf(0x0a, nl + 1)) line++;
    base += chunk.length;
  }
  (source as NodeJS.ReadableStream & { destroy(): void }).destroy();
  return out;
}

/** Text pieces stay below V8's large-object size: a megabyte decoded at once costs twenty times as much, in fresh pages. */
const PIECE_BYTES = 60 << 10;

/**
 * True when `test` holds for the text of some piece of `buf[0, end)`, each piece whole
 * lines of up to 60 KiB (a longer line is a piece of its own), decoded as latin1: a
 * look at a block's bytes that a line's match never straddles.
 *
 * @example
 * anyPiece(block, block.length, (text) => /"api_key"\s*:/.test(text));
 */
export function anyPiece(buf: Buffer, end: number, test: (text: string) => boolean): boolean {
  for (let s = 0; s < end; ) {
    let stop = Math.min(s + PIECE_BYTES, end);
    if (stop < end) {
      const nl = buf.lastIndexOf(0x0a, stop - 1);
      const after = nl >= s ? nl : buf.indexOf(0x0a, stop);
      stop = after === -1 || after >= end ? end : after + 1;
    }
    if (test(buf.toString("latin1", s, stop))) return true;
    s = stop;
  }
  return false;
}

/**
 * Where the last whole line of the first `size` bytes of `fd` ends (after its newline); 0
 * when there is none: what a reader of a file still being appended to may take as written.
 *
 * @example
 * const covered = wholeLinesEnd(fd, fstatSync(fd).size);
 */
export function wholeLinesEnd(fd: number, size: number): number {
  const buf = Buffer.allocUnsafe(64 << 10);
  for (let end = size; end > 0; ) {
    const from = Math.max(0, end - buf.length);
    const n = readSync(fd, buf, 0, end - from, from);
    const nl = buf.lastIndexOf(0x0a, n - 1);
    if (nl !== -1) return from + nl + 1;
    end = from;
  }
  return 0;
}
