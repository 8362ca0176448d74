/**
 * The lock of one day file, which compaction and this project's writers share: a
 * writer holds it around each write to a day that has ended, compaction around the
 * moment it puts the `.gz` in place and removes the plain file. So a writer's event
 * never goes to a file that compaction has just removed. It is the project's pid-lock
 * (pid-lock.ts), `.YYYY-MM-DD.ndjson.lock`, taken over when older than any holder keeps it.
 */
import { join } from "node:path";
import { tryPidLock } from "./pid-lock.js";

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
    const release = tryPidLock(path, STALE_MS);
    if (release) return release;
    if (waited >= PATIENCE_MS) throw new Error(`${path}: held by another process for more than ${PATIENCE_MS / 1000} s`);
    Atomics.wait(pause, 0, 0, 1);
  }
}
