/**
 * The lock of one day file, which compaction and this project's writers share: a
 * writer holds it around each write to a day that has ended, compaction around the
 * moment it puts the `.gz` in place and removes the plain file. So a writer's event
 * never goes to a file that compaction has just removed. A lock is a file created
 * exclusively, `.YYYY-MM-DD.ndjson.lock`, holding its owner's pid; one whose owner is
 * gone, or that is older than any holder keeps it, is taken over.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";

/** Longer than any holder keeps it (a write, or compaction's rename and unlink). */
const STALE_MS = 10_000;
/** How long to wait for a held lock before giving up. */
const PATIENCE_MS = 30_000;

/** The lock file of a day. */
export function lockPath(dir: string, day: string): string {
  return join(dir, `.${day}.ndjson.lock`);
}

/**
 * Takes the day's lock, waiting while another process holds it; returns the release.
 * Synchronous, as the writers are: a holder keeps it for a few system calls.
 *
 * @example
 * const release = lockDay(dir, "2026-11-30");
 * try { writeSync(fd, line); } finally { release(); }
 */
export function lockDay(dir: string, day: string): () => void {
  const path = lockPath(dir, day);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; ; waited++) {
    try {
      const fd = openSync(path, "wx", 0o644);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return () => unlinkSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    if (isStale(path)) {
      // Another waiter may take it over first: then its lock is fresh and we wait on.
      try {
        unlinkSync(path);
      } catch {
        // gone already
      }
      continue;
    }
    if (waited >= PATIENCE_MS) throw new Error(`${path}: held by another process for more than ${PATIENCE_MS / 1000} s`);
    Atomics.wait(pause, 0, 0, 1);
  }
}

/** True when the lock's owner is gone or it is older than any holder keeps it. */
function isStale(path: string): boolean {
  try {
    const age = Date.now() - statSync(path).mtimeMs;
    if (age > STALE_MS) return true;
    const pid = Number(readFileSync(path, "utf8"));
    // An empty file is a lock being written: not stale.
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}
