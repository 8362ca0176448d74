/**
 * Event metadata as OTLP attributes: nested objects flattened to dotted keys, types
 * kept (an integer is `intValue`, as a decimal string; a fraction `doubleValue`; a
 * boolean `boolValue`; a list `arrayValue`, whose objects are `kvlistValue`s); null and
 * empty objects give nothing, since OTLP has no null attribute.
 */

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
