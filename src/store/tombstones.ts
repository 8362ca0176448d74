/**
 * Tombstones: `trace redact ID` appends an event (`primitive: "trace"`, `event_type:
 * "redact"`, parent ID) that every reader applies as an overlay on ID's metadata. So
 * that a reader finds them without a pass over the history, the writers also append
 * each to `redactions.ndjson` beside the day files: derived, rebuilt from the day files
 * by `trace redact --rebuild`, never the only copy.
 */
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEventLine, type TraceEvent } from "../event/envelope.js";
import type { Tombstone } from "../event/redact.js";
import { writeWhole } from "./whole-file.js";

/** The registry's name in the store folder. */
export const TOMBSTONES_FILE = "redactions.ndjson";

/** True for a tombstone event. */
export const isTombstone = (e: TraceEvent): boolean => e.primitive === "trace" && e.event_type === "redact" && e.parent_event_id !== null;

/** Adds a tombstone the writer just wrote to the registry. */
export function registerTombstone(dir: string, e: TraceEvent): void {
  appendFileSync(join(dir, TOMBSTONES_FILE), JSON.stringify(e) + "\n");
}

/**
 * The tombstones of a store by the id of the event each hides (the latest wins); none
 * when there is no registry. A line that is not a tombstone is passed by.
 *
 * @example
 * readTombstones(".space/trace").get(id)?.reason;
 */
export function readTombstones(dir: string): Map<string, Tombstone> {
  let text: string;
  try {
    text = readFileSync(join(dir, TOMBSTONES_FILE), "utf8");
  } catch {
    return new Map();
  }
  return tombstonesOf(text.split("\n"));
}

/**
 * Tombstone lines, in the order written, by the id of the event each hides (the latest
 * wins); other lines are passed by.
 *
 * @example
 * tombstonesOf(rows.map((r) => r.line));
 */
export function tombstonesOf(lines: Iterable<string>): Map<string, Tombstone> {
  const out = new Map<string, Tombstone>();
  for (const line of lines) {
    const e = line === "" ? undefined : parseEventLine(line);
    if (!e || !isTombstone(e)) continue;
    const reason = typeof e.metadata.reason === "string" ? e.metadata.reason : null;
    out.set(e.parent_event_id!, { id: e.id, by: e.agent_id, reason, at: e.timestamp });
  }
  return out;
}

/**
 * Writes the registry anew from `tombstones` (temporary name, then renamed).
 *
 * @example
 * rewriteTombstones(dir, found);
 */
export function rewriteTombstones(dir: string, tombstones: readonly TraceEvent[]): void {
  writeWhole(join(dir, TOMBSTONES_FILE), tombstones.map((e) => JSON.stringify(e) + "\n").join(""));
}
