import { closeSync, fstatSync, openSync, readSync } from "node:fs";

const PROBE = 16 << 10;
const LINEAR_BELOW = 64 << 10;
const TIMESTAMP = /"timestamp"\s*:\s*(\d+)/;

/**
 * The offset of a line in a plain day file from which every line stamped at or
 * after `ms` follows, found by binary search. Exact when no line is more than the
 * reorder window older than a line before it, given `ms` already less that window.
 * Synchronous, as the block reads are: a dozen 16 KiB reads from the page cache.
 *
 * @example
 * const from = seekTime("2026-11-21.ndjson", since - REORDER_WINDOW_MS);
 */
export function seekTime(path: string, ms: number): number {
  const fd = openSync(path, "r");
  try {
    const { size } = fstatSync(fd);
    const buf = Buffer.allocUnsafe(PROBE);
    let lo = 0;
    let hi = size;
    while (hi - lo > LINEAR_BELOW) {
      const mid = lo + Math.floor((hi - lo) / 2);
      const probe = firstStampAfter(fd, buf, mid, hi);
      if (probe === undefined || probe.ts >= ms) hi = mid;
      else lo = probe.lineStart;
    }
    return lo;
  } finally {
    closeSync(fd);
  }
}

/** The first readable timestamp of a whole line starting after `at` and before `limit`. */
function firstStampAfter(fd: number, buf: Buffer, at: number, limit: number): { ts: number; lineStart: number } | undefined {
  const bytesRead = readSync(fd, buf, 0, Math.min(buf.length, limit - at), at);
  let s = buf.indexOf(0x0a) + 1;
  while (s > 0 && s < bytesRead) {
    const e = buf.indexOf(0x0a, s);
    if (e === -1 || e >= bytesRead) return undefined;
    const m = TIMESTAMP.exec(buf.toString("utf8", s, e));
    if (m) return { ts: Number(m[1]), lineStart: at + s };
    s = e + 1;
  }
  return undefined;
}
