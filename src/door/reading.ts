/** Where and how events are read, as data, and its resolution: stores, sources, indexes, masking, reports. */
import type { BadReport } from "../store/lines.js";
import type { IndexOption } from "../query/indexed.js";
import type { Read } from "../query/asked.js";
import { createRedactor, type Redactor } from "../query/redactor.js";
import { storeNames } from "../query/stores.js";
import { resolveStoreDirs } from "../store/layout.js";
import { checkZone } from "../sources/times.js";
import { databaseBackend } from "../db/read.js";

/** How a question is read. Every field is optional: the defaults read the nearest store, with its sources and indexes, masked. */
export interface Reading {
  /** The store folder, or several read as one history; default: `TRACE_DIR` (a `:` list), else `.space/trace` in the nearest workspace. */
  dir?: string | readonly string[] | undefined;
  /**
   * The space-os databases read with the day files: those beside the store, and `space`
   * (a `space.db`, a per-primitive file, or a folder); `off` reads none. `zone`: where
   * space.db's naive local times were written (`local`, the default, else `TRACE_SPACE_TZ`;
   * `UTC`; `+11:00`; `Australia/Sydney`).
   */
  sources?: { space?: string | undefined; off?: boolean | undefined; zone?: string | undefined } | undefined;
  /** The indexes of sealed days: `false` reads every day whole (`--no-index`). */
  index?: IndexOption;
  /**
   * Masking by each store's policy and tombstones: on unless `false` (`--no-redact`).
   * Exports mask whatever this says: what leaves the machine is always masked.
   */
  redact?: boolean | undefined;
  /** The plain reader: the reference path the fast one must equal. */
  plain?: boolean | undefined;
  /** When a filtered scan reads ahead on a helper thread (bytes of day files; Infinity: never). */
  readAhead?: number | undefined;
  /** The time `2h ago` counts from; default now. */
  now?: number | undefined;
  /** Told once per file that had bad lines (default: nothing). */
  onBad?: ((report: BadReport) => void) | undefined;
  /** Told of each problem with a source, and a follower's notes (truncation, replaced files); `unreadable` when none of a database could be read. */
  onNote?: ((message: string, unreadable?: boolean) => void) | undefined;
  /** Only what reached the store after this cursor (`Answer.position` of an earlier query); `where` names it in errors. */
  after?: string | undefined;
  cursorWhere?: string | undefined;
  /**
   * A central PostgreSQL (`postgresql://…`) that hosts ship their stores to: every
   * question is answered from it instead of the day files and sources, masked by the
   * policy of the store `dir` names (the defaults without one) and the tombstones it holds.
   */
  db?: string | undefined;
}

/** A reading resolved: the query layers' `Read`, the time it counts from, and each store's mask. */
export interface Resolved extends Read {
  now: number;
  /** The mask of the store an event came from, by its tag (the first store's when untagged). */
  maskOf(store: string | undefined): Redactor;
}

/**
 * Resolves a reading once: the stores found, each store's masking step made (on unless
 * `redact: false`; with `forceMask`, what leaves the machine, always, by the default keys
 * and patterns too, whatever the store's policy says), the defaults filled.
 *
 * @example
 * const read = resolveReading({ dir: "logs/payments" });
 */
export function resolveReading(r: Reading, options: { forceMask?: boolean } = {}): Resolved {
  const dir = r.dir;
  const found = resolveStoreDirs({ dirs: typeof dir === "string" ? [dir] : dir });
  // A database answers as one history; the store named (or found) gives the policy.
  const dirs = r.db === undefined ? found : found.slice(0, 1);
  const names = storeNames(dirs);
  // What leaves the machine (`forceMask`) is masked by the defaults whatever the store's policy says.
  const how = options.forceMask ? { leaving: true } : { off: r.redact === false };
  // The database masks its events itself (with its own tombstones): its one masking step.
  const database = r.db === undefined ? undefined : databaseBackend(r.db, (tombstones) => createRedactor(dirs[0], { ...how, tombstones }), r.onNote);
  const masks = new Map(dirs.map((d) => [d, createRedactor(d, database ? { off: true } : how)]));
  const mask = (d: string): Redactor => masks.get(d) ?? createRedactor(d, database ? { off: true } : how);
  return {
    database,
    dirs,
    names,
    mask,
    maskOf: (store) => mask(dirs[Math.max(0, store === undefined ? 0 : names.indexOf(store))]!),
    sources: { space: r.sources?.space, off: r.sources?.off, zone: zoneOf(r.sources?.zone), onNote: r.onNote },
    index: r.index,
    plain: r.plain === true,
    readAhead: r.readAhead,
    onBad: r.onBad ?? (() => undefined),
    now: r.now ?? Date.now(),
  };
}

/** The zone of space.db's naive local times: the one given, else `TRACE_SPACE_TZ`, else this machine's; checked here, so a wrong one is the usage error. */
function zoneOf(given: string | undefined): string {
  const zone = given || process.env.TRACE_SPACE_TZ || "local";
  checkZone(zone);
  return zone;
}
