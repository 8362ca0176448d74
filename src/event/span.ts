/** An event's extent in time: written when it finished, it began `duration_ms` before. */
import type { TraceEvent } from "./envelope.js";

/**
 * How long an event lasted (ms), from its `duration_ms` (tool calls, AI calls, received
 * spans); undefined for a point in time.
 *
 * @example
 * durationOf({ …, metadata: { duration_ms: 250 } }); // 250
 */
export function durationOf(e: TraceEvent): number | undefined {
  const d = e.metadata.duration_ms;
  return typeof d === "number" && Number.isFinite(d) && d > 0 ? d : undefined;
}

/**
 * When an event began: its time less its duration. An effect may not come before its
 * cause began (a span's children end before it does).
 *
 * @example
 * startOf({ timestamp: 1000, …, metadata: { duration_ms: 250 } }); // 750
 */
export function startOf(e: TraceEvent): number {
  return e.timestamp - (durationOf(e) ?? 0);
}
