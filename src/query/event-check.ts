/**
 * Matching a candidate line without JSON.parse: the WebAssembly check (event-check.wat)
 * proves that the line is one JSON object and says where its event fields stand; the
 * event's shape and the filter are then decided on those bytes. Whatever it cannot be
 * sure of (escapes in a value it compares, an odd shape, a bad line) is left to
 * JSON.parse, so the answers are the plain path's.
 */
import type { Filter } from "./filter.js";
import { bytesAt } from "./needle.js";

/** The check as WebAssembly exports it: 1 when [s, e) is an object it could map, 0 when not sure. */
export type CheckFn = (s: number, e: number, out: number) => number;

const [ID, TIMESTAMP, PRIMITIVE, EVENT_TYPE, AGENT, TARGET, PARENT, METADATA] = [0, 1, 2, 3, 4, 5, 6, 7] as const;
const [STRING, INTEGER, NULL, OBJECT] = [1, 2, 3, 4] as const;
/** Bytes the record takes: 8 fields of 4 i32s, then the timestamp as a double. */
const RECORD_BYTES = 136;

/** Told of a line that may pass: `sure` true when it passed, false when JSON.parse must decide. */
export type OnLine = (start: number, end: number, sure: boolean, timestamp: number) => void;

/** Decides one line of a buffer in the check's memory; tells `onLine` unless the line surely fails. */
export type LineMatcher = (buf: Buffer, s: number, e: number, onLine: OnLine) => void;

/**
 * A matcher for `filter` over buffers in `memory`, using the record at byte `out`;
 * undefined when a filter value could equal a stored string whose bytes differ from
 * its own (it holds U+FFFD, which bad UTF-8 also decodes to, or a lone surrogate).
 *
 * @example
 * const match = createLineMatcher({ agent: "haiku-1" }, simd.check, simd.memory, simd.record);
 * match?.(buf, s, e, (s, e, sure, ts) => (sure ? keep(s, e, ts) : parse(s, e)));
 */
export function createLineMatcher(filter: Filter, check: CheckFn, memory: ArrayBufferLike, out: number): LineMatcher | undefined {
  const fields = wantedFields(filter);
  if (!fields) return undefined;
  const { wants, own } = fields;
  const rec = new Int32Array(memory, out, RECORD_BYTES >> 2);
  const stamp = new Float64Array(memory, out + 128, 1);
  const since = filter.since ?? -Infinity;
  const until = filter.until ?? Infinity;
  let buf: Buffer;
  let base = 0;
  let sure = true;
  // Equal, not equal, or (escapes in the stored value) not sure: then `sure` drops.
  const equals = (field: number, value: Buffer): boolean => {
    const at = field << 2;
    if (rec[at] !== STRING) return false;
    if (rec[at + 3] !== 0) return !(sure = false);
    const s = rec[at + 1]! - base;
    const e = rec[at + 2]! - base;
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

/** What a filter compares, as record fields and the bytes they must hold; `own` is the agent's, else the target's. */
export interface WantedFields {
  wants: [field: number, value: Buffer][];
  own: Buffer | undefined;
}

/**
 * The byte comparisons that decide `filter`, in the order the matchers make them;
 * undefined when a value could equal a stored string whose bytes differ from its own.
 */
export function wantedFields(filter: Filter): WantedFields | undefined {
  const values = [filter.id, filter.own, filter.agent, filter.task, filter.channel, filter.primitive];
  // Bytes that are not UTF-8 decode to U+FFFD, and a lone surrogate encodes as one:
  // with either in a value, equal bytes and equal strings part ways.
  if (values.some((v) => v !== undefined && (v.includes("\uFFFD") || Buffer.from(v).toString() !== v))) return undefined;
  const wants: [number, Buffer][] = [];
  const want = (field: number, value: string | undefined): void => void (value !== undefined && wants.push([field, Buffer.from(value)]));
  want(ID, filter.id);
  want(AGENT, filter.agent);
  want(TARGET, filter.task);
  want(TARGET, filter.channel);
  want(PRIMITIVE, filter.channel !== undefined ? "bridge" : undefined);
  want(PRIMITIVE, filter.primitive);
  return { wants, own: filter.own === undefined ? undefined : Buffer.from(filter.own) };
}

/** isEvent (event.ts) on the record: ids and types non-empty strings, links strings or null, metadata an object. */
function isEventShape(rec: Int32Array): boolean {
  const nonEmpty = (f: number): boolean => rec[f << 2] === STRING && rec[(f << 2) + 2]! > rec[(f << 2) + 1]!;
  const link = (f: number): boolean => rec[f << 2] === STRING || rec[f << 2] === NULL;
  return (
    nonEmpty(ID) && rec[TIMESTAMP << 2] === INTEGER && nonEmpty(PRIMITIVE) && nonEmpty(EVENT_TYPE) &&
    link(AGENT) && link(TARGET) && link(PARENT) && rec[METADATA << 2] === OBJECT
  );
}
