/**
 * Event metadata as OTLP attributes: nested objects flattened to dotted keys, types
 * kept (an integer is `intValue`, as a decimal string; a fraction `doubleValue`; a
 * boolean `boolValue`; a list `arrayValue`, whose objects are `kvlistValue`s); null and
 * empty objects give nothing, since OTLP has no null attribute. Metadata nested deeper
 * than `MAX_DEPTH` levels goes out as the JSON text of what lies below that level.
 */
import { toJson } from "../render/json.js";

/** Levels of metadata exported as structure; below, a value is its JSON text (no viewer shows deeper, and a walk that deep would overflow the stack). */
export const MAX_DEPTH = 32;

/**
 * The metadata as exported: itself when it nests no deeper than `MAX_DEPTH` levels,
 * else a copy whose values at that level are their JSON text.
 *
 * @example
 * capDepth({ a: { b: 1 } }); // the same object
 */
export function capDepth(metadata: Record<string, unknown>): Record<string, unknown> {
  return deeper(metadata, 0) ? (capped(metadata, 0) as Record<string, unknown>) : metadata;
}

/** True when `v` nests more than `MAX_DEPTH` levels below `depth` (a walk of `MAX_DEPTH` frames at most). */
function deeper(v: unknown, depth: number): boolean {
  if (v === null || typeof v !== "object") return false;
  if (depth >= MAX_DEPTH) return true;
  for (const x of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) if (deeper(x, depth + 1)) return true;
  return false;
}

function capped(v: unknown, depth: number): unknown {
  if (v === null || typeof v !== "object") return v;
  if (depth >= MAX_DEPTH) return toJson(v);
  if (Array.isArray(v)) return v.map((x) => capped(x, depth + 1));
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, capped(x, depth + 1)]));
}

/** An OTLP `AnyValue`. */
export type AnyValue =
  | { stringValue: string }
  | { intValue: string }
  | { doubleValue: number }
  | { boolValue: boolean }
  | { arrayValue: { values: AnyValue[] } }
  | { kvlistValue: { values: KeyValue[] } };

/** An OTLP `KeyValue`. */
export interface KeyValue {
  key: string;
  value: AnyValue;
}

/** One value as an `AnyValue`; undefined for null. */
export function anyValue(v: unknown): AnyValue | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  if (typeof v === "number") return Number.isSafeInteger(v) ? { intValue: String(v) } : Number.isFinite(v) ? { doubleValue: v } : { stringValue: String(v) };
  if (typeof v === "bigint") return { intValue: v.toString() };
  if (Array.isArray(v)) return { arrayValue: { values: v.map((x) => anyValue(x) ?? { stringValue: "" }) } };
  if (typeof v === "object") return { kvlistValue: { values: keyValues(v as Record<string, unknown>, "") } };
  return { stringValue: String(v) };
}

/** Nested objects as dotted keys, below `prefix`. */
function keyValues(o: Record<string, unknown>, prefix: string): KeyValue[] {
  const out: KeyValue[] = [];
  for (const [k, v] of Object.entries(o)) {
    const key = prefix === "" ? k : `${prefix}.${k}`;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) out.push(...keyValues(v as Record<string, unknown>, key));
    else {
      const value = anyValue(v);
      if (value) out.push({ key, value });
    }
  }
  return out;
}

/**
 * The attributes of `metadata`, each key under `prefix` (`metadata.trace.tool_name`).
 *
 * @example
 * toAttributes({ trace: { duration_ms: 12 } }, "metadata"); // [{ key: "metadata.trace.duration_ms", value: { intValue: "12" } }]
 */
export function toAttributes(metadata: Record<string, unknown>, prefix: string): KeyValue[] {
  return keyValues(metadata, prefix);
}
