/**
 * The store's upkeep as the library offers it: pruning, indexing, validation. Each
 * loads its machinery when first called, so that a writer's start never pays for it.
 */
import type { IndexStoreOptions, IndexStoreResult } from "../day-index/facade.js";
import type { PruneAction, PruneOptions } from "../retention/prune.js";
import type { ValidationSummary } from "../validate/check.js";
import type { ValidateOptions } from "../validate/validate.js";
import { UsageError } from "../errors.js";

/**
 * Applies the retention rule: deletes day files older than `olderThan` (default: the
 * store's `retention`, else 30 days) and compresses those older than `compressAfter`.
 *
 * @example
 * const actions = await prune({ dir: ".space/trace", olderThan: 7 * 86_400_000, dryRun: true });
 */
export async function prune(options: PruneOptions): Promise<PruneAction[]> {
  return (await import("../retention/prune.js")).prune(options);
}

/**
 * Builds the missing or stale indexes of the sealed days of `dir` (all of them with
 * `rebuild`), and removes the indexes of days no longer there; one builder per store
 * at a time, by its lock.
 *
 * @example
 * const { days } = await indexStore("logs/payments", { rebuild: true });
 */
export async function indexStore(dir: string, options: IndexStoreOptions = {}): Promise<IndexStoreResult> {
  const { threads } = options;
  if (threads !== undefined && (!Number.isSafeInteger(threads) || threads < 1)) throw new UsageError(`threads ${threads}: a whole number of threads, at least 1`);
  return (await import("../day-index/facade.js")).indexStore(dir, options);
}

/**
 * True when the store has sealed days of 1 MiB or more without a fresh index and no
 * builder is at work on it: a query that missed an index may start one.
 *
 * @example
 * if (await indexWanted(dir)) spawnBuilder(dir);
 */
export async function indexWanted(dir: string): Promise<boolean> {
  return (await import("../day-index/facade.js")).indexWanted(dir);
}

/**
 * Validates traces against trace schema v1: every finding told as found, the counts
 * returned. A path that cannot be read, or a folder without day files, is a UsageError.
 *
 * @example
 * const summary = await validate({ paths: ["traces.json"], onFinding: (f) => console.log(f.where, f.key, f.message) });
 */
export async function validate(options: ValidateOptions): Promise<ValidationSummary> {
  return (await import("../validate/validate.js")).validate(options);
}
