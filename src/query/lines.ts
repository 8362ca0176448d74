import { createReadStream } from "node:fs";
import { parseEventLine, type TraceEvent } from "../event.js";
import type { DayFile } from "../store/layout.js";
import { gunzipFile } from "../store/read.js";

/**
 * Calls `fn(start, end)` for each non-empty line of `buf[from, end)`, newline and `\r`
 * excluded, stopping after `limit` lines; returns where the next line starts.
 */
export function eachLine(buf: Buffer, end: number, fn: (start: number, stop: number) => void, from = 0, limit = Infinity): number {
  let s = from;
  for (let n = 0; s < end && n < limit; n++) {
    let nl = buf.indexOf(0x0a, s);
    if (nl === -1 || nl > end) nl = end;
    const stop = nl > s && buf[nl - 1] === 0x0d ? nl - 1 : nl;
    if (stop > s) fn(s, stop);
    s = nl + 1;
  }
  return s;
}

/** A needle searched from its rarest byte: Buffer#indexOf runs several times faster when the first byte it hunts for is rare. */
export interface Needle {
  bytes: Buffer;
  anchor: Buffer;
  /** Where the anchor sits inside the needle. */
  offset: number;
}

/** Prepares a needle, anchored at its first byte until `tuneNeedles` has seen the data. */
export function toNeedle(bytes: Buffer): Needle {
  return { bytes, anchor: bytes, offset: 0 };
}

const SAMPLE = 64 << 10;

/**
 * Re-anchors needles at the byte that is rarest in a sample of the data: in a store
 * of UUIDs and JSON keys, quotes, dashes and digits are everywhere, and which bytes are
 * rare depends on the data.
 *
 * @example
 * const tuned = tuneNeedles(needles, firstBlock); // '"task-42"' anchored at 'k-42"'
 */
export function tuneNeedles(needles: Needle[], sample: Buffer): Needle[] {
  const counts = new Uint32Array(256);
  const n = Math.min(sample.length, SAMPLE);
  for (let i = 0; i < n; i++) counts[sample[i]!]!++;
  return needles.map(({ bytes }) => {
    let offset = 0;
    for (let i = 1; i < bytes.length; i++) if (counts[bytes[i]!]! < counts[bytes[offset]!]!) offset = i;
    return { bytes, anchor: bytes.subarray(offset), offset };
  });
}

/** The first place at or after `from` where the whole needle stands, or -1. */
export function find(buf: Buffer, n: Needle, from: number): number {
  for (let at = from + n.offset; ; at++) {
    at = buf.indexOf(n.anchor, at);
    if (at === -1) return -1;
    const start = at - n.offset;
    if (start >= from && buf.compare(n.bytes, 0, n.offset, start, at) === 0) return start;
  }
}

/**
 * The first place at or after `from` where any needle stands (-1 for none), for
 * positions asked in increasing order: each needle is searched for again only once
 * the scan has passed its last hit.
 */
function needleCursor(buf: Buffer, needles: Needle[]): (from: number) => number {
  const next = needles.map((n) => find(buf, n, 0));
  return (from) => {
    let hit = -1;
    for (let k = 0; k < next.length; k++) {
      let p = next[k]!;
      if (p !== -1 && p < from) next[k] = p = find(buf, needles[k]!, from);
      if (p !== -1 && (hit === -1 || p < hit)) hit = p;
    }
    return hit;
  };
}

/**
 * Calls `fn(start, end)` once for each line of `buf[0, end)` that holds any needle,
 * in order, without looking at the other lines.
 */
export function eachCandidate(buf: Buffer, end: number, needles: Needle[], fn: (start: number, stop: number) => void): void {
  const nextHit = needleCursor(buf, needles);
  for (let from = 0; ; ) {
    const hit = nextHit(from);
    if (hit === -1 || hit >= end) return;
    const s = hit === 0 ? 0 : buf.lastIndexOf(0x0a, hit - 1) + 1;
    let nl = buf.indexOf(0x0a, hit);
    if (nl === -1 || nl > end) nl = end;
    fn(s, nl > s && buf[nl - 1] === 0x0d ? nl - 1 : nl);
    from = nl + 1;
  }
}

/** Answers "does any needle stand in `[s, e)`?" for lines visited in order. */
export function hitCursor(buf: Buffer, needles: Needle[]): (s: number, e: number) => boolean {
  const nextHit = needleCursor(buf, needles);
  return (s, e) => {
    const hit = nextHit(s);
    return hit !== -1 && hit < e;
  };
}

/** Parses `buf[start, end)` as an event; undefined for a bad line. */
export function parseAt(buf: Buffer, start: number, end: number): { event: TraceEvent; line: string } | undefined {
  const line = buf.toString("utf8", start, end);
  const event = parseEventLine(line);
  return event ? { event, line } : undefined;
}

/** Bad lines of one file, reported once when the file is done. */
export interface BadReport {
  file: string;
  count: number;
  /** 1-based line numbers of the first few. */
  lines: number[];
}

const REPORT_LINES = 5;

/**
 * Collects the byte offsets of bad lines while a file is scanned; `finish` turns
 * them into line numbers, re-reading the file's start only when there were any.
 */
export function createBadLines(file: DayFile): { add(offset: number): void; finish(): Promise<BadReport | undefined> } {
  const offsets: number[] = [];
  let count = 0;
  return {
    add(offset) {
      count++;
      if (offsets.length < REPORT_LINES) offsets.push(offset);
    },
    async finish() {
      if (count === 0) return undefined;
      return { file: file.path, count, lines: await lineNumbers(file, offsets) };
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
