import { existsSync, readdirSync, statSync, type Dirent } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { UsageError } from "../errors.js";
import { copiedBytes } from "./copy-marker.js";

/** One day file of a store. */
export interface DayFile {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  /** Absolute path. */
  path: string;
  /** True for a compressed `YYYY-MM-DD.ndjson.gz`. */
  gz: boolean;
  /** A plain file's first bytes that its day's `.gz` already holds (see copy-marker.ts): read from here. */
  start?: number;
}

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.ndjson(\.gz)?$/;
const DAY_MS = 86_400_000;

/**
 * The store folder: `--dir`, then `TRACE_DIR`, then `.space/trace` in the nearest
 * ancestor that has a `.space/`, else `./.space/trace`.
 *
 * @example
 * resolveStoreDir({ dir: "logs/payments" }); // "/abs/logs/payments"
 */
export function resolveStoreDir(opts: { dir?: string | undefined; env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  const cwd = opts.cwd ?? process.cwd();
  if (opts.dir) return resolve(cwd, opts.dir);
  // A `:` list names several stores to read; one store is its first (where a writer writes).
  const fromEnv = (opts.env ?? process.env).TRACE_DIR?.split(":").find((d) => d !== "");
  if (fromEnv) return resolve(cwd, fromEnv);
  for (let at = resolve(cwd); ; at = dirname(at)) {
    if (existsSync(join(at, ".space"))) return join(at, ".space", "trace");
    if (dirname(at) === at) break;
  }
  return resolve(cwd, ".space", "trace");
}

/**
 * The stores a read names: each `--dir`, else each of `TRACE_DIR`'s `:`-separated
 * folders, else the one `resolveStoreDir` finds. Duplicates once.
 *
 * @example
 * resolveStoreDirs({ dirs: ["host-a/.space/trace", "host-b/.space/trace"] });
 */
export function resolveStoreDirs(opts: { dirs?: readonly string[] | undefined; env?: NodeJS.ProcessEnv; cwd?: string } = {}): string[] {
  const cwd = opts.cwd ?? process.cwd();
  const given = opts.dirs?.length ? opts.dirs : ((opts.env ?? process.env).TRACE_DIR ?? "").split(":").filter((d) => d !== "");
  if (given.length === 0) return [resolveStoreDir({ ...opts, dir: undefined })];
  return [...new Set(given.map((d) => resolve(cwd, d)))];
}

/** The UTC day (`YYYY-MM-DD`) of a timestamp in milliseconds. */
export function dayOf(timestamp: number): string {
  return new Date(timestamp).toISOString().slice(0, 10);
}

/** True for a day that has ended (UTC): no writer appends to it but a late event. */
export function isSealed(file: DayFile, now = Date.now()): boolean {
  return file.day < dayOf(now);
}

/** Milliseconds at 00:00 UTC of a `YYYY-MM-DD` day. */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** The day after a `YYYY-MM-DD` day. */
export function nextDay(day: string): string {
  return dayOf(dayStart(day) + DAY_MS);
}

/** Path of the plain day file for a day. */
export function dayFilePath(dir: string, day: string): string {
  return join(dir, `${day}.ndjson`);
}

/** Parses a file name; undefined unless it is a day file (`YYYY-MM-DD.ndjson[.gz]`). */
export function parseDayFileName(name: string): { day: string; gz: boolean } | undefined {
  const m = DAY_FILE.exec(name);
  if (!m || !m[1]) return undefined;
  const day = m[1];
  if (Number.isNaN(dayStart(day)) || dayOf(dayStart(day)) !== day) return undefined;
  return { day, gz: m[2] !== undefined };
}

/**
 * The day files of a store in day order, regular files only; a day with both a `.gz`
 * and a plain file lists the `.gz` first (older events), and the plain file from the
 * first byte the `.gz` does not hold (all of it, unless compaction's marker names this
 * very file), or not at all when the `.gz` holds it whole. Optional bounds skip days
 * that cannot hold `[from, to]` without opening them.
 */
export function listDayFiles(dir: string, range: { from?: number; to?: number } = {}): DayFile[] {
  let entries: Dirent[];
  try {
    // The entries' types come with the listing: no lstat per file (Node stats only where the file system does not say).
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return [];
    if (code === "ENOTDIR") throw new UsageError(`${dir}: not a folder (--dir and TRACE_DIR name the store folder)`);
    throw err;
  }
  const fromDay = range.from === undefined ? undefined : dayOf(range.from);
  const toDay = range.to === undefined ? undefined : dayOf(range.to);
  const out: DayFile[] = [];
  // One join for the folder, not one per file: `path.join` per name is a hot loop of its own over a long history.
  const prefix = join(dir, "_").slice(0, -1);
  for (const entry of entries) {
    const parsed = parseDayFileName(entry.name);
    if (!parsed || !entry.isFile()) continue;
    if (fromDay !== undefined && parsed.day < fromDay) continue;
    if (toDay !== undefined && parsed.day > toDay) continue;
    out.push({ day: parsed.day, path: prefix + entry.name, gz: parsed.gz });
  }
  out.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : Number(b.gz) - Number(a.gz)));
  return out.filter((f, i) => {
    if (f.gz || out[i - 1]?.day !== f.day) return true;
    const start = copiedBytes(dir, f.day);
    if (start === 0) return true;
    f.start = start;
    return start < (statSync(f.path, { throwIfNoEntry: false })?.size ?? 0);
  });
}

/**
 * A `dayOf` that remembers the last day, for hot paths where nearly every timestamp
 * falls on the same day as the one before.
 */
export function createDayLookup(): (timestamp: number) => string {
  let from = 1;
  let to = 0;
  let day = "";
  return (timestamp) => {
    if (timestamp < from || timestamp >= to) {
      day = dayOf(timestamp);
      from = dayStart(day);
      to = from + DAY_MS;
    }
    return day;
  };
}
