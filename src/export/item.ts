/** What an export writes of each event: the event, the root of its recorded tree, an inferred cause. */
import type { TraceEvent } from "../event/envelope.js";

export { durationOf } from "../event/span.js";

/** One event on its way out. */
export interface ExportItem {
  event: TraceEvent;
  /** The id of the root of its tree by recorded parents (a missing parent's id when the chain ends at one). */
  root: string;
  /** A cause `--infer` found: a link, never a parent. */
  inferred?: { id: string; root: string };
  /** For a parentless event of an agent between its wake and its sleep: the wake, whose invocation holds it (OTLP's `invoke_agent` span parents it). */
  heldBy?: string;
}

/**
 * True when the event's recorded parent closes a cycle (or is the event itself): it is
 * the root of its tree yet names a parent. Every export cuts that link, marked, as
 * `--causality` cuts it.
 *
 * @example
 * if (cutsCycle(item)) attributes.push({ key: "trace.cycle_cut", value: { boolValue: true } });
 */
export function cutsCycle(item: ExportItem): boolean {
  return item.root === item.event.id && item.event.parent_event_id !== null;
}
