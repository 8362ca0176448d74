import { UsageError } from "./errors.js";
import type { IdSource } from "./store/id.js";
import { isSchemaType, validateTrace } from "./schema/validate.js";

/** One trace event, keys in the stored order (DESIGN §1). */
export interface TraceEvent {
  id: string;
  timestamp: number;
  primitive: string;
  event_type: string;
  agent_id: string | null;
  target_id: string | null;
  parent_event_id: string | null;
  metadata: Record<string, unknown>;
}

/** What a caller supplies to emit; the writer fills in id and timestamp. */
export interface EventInput {
  primitive: string;
  event_type: string;
  agent_id?: string | null;
  target_id?: string | null;
  parent_event_id?: string | null;
  metadata?: Record<string, unknown>;
  /** Milliseconds since the epoch; defaults to now. For imports and tests. */
  timestamp?: number;
}

const PRIMITIVE = /^[a-z][a-z0-9_-]*$/;
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9_.:-]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True when `value` is a plain JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkNames(input: EventInput): void {
  if (typeof input.primitive !== "string" || !PRIMITIVE.test(input.primitive)) {
    throw new UsageError(`primitive: expected [a-z][a-z0-9_-]*, got ${JSON.stringify(input.primitive)}`);
  }
  if (typeof input.event_type !== "string" || !EVENT_TYPE.test(input.event_type)) {
    throw new UsageError(`event_type: expected a word such as create_task, got ${JSON.stringify(input.event_type)}`);
  }
}

// The value, not `input[key]`: a keyed read with two names went megamorphic and slowed every emit.
function optionalId(value: unknown, key: "agent_id" | "target_id"): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || value.length === 0) {
    throw new UsageError(`${key}: expected a non-empty string or null`);
  }
  return value;
}

/**
 * Checks an input and builds the stored event, or throws a UsageError naming the bad key.
 *
 * @example
 * makeEvent({ primitive: "ops", event_type: "create_task", target_id: "task-1" }, createIdSource()).id;
 */
export function makeEvent(input: EventInput, nextId: IdSource, now: number = Date.now(), checked?: Map<string, Set<string>>): TraceEvent {
  if (!isPlainObject(input)) throw new UsageError("event: expected an object");
  // A writer remembers the (primitive, event_type) pairs it has already checked.
  const known = checked?.get(input.primitive)?.has(input.event_type) === true;
  if (!known) {
    checkNames(input);
    if (checked !== undefined && !isSchemaType(input.event_type)) {
      const types = checked.get(input.primitive) ?? new Set<string>();
      checked.set(input.primitive, types.add(input.event_type));
    }
  }
  const parent = input.parent_event_id ?? null;
  if (parent !== null && (typeof parent !== "string" || !UUID.test(parent))) {
    throw new UsageError(`parent_event_id: expected a lowercase UUID, got ${JSON.stringify(parent)}`);
  }
  let metadata = input.metadata ?? {};
  if (!isPlainObject(metadata)) throw new UsageError("metadata: expected a JSON object");
  if (!known && isSchemaType(input.event_type)) {
    const { problems } = validateTrace(metadata, input.event_type);
    if (problems.length > 0) {
      throw new UsageError(`metadata: ${input.event_type} breaks trace schema v1: ${problems.map((p) => `${p.key} ${p.message}`).join("; ")}`);
    }
    // The stored trace is whole, type included (DESIGN §1).
    if (metadata.type === undefined) metadata = { type: input.event_type, ...metadata };
  }
  const timestamp = input.timestamp ?? now;
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new UsageError(`timestamp: expected integer milliseconds since the epoch, got ${String(timestamp)}`);
  }
  return {
    id: nextId(now),
    timestamp,
    primitive: input.primitive,
    event_type: input.event_type,
    agent_id: optionalId(input.agent_id, "agent_id"),
    target_id: optionalId(input.target_id, "target_id"),
    parent_event_id: parent,
    metadata,
  };
}

/**
 * The stored line for an event, newline included, keys in DESIGN order.
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

/**
 * True when a parsed JSON value has the envelope of an event with the right types.
 * The reader's test: anything else is a bad line.
 */
export function isEvent(v: unknown): v is TraceEvent {
  if (!isPlainObject(v)) return false;
  return (
    typeof v.id === "string" && v.id.length > 0 &&
    typeof v.timestamp === "number" && Number.isSafeInteger(v.timestamp) &&
    typeof v.primitive === "string" && v.primitive.length > 0 &&
    typeof v.event_type === "string" && v.event_type.length > 0 &&
    nullableString(v.agent_id) && nullableString(v.target_id) && nullableString(v.parent_event_id) &&
    isPlainObject(v.metadata)
  );
}

function nullableString(v: unknown): boolean {
  return v === null || typeof v === "string";
}

/** Parses one stored line; undefined when it is not a valid event. */
export function parseEventLine(line: string): TraceEvent | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  return isEvent(v) ? v : undefined;
}

/** Orders events by (timestamp, id), the one total order of DESIGN §1. */
export function compareEvents(a: Pick<TraceEvent, "timestamp" | "id">, b: Pick<TraceEvent, "timestamp" | "id">): number {
  return a.timestamp - b.timestamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
