/** The query's filters: what each means for an event, and their compilation into the engine's byte filter. */
import { createByteFilter, type ByteFilter, type EventField } from "../engine/facade.js";
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
    (f.since === undefined || e.timestamp >= f.since) &&
    (f.until === undefined || e.timestamp <= f.until)
  );
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
  ];
  return createByteFilter({
    pairs: pairs.filter((p): p is [EventField, string] => p[1] !== undefined),
    own: f.own,
    needle: f.id ?? f.own ?? f.agent ?? f.task ?? f.channel ?? f.primitive,
    // A channel's spawns name it in metadata, which bytes of record fields cannot decide.
    decides: f.channel === undefined,
    since: f.since,
    until: f.until,
    accept: (e) => matches(f, e),
  });
}
