import { lstat, readdir, unlink } from "node:fs/promises";
import { retireDays } from "../seal/seal.js";
import { join } from "node:path";
import { UsageError } from "../errors.js";
import { DEFAULT_RETENTION, readStoreConfig } from "../store/config.js";
import { dayOf, dayStart, nextDay, parseDayFileName } from "../store/layout.js";
import { parseAge } from "../time.js";
import { noteIfClean } from "../store/clean-days.js";
import { compressDay } from "./compact.js";

/** What `prune` may do. */
export interface PruneOptions {
  /** Store folder. */
  dir: string;
  /** Delete days that ended more than this long ago (ms). Default: the store's retention, else 30 days. */
  olderThan?: number;
  /** Also compress plain days that ended more than this long ago (ms). */
  compressAfter?: number;
  /** Report what would happen; change nothing. */
  dryRun?: boolean;
  /** For tests: the current time. */
  now?: number;
}

/** One thing prune did, or would do, or failed to do. */
export interface PruneAction {
  action: "delete" | "compress";
  day: string;
  file: string;
  /** Bytes freed (for compress: the original's size); 0 when another process did it first. */
  bytes: number;
  /** Set when this file could not be handled; the others still were. */
  error?: string;
  /** Set when the policy leaves this file alone (a symlink or folder with a day file's name). */
  skipped?: string;
}


/**
 * Deletes (and optionally compresses) old day files by the retention rule. Only names
 * of the day pattern are candidates, symlinks and other files are never touched,
 * today's and tomorrow's UTC days never, and a file that fails is reported while the
 * rest go on.
 *
 * @example
 * const actions = await prune({ dir, olderThan: parseAge("30d", "--older-than"), dryRun: true });
 */
export async function prune(options: PruneOptions): Promise<PruneAction[]> {
  const now = options.now ?? Date.now();
  const olderThan = options.olderThan ?? parseAge(readStoreConfig(options.dir).retention ?? DEFAULT_RETENTION, "retention");
  let names: string[];
  try {
    names = (await readdir(options.dir)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new UsageError(`${options.dir}: no such store folder`);
    throw err;
  }
  // Today's and later days may still take writes: never candidates.
  const today = dayOf(now);
  const actions: PruneAction[] = [];
  for (const name of names) {
    const parsed = parseDayFileName(name);
    if (!parsed || parsed.day >= today) continue;
    const file = join(options.dir, name);
    const ended = dayStart(nextDay(parsed.day));
    if (ended <= now - olderThan) {
      // A sealed day is recorded as retired by the rule before it goes: verify tells it from a day removed by hand.
      if (!options.dryRun) retireDays(options.dir, [parsed.day], `older than ${+(olderThan / 86_400_000).toFixed(2)}d`, now);
      actions.push(await act("delete", parsed.day, file, options.dryRun, () => removeFile(file)));
    } else if (!parsed.gz && options.compressAfter !== undefined && ended <= now - options.compressAfter) {
      actions.push(await act("compress", parsed.day, file, options.dryRun, () => compressDay(file)));
      // The day is read whole once more, now: what holds nothing to mask is noted so for every later query.
      if (!options.dryRun) await noteIfClean(options.dir, { day: parsed.day, path: `${file}.gz`, gz: true });
    }
  }
  return actions.filter((a): a is PruneAction => a !== undefined);
}

async function act(
  action: PruneAction["action"],
  day: string,
  file: string,
  dryRun: boolean | undefined,
  run: () => Promise<number>,
): Promise<PruneAction> {
  try {
    const info = await lstat(file);
    if (!info.isFile()) return { action, day, file, bytes: 0, skipped: `${info.isSymbolicLink() ? "a symbolic link" : "not a regular file"}, left alone` };
    return { action, day, file, bytes: dryRun ? info.size : await run() };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { action, day, file, bytes: 0 };
    return { action, day, file, bytes: 0, error: (err as Error).message };
  }
}

/** Unlinks a day file; 0 bytes when another process removed it first. */
async function removeFile(file: string): Promise<number> {
  const { size } = await lstat(file);
  try {
    await unlink(file);
    return size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw err;
  }
}
