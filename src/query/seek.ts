import { open } from "node:fs/promises";

const PROBE = 16 << 10;
const LINEAR_BELOW = 64 << 10;
const TIMESTAMP = /"timestamp"\s*:\s*(\d+)/;

/**
 * The offset of a line in a plain day file from which every line stamped at or
 * after `ms` follows, found by binary search. Exact when no line is more than the
 * reorder window older than a line before it, given `ms` already less that window.
 *
 * @example
 * const from = await seekTime("2026-11-21.ndjson", since - REORDER_WINDOW_MS);
 */
export async function seekTime(path: string, ms: number): Promise<number> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const buf = Buffer.allocUnsafe(PROBE);
    let lo = 0;
    let hi = size;
    while (hi - lo > LINEAR_BELOW) {
      const mid = lo + Math.floor((hi - lo) / 2);
      const probe = await firstStampAfter(handle, buf, mid, hi);
      if (probe === undefined || probe.ts >= ms) hi = mid;
      else lo = probe.lineStart;
    }
    return lo;
  } finally {
    await handle.close();
  }
}

/** The first readable timestamp of a whole line starting after `at` and before `limit`. */
async function firstStampAfter(
  handle: Awaited<ReturnType<typeof open>>,
  buf: Buffer,
  at: number,
  limit: number,
): Promise<{ ts: number; lineStart: number } | undefined> {
  const { bytesRead } = await handle.read(buf, 0, Math.min(buf.length, limit - at), at);
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
