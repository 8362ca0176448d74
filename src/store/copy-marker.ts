/**
 * What compaction leaves beside a day while both its `.gz` and its plain file exist:
 * `.YYYY-MM-DD.ndjson.copied`, naming the plain file (device and inode) and how many of
 * its bytes the `.gz` (named by inode and size) holds. Readers then read the plain file
 * only from there. A plain file or a `.gz` that is not the one named — a stranger's new
 * file, a `.gz` that was never put in place — makes the marker void, so nothing can be
 * hidden by chance: a file's identity, not its size, says it is the copy.
 */
import { readFileSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { writeWhole } from "./whole-file.js";

/** The marker's content. */
export interface CopyMarker {
  /** The plain file: device, inode, and the bytes of it that the `.gz` holds. */
  plain: { dev: number; ino: number; bytes: number };
  /** The `.gz` that holds them. */
  gz: { ino: number; size: number };
}

/** The marker file of a day. */
export function markerPath(dir: string, day: string): string {
  return join(dir, `.${day}.ndjson.copied`);
}

/**
 * Where reading a day's plain file starts: the bytes a valid marker says its `.gz`
 * already holds, else 0.
 *
 * @example
 * copiedBytes(dir, "2026-11-30"); // 0 unless a compaction is putting the day in place
 */
export function copiedBytes(dir: string, day: string): number {
  let marker: CopyMarker;
  try {
    marker = JSON.parse(readFileSync(markerPath(dir, day), "utf8")) as CopyMarker;
  } catch {
    return 0;
  }
  const plain = statSync(join(dir, `${day}.ndjson`), { throwIfNoEntry: false });
  const gz = statSync(join(dir, `${day}.ndjson.gz`), { throwIfNoEntry: false });
  const valid =
    plain !== undefined && gz !== undefined && plain.dev === marker.plain?.dev && plain.ino === marker.plain?.ino &&
    gz.ino === marker.gz?.ino && gz.size === marker.gz?.size && Number.isSafeInteger(marker.plain.bytes);
  return valid ? Math.min(marker.plain.bytes, plain.size) : 0;
}

/**
 * Writes a day's marker atomically and durably (temporary name, fsync, rename).
 *
 * @example
 * writeMarker(dir, "2026-11-30", { plain: { dev, ino, bytes }, gz: { ino: tmpIno, size: tmpSize } });
 */
export function writeMarker(dir: string, day: string, marker: CopyMarker): void {
  writeWhole(markerPath(dir, day), JSON.stringify(marker) + "\n", { fsync: true });
}

/** Removes a day's marker; nothing when there is none. */
export function removeMarker(dir: string, day: string): void {
  try {
    unlinkSync(markerPath(dir, day));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}
