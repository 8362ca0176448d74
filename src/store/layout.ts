import { closeSync, existsSync, lstatSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** One day file of a store. */
export interface DayFile {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  /** Absolute path. */
  path: string;
  /** True for a compressed `YYYY-MM-DD.ndjson.gz`. */
  gz: boolean;
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
  const fromEnv = (opts.env ?? process.env).TRACE_DIR;
  if (fromEnv) return resolve(cwd, fromEnv);
  for (let at = resolve(cwd); ; at = dirname(at)) {
    if (existsSync(join(at, ".space"))) return join(at, ".space", "trace");
    if (dirname(at) === at) break;
  }
  return resolve(cwd, ".space", "trace");
}

/** The UTC day (`YYYY-MM-DD`) of a timestamp in milliseconds. */
export function dayOf(timestamp: number): string {
  return new Date(timestamp).toISOString().slice(0, 10);
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
 * and a plain file lists the `.gz` first (older events) — unless the plain file is the
 * very one being compressed (its size is the `.gz` last member's), which is then left
 * out. Optional bounds skip days that cannot hold `[from, to]` without opening them.
 */
export function listDayFiles(dir: string, range: { from?: number; to?: number } = {}): DayFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const fromDay = range.from === undefined ? undefined : dayOf(range.from);
  const toDay = range.to === undefined ? undefined : dayOf(range.to);
  const out: DayFile[] = [];
  for (const name of names) {
    const parsed = parseDayFileName(name);
    if (!parsed) continue;
    if (fromDay !== undefined && parsed.day < fromDay) continue;
    if (toDay !== undefined && parsed.day > toDay) continue;
    const path = join(dir, name);
    if (!isRegularFile(path)) continue;
    out.push({ day: parsed.day, path, gz: parsed.gz });
  }
  out.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : Number(b.gz) - Number(a.gz)));
  return out.filter((f, i) => f.gz || out[i - 1]?.day !== f.day || !isCopyOf(f.path, out[i - 1]!.path));
}

/**
 * True when a plain day file is what the `.gz` beside it ends with: compaction has
 * written the copy and not yet removed the original. A gzip member's last 4 bytes hold
 * its uncompressed size (mod 2^32).
 */
export function isCopyOf(plain: string, gz: string): boolean {
  try {
    const size = statSync(gz).size;
    const trailer = Buffer.alloc(4);
    const fd = openSync(gz, "r");
    try {
      readSync(fd, trailer, 0, 4, size - 4);
    } finally {
      closeSync(fd);
    }
    return size >= 20 && trailer.readUInt32LE(0) === statSync(plain).size % 2 ** 32;
  } catch {
    return false;
  }
}

function isRegularFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
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
