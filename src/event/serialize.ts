/** The stored line of an event: keys in order, no spaces, and a writer's cached pieces. */
import { UsageError } from "../errors.js";
import type { TraceEvent } from "./envelope.js";

/**
 * The stored line for an event, newline included, keys in the stored order (docs/format.md).
 * Throws a UsageError when metadata cannot be written as JSON.
 */
export function serializeEvent(e: TraceEvent): string {
  return lineOf(e, headOf(e, middleOf(e)));
}

const NO_PARENT = 'null,"metadata":';

/** The line around its head (see `headOf`); `keys` as for `flatJson`. */
function lineOf(e: TraceEvent, head: string, keys?: Map<string, string>): string {
  const parent = e.parent_event_id === null ? NO_PARENT : str(e.parent_event_id) + ',"metadata":';
  return '{"id":"' + e.id + head + parent + metadataJson(e, keys) + "}\n";
}

/** The part of a line from `","timestamp":` to `"parent_event_id":`. */
function headOf(e: TraceEvent, middle: string): string {
  return '","timestamp":' + e.timestamp + middle;
}

/** The part of a line from `,"primitive":` to `"parent_event_id":`. */
function middleOf(e: TraceEvent): string {
  return ',"primitive":' + str(e.primitive) + ',"event_type":' + str(e.event_type) + ',"agent_id":' + str(e.agent_id) + ',"target_id":' + str(e.target_id) + ',"parent_event_id":';
}

function metadataJson(e: TraceEvent, keys?: Map<string, string>): string {
  let meta: string | undefined = keys && flatJson(e.metadata, keys);
  if (meta !== undefined) return meta;
  try {
    meta = JSON.stringify(e.metadata);
  } catch (err) {
    throw new UsageError(`metadata: not serialisable as JSON (${(err as Error).message})`);
  }
  if (meta === undefined || meta[0] !== "{") throw new UsageError("metadata: expected a JSON object");
  return meta;
}

/** What JSON.stringify escapes in a string: quote, backslash, control characters, surrogates. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const KEY_CACHE = 1024;

/**
 * `JSON.stringify(m)` for the flat object metadata usually is (own keys, values that
 * are strings without escapes, numbers, booleans or null), built from pieces: Node 20's
 * JSON.stringify takes ~400 ns for `{"attempt":1}`. Undefined for anything else,
 * which JSON.stringify then writes. `keys` remembers each key's `"key":`.
 */
function flatJson(m: Record<string, unknown>, keys: Map<string, string>): string | undefined {
  const proto: unknown = Object.getPrototypeOf(m);
  if (proto !== Object.prototype && proto !== null) return undefined;
  let out = "";
  for (const k of Object.keys(m)) {
    const v = m[k];
    let piece: string;
    if (typeof v === "string") {
      if (NEEDS_ESCAPE.test(v)) return undefined;
      piece = '"' + v + '"';
    } else if (typeof v === "number") piece = Number.isFinite(v) ? "" + v : "null";
    else if (typeof v === "boolean") piece = v ? "true" : "false";
    else if (v === null) piece = "null";
    else if (v === undefined) continue;
    else return undefined;
    let key = keys.get(k);
    if (key === undefined) {
      key = JSON.stringify(k) + ":";
      if (keys.size < KEY_CACHE) keys.set(k, key);
    }
    out += (out === "" ? "{" : ",") + key + piece;
  }
  return out === "" ? "{}" : out + "}";
}

const MIDDLE_CACHE = 4096;

type Middles = Map<string, Map<string, Map<string | null, Map<string | null, string>>>>;

/**
 * `serializeEvent` for a writer: it remembers the middle of the lines it wrote
 * (primitive, type, agent and target, quoted), since writers repeat the same few. A
 * line of a few flat pieces is cheaper to build, and to encode, than one of twenty.
 *
 * @example
 * const serialize = createSerializer();
 * serialize(event) === serializeEvent(event); // true
 */
export function createSerializer(): (e: TraceEvent) => string {
  const middles: Middles = new Map();
  const keys = new Map<string, string>();
  let size = 0;
  let last: TraceEvent | undefined;
  let lastMiddle = "";
  const middle = (e: TraceEvent): string => {
    // A run of events from one agent on one target is the common case.
    if (last !== undefined && e.primitive === last.primitive && e.event_type === last.event_type && e.agent_id === last.agent_id && e.target_id === last.target_id) return lastMiddle;
    last = e;
    return (lastMiddle = cachedMiddle(e));
  };
  const cachedMiddle = (e: TraceEvent): string => {
    const byTarget = middles.get(e.primitive)?.get(e.event_type)?.get(e.agent_id);
    let m = byTarget?.get(e.target_id);
    if (m !== undefined) return m;
    // Flattened once here, so that no line has to walk its pieces again.
    m = Buffer.from(middleOf(e)).toString();
    if (size++ < MIDDLE_CACHE) {
      let byType = middles.get(e.primitive);
      if (!byType) middles.set(e.primitive, (byType = new Map()));
      let byAgent = byType.get(e.event_type);
      if (!byAgent) byType.set(e.event_type, (byAgent = new Map()));
      let targets = byAgent.get(e.agent_id);
      if (!targets) byAgent.set(e.agent_id, (targets = new Map()));
      targets.set(e.target_id, m);
    }
    return m;
  };
  let headTime = NaN;
  let headMiddle = "";
  let head = "";
  return (e) => {
    const m = middle(e);
    // A burst of events shares its millisecond, and usually its middle.
    if (e.timestamp !== headTime || m !== headMiddle) {
      headTime = e.timestamp;
      headMiddle = m;
      head = headOf(e, m);
    }
    return lineOf(e, head, keys);
  };
}

function str(v: string | null): string {
  return v === null ? "null" : JSON.stringify(v);
}

