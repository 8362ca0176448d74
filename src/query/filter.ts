import type { TraceEvent } from "../event.js";
import { toNeedle, type Needle } from "./needle.js";

/** The plain filters of a query; every one given must hold. */
export interface Filter {
  /** `id` equals (one event). */
  id?: string | undefined;
  /** `agent_id` or `target_id` equals: the target's own events (no descendants). */
  own?: string | undefined;
  /** `agent_id` equals. */
  agent?: string | undefined;
  /** `target_id` equals (a task id). */
  task?: string | undefined;
  /** A bridge event on this channel (`target_id`, no `#`). */
  channel?: string | undefined;
  /** `primitive` equals. */
  primitive?: string | undefined;
  /** `timestamp >= since` (ms). */
  since?: number | undefined;
  /** `timestamp <= until` (ms). */
  until?: number | undefined;
}

/**
 * True when the event passes every filter given.
 *
 * @example
 * matches({ agent: "haiku-1" }, event);
 */
export function matches(f: Filter, e: TraceEvent): boolean {
  return (
    (f.id === undefined || e.id === f.id) &&
    (f.own === undefined || e.agent_id === f.own || e.target_id === f.own) &&
    (f.agent === undefined || e.agent_id === f.agent) &&
    (f.task === undefined || e.target_id === f.task) &&
    (f.channel === undefined || (e.primitive === "bridge" && e.target_id === f.channel)) &&
    (f.primitive === undefined || e.primitive === f.primitive) &&
    (f.since === undefined || e.timestamp >= f.since) &&
    (f.until === undefined || e.timestamp <= f.until)
  );
}

/**
 * The byte needle that every line able to match must contain (alternate spellings
 * are searched for beside it), or undefined when the filter has no exact string
 * value to look for.
 *
 * @example
 * needleFor({ agent: "haiku-1" }); // the bytes '"haiku-1"'
 */
export function needleFor(f: Filter): Needle | undefined {
  const value = f.id ?? f.own ?? f.agent ?? f.task ?? f.channel ?? f.primitive;
  // Bad UTF-8 in a line decodes to U+FFFD: no byte needle can stand for that character.
  if (value === undefined || value.includes("\uFFFD")) return undefined;
  return toNeedle(Buffer.from(JSON.stringify(value)));
}
