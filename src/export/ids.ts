/**
 * OpenTelemetry ids from event ids, the same in every export: a trace's id is its root
 * event's UUID as 32 hex digits, a span's id 16 hex digits of a hash of its event's id
 * (a UUIDv7's leading bits are its time, so siblings of one millisecond would collide).
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A digest of an id, as hex. */
const digest = (id: string): string => process.getBuiltinModule("node:crypto").createHash("sha256").update(id).digest("hex");

/**
 * The OTLP `traceId` of the tree whose root has id `rootId`.
 *
 * @example
 * traceIdOf("019a0c38-2f00-7abc-8def-0123456789ab"); // "019a0c382f007abc8def0123456789ab"
 */
export function traceIdOf(rootId: string): string {
  return UUID.test(rootId) && rootId !== "00000000-0000-0000-0000-000000000000" ? rootId.replaceAll("-", "") : digest(rootId).slice(0, 32);
}

/**
 * The OTLP `spanId` of an event.
 *
 * @example
 * spanIdOf("019a0c38-2f00-7abc-8def-0123456789ab"); // 16 hex digits
 */
export function spanIdOf(id: string): string {
  const hex = digest(id).slice(0, 16);
  return hex === "0000000000000000" ? "0000000000000001" : hex;
}
