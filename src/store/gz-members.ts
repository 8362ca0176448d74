/**
 * A damaged `.gz` day read again member by member, to save what the gunzip stream
 * lost: Node's gunzip drops the output of the chunk in which it meets damage, so a
 * whole member followed by garbage (or by a torn member a writer left) would lose its
 * last lines. Each member's deflate data is inflated on its own; the walk stops at the
 * first member that is not one, keeping what a truncated member still gives.
 */
import { readFileSync } from "node:fs";

/** Compressed files larger than this are not read again whole: the stream's part stands. */
const MAX_RECOVERED = 256 << 20;

/**
 * The decompressed bytes of the whole members of `path` (and what the first broken one
 * still gives), from decompressed offset `from` on; undefined when the file is too large
 * to read again.
 *
 * @example
 * const rest = recoverMembers("/store/2026-11-20.ndjson.gz", 1_000_000);
 */
export function recoverMembers(path: string, from: number): Buffer | undefined {
  const zlib = process.getBuiltinModule("node:zlib");
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  if (bytes.length > MAX_RECOVERED) return undefined;
  const out: Buffer[] = [];
  let [at, seen] = [0, 0];
  const keep = (piece: Buffer): void => {
    if (seen + piece.length > from) out.push(piece.subarray(Math.max(0, from - seen)));
    seen += piece.length;
  };
  try {
    for (const member of gzMembers(bytes)) {
      keep(member.data);
      at = member.end;
    }
  } catch {
    // A truncated or corrupt member at `at`: what a sync flush still gives, then stop.
    const body = headerEnd(bytes, at);
    try {
      if (body !== undefined) keep(zlib.inflateRawSync(bytes.subarray(body), { finishFlush: zlib.constants.Z_SYNC_FLUSH }));
    } catch {
      // nothing more to save
    }
  }
  return Buffer.concat(out);
}

/** One whole gzip member: where it stands in the compressed file, and what it holds. */
export interface GzMember {
  start: number;
  end: number;
  data: Buffer;
}

/**
 * The members of a gzip file's bytes, in order; throws at the first that is not a
 * whole member (damage, truncation, garbage after the last).
 *
 * @example
 * for (const { start, end, data } of gzMembers(readFileSync(path))) …
 */
export function* gzMembers(bytes: Buffer): Generator<GzMember> {
  const zlib = process.getBuiltinModule("node:zlib");
  for (let at = 0; at < bytes.length; ) {
    const body = headerEnd(bytes, at);
    if (body === undefined) throw new Error(`no gzip member at byte ${at}`);
    const { buffer, engine } = zlib.inflateRawSync(bytes.subarray(body), { info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    const end = body + engine.bytesWritten + 8;
    if (end > bytes.length) throw new Error(`truncated gzip member at byte ${at}`);
    yield { start: at, end, data: buffer };
    at = end;
  }
}

/** Where the deflate data of a gzip member whose header starts at `at` begins, or undefined when none starts there. */
function headerEnd(b: Buffer, at: number): number | undefined {
  if (at + 10 > b.length || b[at] !== 0x1f || b[at + 1] !== 0x8b || b[at + 2] !== 8) return undefined;
  const flags = b[at + 3]!;
  let p = at + 10;
  if (flags & 4) p += 2 + b.readUInt16LE(p);
  if (flags & 8) p = b.indexOf(0, p) + 1;
  if (flags & 16) p = b.indexOf(0, p) + 1;
  if (flags & 2) p += 2;
  return p > at && p <= b.length ? p : undefined;
}
