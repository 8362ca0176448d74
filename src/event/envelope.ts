/** The event envelope (docs/format.md): its type, the reader's test of a parsed line, and the one order. */
/** One trace event, keys in the stored order. */
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
  /** Store the metadata hidden: `{redacted: true, reason, digest}`, the digest of the original (`trace emit --private`). */
  private?: boolean;
  /** Why, with `private`. */
  reason?: string;
  /** Store just these metadata keys (any depth) hidden, each as `{redacted: true, digest}` (`trace emit --redact`). */
  redact?: readonly string[];
}

/** True when `value` is a plain JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
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

/** Orders events by (timestamp, id), the one total order (docs/format.md). */
export function compareEvents(a: Pick<TraceEvent, "timestamp" | "id">, b: Pick<TraceEvent, "timestamp" | "id">): number {
  return a.timestamp - b.timestamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
