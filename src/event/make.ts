/** Building a stored event from what a caller supplies: every check a writer makes before anything is written. */
import { UsageError } from "../errors.js";
import { isSchemaType, validateTrace } from "../schema/rules.js";
import { LATEST_MS } from "../time.js";
import { isPlainObject, type EventInput, type TraceEvent } from "./envelope.js";
import type { IdSource } from "./id.js";
import { privateMetadata, redactKeys } from "./redact.js";

const PRIMITIVE = /^[a-z][a-z0-9_-]*$/;
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9_.:-]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

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
    // The stored trace is whole, type included.
    if (metadata.type === undefined) metadata = { type: input.event_type, ...metadata };
  }
  // Hidden after its checks: the schema holds for what was written, the store keeps its digest.
  if (input.private === true) metadata = privateMetadata(metadata, input.reason);
  else if (input.redact !== undefined && input.redact.length > 0) metadata = redactKeys(metadata, input.redact);
  const timestamp = input.timestamp ?? now;
  if (!Number.isSafeInteger(timestamp) || timestamp < 0 || timestamp > LATEST_MS) {
    throw new UsageError(`timestamp: expected integer milliseconds since the epoch up to the end of 9999, got ${String(timestamp)}`);
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

