/**
 * The selected fields of a line, for an index: where the line check is sure, their
 * stored bytes (no escapes, so bytes and value agree); elsewhere the line is parsed and
 * each value's UTF-8 given. The same verdicts the search takes, so an index built from
 * them finds every line the search would.
 */
import { AT, FIELD, KIND, REC, type EventField } from "./wasm/layout.js";
import { eachLine, parseAt } from "../store/lines.js";
import { isEventShape } from "./line-check.js";
import type { SearchPool } from "./pool.js";
import { pairCursor } from "./positions.js";

/** Told of one string field's value: `buf[s, e)` holds its UTF-8 (valid only during the call). */
export type OnField = (field: IndexedField, buf: Buffer, s: number, e: number) => void;

/** The fields an index maps. */
export type IndexedField = Extract<EventField, "id" | "agent_id" | "target_id" | "parent_event_id" | "primitive">;

/** The indexed fields, in the record's order. */
export const INDEXED_FIELDS: readonly IndexedField[] = ["id", "primitive", "agent_id", "target_id", "parent_event_id"];

/** i32s per field entry of the record. */
const ENTRY = (1 << REC.fieldShift) >> 2;

/** A reader of the indexed fields of lines: `read` one line, or visit `eachLine` of a block. */
export interface FieldReader {
  /** Tells `onField` each indexed field of `buf[s, e)` that holds a string; returns the line's timestamp, or undefined for a bad line. */
  read(buf: Buffer, s: number, e: number, onField: OnField): number | undefined;
  /** Calls `fn(start, end)` for each line of `buf[0, end)` (store/lines.ts's `eachLine`), its newlines found by SIMD where the block is in the pool's memory. */
  eachLine(buf: Buffer, end: number, fn: (start: number, stop: number) => void): void;
}

/** The newline, as the pair cursor's needle of one byte. */
const NEWLINE = { o1: 0, b1: 0x0a, o2: 0, b2: 0x0a };

/**
 * A reader of lines in blocks from `pool`, for an index's build.
 *
 * @example
 * const reader = createFieldReader(pool);
 * reader.eachLine(buf, end, (s, e) => reader.read(buf, s, e, (field, b, vs, ve) => add(field, b, vs, ve)));
 */
export function createFieldReader(pool: SearchPool): FieldReader {
  const lines = (buf: Buffer, end: number, fn: (start: number, stop: number) => void): void => void eachLine(buf, end, fn, 0, Infinity, pairCursor(buf, end, NEWLINE, pool, 0));
  return { read: readerOf(pool), eachLine: lines };
}

function readerOf(pool: SearchPool): FieldReader["read"] {
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
