/**
 * Hiding after the fact, and the store's policy, as the library offers them: a
 * tombstone appended for an event (never a file rewritten), the policy read and changed
 * in the store's config, the registry of tombstones rebuilt from the day files.
 */
import type { TraceEvent } from "../event/envelope.js";
import { UsageError } from "../errors.js";
import { readStoreConfig, writeStoreConfig, type StoreConfig } from "../store/config.js";
import { isTombstone, rewriteTombstones } from "../store/tombstones.js";
import { openWriter } from "./writers.js";

/**
 * Appends a tombstone for the event `id` (full, or a unique suffix of 8+ characters):
 * from then on every reader shows its metadata as redacted, with who and why. The
 * event and its skeleton stay; an id not in the store is a UsageError.
 *
 * @example
 * const tombstone = await redactEvent("0190…", { dir: ".space/trace", reason: "leaked a customer's address", agent: "operator" });
 */
export async function redactEvent(id: string, options: { dir: string; reason: string; agent?: string | undefined }): Promise<TraceEvent> {
  if (options.reason.trim() === "") throw new UsageError("--reason: say why (it is kept with the tombstone)");
  const { findFocus } = await import("../causality/find.js");
  const { event, byId } = await findFocus(options.dir, id).catch((err: unknown) => {
    throw err instanceof UsageError ? new UsageError(`redact ${id}: no event with that id in ${options.dir}`) : err;
  });
  if (!byId) throw new UsageError(`redact: ${JSON.stringify(id)} names no event id (a target is not an event: name the event's id)`);
  const writer = openWriter({ dir: options.dir });
  try {
    return writer.emit({ primitive: "trace", event_type: "redact", agent_id: options.agent ?? null, target_id: event.target_id, parent_event_id: event.id, metadata: { reason: options.reason } });
  } finally {
    writer.close();
  }
}

/**
 * Changes the store's policy: keys and patterns added, the defaults on or off, masking off or on.
 *
 * @example
 * updatePolicy(".space/trace", { addKeys: ["customer_email"], addPatterns: ["\\bcus_[A-Za-z0-9]{14}\\b"] });
 */
export function updatePolicy(dir: string, change: { addKeys?: readonly string[]; addPatterns?: readonly string[]; defaults?: boolean; off?: boolean }): NonNullable<StoreConfig["redact"]> {
  const config = readStoreConfig(dir);
  const r = { ...config.redact };
  for (const p of change.addPatterns ?? []) {
    try {
      new RegExp(p);
    } catch (err) {
      throw new UsageError(`--add-pattern ${JSON.stringify(p)}: not a regular expression (${(err as Error).message})`);
    }
  }
  if (change.addKeys?.length) r.keys = [...new Set([...(r.keys ?? []), ...change.addKeys])];
  if (change.addPatterns?.length) r.patterns = [...new Set([...(r.patterns ?? []), ...change.addPatterns])];
  if (change.defaults !== undefined) r.defaults = change.defaults;
  if (change.off !== undefined) r.off = change.off;
  if (r.defaults === true) delete r.defaults;
  if (r.off === false) delete r.off;
  writeStoreConfig(dir, { ...config, redact: r });
  return r;
}

/**
 * Writes the tombstone registry anew from the day files: for tombstones written by other
 * means than this project's writers. Returns how many there are.
 *
 * @example
 * await rebuildTombstones(".space/trace");
 */
export async function rebuildTombstones(dir: string): Promise<number> {
  const { scan } = await import("../query/scan.js");
  const found: TraceEvent[] = [];
  for await (const { event } of scan({ dir, filter: { primitive: "trace" }, onBad: () => undefined })) if (isTombstone(event)) found.push(event);
  rewriteTombstones(dir, found);
  return found.length;
}
