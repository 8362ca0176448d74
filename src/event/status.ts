/** Whether an event says it failed: one reading of failure for `--status error`, the tree, every export and the page. */
import type { TraceEvent } from "./envelope.js";

/** Statuses that say a step failed. */
const FAILED = /^(error|errored|fail|failed|failure|timeout|timed[ _-]?out|denied|rejected|crashed|aborted)$/i;
/** Statuses that say a call went well. */
const OK = /^(ok|success|succeeded|completed|complete|done|allowed)$/i;

/**
 * What an event says went wrong, or undefined when it did not fail: a failing `status`
 * (error, failed, timeout …), a tool or AI call whose status is not ok, an `error` in
 * its metadata, an event type ending in `error`, a capability `allowed: false`. The text
 * is the error's message (or type), else the reason, else the status or event type.
 *
 * @example
 * failureOf({ …, metadata: { status: "error", error: "card declined" } }); // "card declined"
 */
export function failureOf(e: TraceEvent): string | undefined {
  const m = e.metadata;
  const said = typeof m.status === "string" ? m.status : undefined;
  const error = m.error !== undefined && m.error !== null && m.error !== false && m.error !== "" ? m.error : undefined;
  const failed = (said !== undefined && (FAILED.test(said) || (/(^|_)(tool|ai)_call(_end)?$/.test(e.event_type) && !OK.test(said)))) || error !== undefined || /(^|[._])error$/.test(e.event_type) || m.allowed === false;
  if (!failed) return undefined;
  if (typeof error === "string") return error;
  if (typeof error === "object") for (const key of ["message", "type", "code"]) if (typeof (error as Record<string, unknown>)[key] === "string") return (error as Record<string, string>)[key];
  if (typeof m.reason === "string" && m.reason !== "") return m.reason;
  return said ?? (m.allowed === false ? "denied" : e.event_type);
}
