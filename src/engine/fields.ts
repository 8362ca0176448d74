/**
 * The selected fields of a line, for an index: where the line check is sure, their
 * stored bytes (no escapes, so bytes and value agree); elsewhere the line is parsed and
 * each value's UTF-8 given. The same verdicts the search takes, so an index built from
 * them finds every line the search would.
 */
import { AT, FIELD, KIND, REC, type EventField } from "./wasm/layout.js";
import { parseAt } from "../store/lines.js";
import { isEventShape } from "./line-check.js";
import type { SearchPool } from "./pool.js";

/** Told of one string field's value: `buf[s, e)` holds its UTF-8 (valid only during the call). */
export type OnField = (field: IndexedField, buf: Buffer, s: number, e: number) => void;

/** The fields an index maps. */
export type IndexedField = Extract<EventField, "id" | "agent_id" | "target_id" | "parent_event_id" | "primitive">;

/** The indexed fields, in the record's order. */
export const INDEXED_FIELDS: readonly IndexedField[] = ["id", "primitive", "agent_id", "target_id", "parent_event_id"];

/** i32s per field entry of the record. */
const ENTRY = (1 << REC.fieldShift) >> 2;

/**
 * A reader of lines in blocks from `pool`: tells `onField` each indexed field that holds
 * a string, and returns the line's timestamp, or undefined for a bad line.
 *
 * @example
 * const read = createFieldReader(pool);
 * const ts = read(buf, s, e, (field, b, vs, ve) => add(field, b, vs, ve));
 */
export function createFieldReader(pool: SearchPool): (buf: Buffer, s: number, e: number, onField: OnField) => number | undefined {
  const simd = pool.simd;
  const rec = simd ? new Int32Array(simd.memory, AT.record, REC.bytes >> 2) : undefined;
  const stamp = simd ? new Float64Array(simd.memory, AT.record + REC.timestamp, 1) : undefined;
  const parsed = (buf: Buffer, s: number, e: number, onField: OnField): number | undefined => {
    const hit = parseAt(buf, s, e);
    if (!hit) return undefined;
    for (const field of INDEXED_FIELDS) {
      const value = hit.event[field];
      if (typeof value !== "string") continue;
      const bytes = Buffer.from(value, "utf8");
      onField(field, bytes, 0, bytes.length);
    }
    return hit.event.timestamp;
  };
  if (!simd || !rec || !stamp) return parsed;
  const entries = INDEXED_FIELDS.map((f) => FIELD[f] * ENTRY);
  const [ESCAPED, START, END] = [REC.escaped >> 2, REC.start >> 2, REC.end >> 2];
  return (buf, s, e, onField) => {
    if (buf.buffer !== simd.memory) return parsed(buf, s, e, onField);
    const base = buf.byteOffset;
    if (simd.check(base + s, base + e, AT.record) === 0 || !isEventShape(rec)) return parsed(buf, s, e, onField);
    // An escaped value is parsed: its bytes are not its value.
    for (let k = 0; k < entries.length; k++) if (rec[entries[k]!] === KIND.string && rec[entries[k]! + ESCAPED] !== 0) return parsed(buf, s, e, onField);
    for (let k = 0; k < entries.length; k++) {
      const at = entries[k]!;
      if (rec[at] === KIND.string) onField(INDEXED_FIELDS[k]!, buf, rec[at + START]! - base, rec[at + END]! - base);
    }
    return stamp[0]!;
  };
}
