/**
 * Where the sources are: the space-os databases in the `.space/` that holds the store,
 * and the one `--space` / `TRACE_SPACE` names. Only `fs` here: a query of a store
 * without sources loads nothing more.
 */
import { existsSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { UsageError } from "../errors.js";

/** The files of the per-primitive layout of 2025-10-22, in the order they are read (`spawn.db` first: it names the agents). */
export const LEGACY_FILES = ["spawn.db", "events.db", "bridge.db", "memory.db", "knowledge.db"] as const;

/** One database found. */
export interface Source {
  path: string;
  /** `space.db` (the unified layout) or one of the per-primitive files of 2025-10-22. */
  layout: "unified" | "per-primitive";
}

/** Where to look. */
export interface SourceOptions {
  /** `--space PATH` / `TRACE_SPACE`: a `space.db`, one of the per-primitive files, or a folder holding them. */
  space?: string | undefined;
  /** `--no-sources`. */
  off?: boolean | undefined;
  /** `--space-tz` / `TRACE_SPACE_TZ`: the zone of the machine that wrote space.db's naive local times (default: this machine's). */
  zone?: string | undefined;
}

/**
 * The databases a store's workspace keeps: in the `.space/` that holds the store (a
 * store at `W/.space/trace`), and at `space`; each file once, however it was named (a
 * relative path, a symlink: the same device and inode are one source). A path named
 * like one that is not a regular file is skipped, told to `onSkip`.
 *
 * @example
 * findSources("/w/.space/trace"); // [{ path: "/w/.space/space.db", layout: "unified" }]
 */
export function findSources(storeDir: string, options: SourceOptions = {}, onSkip?: (path: string) => void): Source[] {
  if (options.off) return [];
  const places: string[] = [];
  if (basename(storeDir) === "trace" && basename(dirname(storeDir)) === ".space") places.push(dirname(storeDir));
  if (options.space) places.push(options.space);
  // What --space names is checked first: a wrong path is the one line said.
  if (options.space) {
    const st = statSync(options.space, { throwIfNoEntry: false });
    if (!st) throw new UsageError(`--space ${options.space}: no such database or folder`);
    if (!st.isDirectory() && !st.isFile()) throw new UsageError(`--space ${options.space}: not a database file or a folder`);
  }
  const found: Source[] = [];
  const seen = new Set<string>();
  for (const place of places) {
    const st = statSync(place, { throwIfNoEntry: false });
    if (!st || (!st.isDirectory() && !st.isFile())) continue;
    // A FIFO or a folder named like a database is not one: skipped (SQLite would wait on a FIFO forever).
    const named = st.isDirectory() ? ["space.db", ...LEGACY_FILES].map((f) => join(place, f)).filter((f) => existsSync(f)) : [place];
    for (const path of named) {
      const file = statSync(path, { throwIfNoEntry: false });
      if (!file?.isFile()) {
        onSkip?.(path);
        continue;
      }
      const identity = `${file.dev}:${file.ino}`;
      if (seen.has(identity)) continue;
      seen.add(identity);
      found.push({ path, layout: (LEGACY_FILES as readonly string[]).includes(basename(path)) ? "per-primitive" : "unified" });
    }
  }
  // spawn.db names the agents of the other per-primitive files: read first.
  return found.sort((a, b) => Number(basename(b.path) === "spawn.db") - Number(basename(a.path) === "spawn.db"));
}
