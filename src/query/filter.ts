/** The query's filters: what each means for an event, and their compilation into the engine's byte filter. */
import { createByteFilter, type ByteFilter, type EventField } from "../engine/facade.js";
import { failureOf } from "../event/status.js";
import type { TraceEvent } from "../event/envelope.js";

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
  /** What happened on this channel (no `#`): its bridge events (`target_id`), and the spawns that ran in it (`metadata.channel`). */
  channel?: string | undefined;
  /** `primitive` equals. */
  primitive?: string | undefined;
  /** `event_type` equals. */
  type?: string | undefined;
  /** `error`: events that say they failed (a status of error, failed, timeout…, an `error` field, an `*_error` type, a tool or AI call whose status is not ok); another word: `metadata.status` equals it. */
  status?: string | undefined;
  /** Matches the type, agent, target or any text of the metadata. */
  grep?: RegExp | undefined;
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
    (f.channel === undefined || onChannel(e, f.channel)) &&
    (f.primitive === undefined || e.primitive === f.primitive) &&
    (f.type === undefined || e.event_type === f.type) &&
    (f.status === undefined || hasStatus(e, f.status)) &&
    (f.grep === undefined || grepHits(e, f.grep)) &&
    (f.since === undefined || e.timestamp >= f.since) &&
    (f.until === undefined || e.timestamp <= f.until)
  );
}

/** True when the event says it has `status` (`error`: that it failed, in any of the ways events say so). */
function hasStatus(e: TraceEvent, status: string): boolean {
  if (status !== "error") return e.metadata.status === status;
  return failureOf(e) !== undefined;
}

/** True when `re` matches the event's type, primitive, agent, target or a text of its metadata (any depth). */
function grepHits(e: TraceEvent, re: RegExp): boolean {
  if (re.test(e.event_type) || re.test(e.primitive) || (e.agent_id !== null && re.test(e.agent_id)) || (e.target_id !== null && re.test(e.target_id))) return true;
  const stack: unknown[] = [e.metadata];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "string" ? re.test(v) : typeof v === "number" && re.test(String(v))) return true;
    if (v !== null && typeof v === "object") for (const x of Object.values(v)) stack.push(x);
  }
  return false;
}

/** A bridge event on the channel, or a spawn that ran in it. */
function onChannel(e: TraceEvent, channel: string): boolean {
  return e.primitive === "bridge" ? e.target_id === channel : e.primitive === "spawn" && e.metadata.channel === channel;
}

/**
 * The filter as the engine takes it: each named value a field/value byte pair, `own`
 * for a target's own events, the time range, the needle (the first value every match
 * must spell: a channel's name is in its messages' target and its spawns' metadata),
 * and `matches` as the exact test. A new filter field is one pair here; the engine
 * compares any field.
 *
 * @example
 * const bf = toByteFilter({ agent: "haiku-1", since: Date.now() - 3_600_000 });
 */
export function toByteFilter(f: Filter): ByteFilter {
  const pairs: [EventField, string | undefined][] = [
    ["id", f.id],
    ["agent_id", f.agent],
    ["target_id", f.task],
    ["primitive", f.primitive],
    ["event_type", f.type],
  ];
  return createByteFilter({
    pairs: pairs.filter((p): p is [EventField, string] => p[1] !== undefined),
    own: f.own,
    // A time window alone, or no filter, has none: the block matcher then decides every line, a block in one call.
    needle: f.id ?? f.own ?? f.agent ?? f.task ?? f.channel ?? f.primitive ?? f.type,
    // A channel's spawns name it in metadata, and a status or a pattern is in the metadata too: bytes of record fields cannot decide them.
    decides: f.channel === undefined && f.status === undefined && f.grep === undefined,
    since: f.since,
    until: f.until,
    accept: (e) => matches(f, e),
  });
}
