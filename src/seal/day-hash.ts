/** A day's bytes hashed as they were written: a plain day's as they stand, a `.gz` day's decompressed, so compaction keeps a seal true. */
import { closeSync, openSync, readSync } from "node:fs";
import type { DayFile } from "../store/layout.js";
import { gunzipFile } from "../store/read.js";
import { PIECE_BYTES } from "./record.js";

/** A day's length, its SHA-256, and the short hash of each `PIECE_BYTES` (of its first `limit` bytes when hashed so). */
export interface DayHash {
  bytes: number;
  sha256: string;
  pieces: string[];
  /** All the bytes the day holds, hashed or not. */
  total: number;
}

/** Hashes a stream of a day's bytes, whole and by pieces. */
function createDayHasher(limit: number): { add(chunk: Uint8Array): void; done(): DayHash } {
  const crypto = process.getBuiltinModule("node:crypto");
  const whole = crypto.createHash("sha256");
  let piece = crypto.createHash("sha256");
  let inPiece = 0;
  let bytes = 0;
  let total = 0;
  const pieces: string[] = [];
  return {
    add(all) {
      total += all.length;
      const chunk = all.subarray(0, Math.max(0, Math.min(all.length, limit - bytes)));
      whole.update(chunk);
      bytes += chunk.length;
      for (let at = 0; at < chunk.length; ) {
        const take = Math.min(PIECE_BYTES - inPiece, chunk.length - at);
        piece.update(chunk.subarray(at, at + take));
        at += take;
        inPiece += take;
        if (inPiece === PIECE_BYTES) {
          pieces.push(piece.digest("hex").slice(0, 16));
          piece = crypto.createHash("sha256");
          inPiece = 0;
        }
      }
    },
    done() {
      if (inPiece > 0) pieces.push(piece.digest("hex").slice(0, 16));
      return { bytes, sha256: whole.digest("hex"), pieces, total };
    },
  };
}

/**
 * The hash of a day's bytes: its files in the store's order (a `.gz` decompressed, a
 * plain file from the byte its `.gz` does not already hold), its first `limit` bytes
 * hashed, all of them counted. Throws when one cannot be
 * read (a damaged `.gz` too): the caller says what that means.
 *
 * @example
 * const { sha256 } = await hashDay([{ day: "2026-12-03", path, gz: false }]);
 */
export async function hashDay(files: readonly DayFile[], limit = Infinity): Promise<DayHash> {
  const hasher = createDayHasher(limit);
  for (const file of files) {
    if (file.gz) {
      for await (const chunk of gunzipFile(file.path) as AsyncIterable<Buffer>) hasher.add(chunk);
      continue;
    }
    const fd = openSync(file.path, "r");
    try {
      const buf = Buffer.allocUnsafe(PIECE_BYTES);
      for (let at = file.start ?? 0, n = 0; (n = readSync(fd, buf, 0, buf.length, at)) > 0; at += n) hasher.add(buf.subarray(0, n));
    } finally {
      closeSync(fd);
    }
  }
  return hasher.done();
}
