/**
 * The one pid-lock of the project: a file created exclusively, holding its owner's pid.
 * A lock whose owner is gone, one older than any holder keeps it, or one left empty
 * (its writer died between creating and writing it) is taken over. The day lock
 * (writers and compaction) and the index builder's lock are both this.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";

/** An empty lock older than this was left by a writer that died before writing its pid. */
const EMPTY_STALE_MS = 10_000;

/**
 * Takes the lock at `path` once, taking over a stale one (its owner gone, or older than
 * `staleMs`); returns its release, or undefined when a live process holds it. Errors
 * other than "held" (a missing folder, no permission) are thrown.
 *
 * @example
 * const release = tryPidLock(join(dir, ".index/.building"));
 * if (release) try { build(); } finally { release(); }
 */
export function tryPidLock(path: string, staleMs = Infinity): (() => void) | undefined {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o644);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return () => {
        try {
          unlinkSync(path);
        } catch {
          // gone with its folder
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    if (!isStale(path, staleMs)) return undefined;
    // Another process may take it over first: then its lock is fresh, and held.
    try {
      unlinkSync(path);
    } catch {
      // gone already
    }
  }
  return undefined;
}

/**
 * The pid of a lock's live holder, or undefined (no lock, or a stale one).
 *
 * @example
 * lockHolder(join(dir, ".index/.building")); // 4242 while a builder runs
 */
export function lockHolder(path: string, staleMs = Infinity): number | undefined {
  try {
    const pid = Number(readFileSync(path, "utf8"));
    return Number.isSafeInteger(pid) && pid > 0 && !isStale(path, staleMs) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** True when the lock's owner is gone, it is older than `staleMs`, or it was left empty. */
function isStale(path: string, staleMs: number): boolean {
  try {
    const age = Date.now() - statSync(path).mtimeMs;
    if (age > staleMs) return true;
    const pid = Number(readFileSync(path, "utf8"));
    if (!Number.isInteger(pid) || pid <= 0) return age > EMPTY_STALE_MS;
    return !processAlive(pid);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ENOENT";
  }
}

/**
 * True while a process with this pid runs (one we may not signal counts as running).
 *
 * @example
 * if (!processAlive(pid)) removeItsLeftovers();
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
