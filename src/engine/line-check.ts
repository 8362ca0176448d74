/**
 * Matching a candidate line without JSON.parse: the WebAssembly check (line-check.wat)
 * proves that the line is one JSON object and says where its event fields stand; the
 * event's shape and the filter are then decided on those bytes. Whatever it cannot be
 * sure of (escapes in a value it compares, an odd shape, a bad line) is left to
 * JSON.parse, so the answers are the plain path's.
 */
import type { ByteFilter } from "./byte-filter.js";
import { bytesAt } from "./needle.js";
import { FIELD, KIND, REC } from "./wasm/layout.js";
import type { CheckFn } from "./wasm/load.js";

const { id: ID, timestamp: TIMESTAMP, primitive: PRIMITIVE, event_type: EVENT_TYPE, agent_id: AGENT, target_id: TARGET, parent_event_id: PARENT, metadata: METADATA } = FIELD;
const { string: STRING, integer: INTEGER, null: NULL, object: OBJECT } = KIND;
/** i32s per field entry of the record. */
const ENTRY = (1 << REC.fieldShift) >> 2;

/** Told of a line that may pass: `sure` true when it passed, false when JSON.parse must decide. */
export type OnLine = (start: number, end: number, sure: boolean, timestamp: number) => void;

/** Decides one line of a buffer in the check's memory; tells `onLine` unless the line surely fails. */
export type LineMatcher = (buf: Buffer, s: number, e: number, onLine: OnLine) => void;

/**
 * A matcher for `filter` over buffers in `memory`, using the record at byte `out`;
 * undefined when its values cannot be compared as bytes (`ByteFilter.fields`).
 *
 * @example
 * const match = createLineMatcher(byteFilter, simd.check, simd.memory, AT.record);
 * match?.(buf, s, e, (s, e, sure, ts) => (sure ? keep(s, e, ts) : parse(s, e)));
 */
export function createLineMatcher(filter: ByteFilter, check: CheckFn, memory: ArrayBufferLike, out: number): LineMatcher | undefined {
  const fields = filter.fields;
  if (!fields) return undefined;
  const { wants, own } = fields;
  const rec = new Int32Array(memory, out, REC.bytes >> 2);
  const stamp = new Float64Array(memory, out + REC.timestamp, 1);
  const { since, until } = filter;
  let buf: Buffer;
  let base = 0;
  let sure = true;
  // Equal, not equal, or (escapes in the stored value) not sure: then `sure` drops.
  const equals = (field: number, value: Buffer): boolean => {
    const at = field * ENTRY;
    if (rec[at] !== STRING) return false;
    if (rec[at + (REC.escaped >> 2)] !== 0) return !(sure = false);
    const s = rec[at + (REC.start >> 2)]! - base;
    const e = rec[at + (REC.end >> 2)]! - base;
    return e - s === value.length && bytesAt(buf, s, value, e);
  };
  return (b, s, e, onLine) => {
    buf = b;
    base = b.byteOffset;
    sure = true;
    if (check(base + s, base + e, out) === 0 || !isEventShape(rec)) return onLine(s, e, false, NaN);
    const ts = stamp[0]!;
    let ok = ts >= since && ts <= until;
    for (let k = 0; ok && k < wants.length; k++) ok = equals(wants[k]![0], wants[k]![1]);
    if (ok && own) ok = equals(AGENT, own) || equals(TARGET, own);
    if (!sure || ok) onLine(s, e, sure, ts);
  };
}

/** isEvent (event/envelope.ts) on the record: ids and types non-empty strings, links strings or null, metadata an object. */
export function isEventShape(rec: Int32Array): boolean {
  const kind = (f: number): number => rec[f * ENTRY]!;
  const nonEmpty = (f: number): boolean => kind(f) === STRING && rec[f * ENTRY + (REC.end >> 2)]! > rec[f * ENTRY + (REC.start >> 2)]!;
  const link = (f: number): boolean => kind(f) === STRING || kind(f) === NULL;
  return (
    nonEmpty(ID) && kind(TIMESTAMP) === INTEGER && nonEmpty(PRIMITIVE) && nonEmpty(EVENT_TYPE) &&
    link(AGENT) && link(TARGET) && link(PARENT) && kind(METADATA) === OBJECT
  );
}
