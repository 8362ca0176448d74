/**
 * The map of the engine's WebAssembly memory: every offset that JavaScript and the
 * `.wat` modules agree on is defined here and nowhere else. The build fills the
 * `{NAME}` tokens of the `.wat` sources from `WAT_CONSTANTS`; the engine's JavaScript
 * imports the same names. docs/architecture.md draws it as a table.
 */

const KIB = 1 << 10;
const MIB = 1 << 20;
/** A WebAssembly page. */
const PAGE = 64 * KIB;

/** Block buffers in the memory, each a 1 MiB slot (three of them the read-ahead thread's while it runs). */
export const SLOTS = 4;
export const SLOT_BYTES = MIB;
/** Positions the pair search writes per call, in each of its regions (two cursors over one block use two). */
export const POSITIONS = 16 * KIB;
export const POSITION_REGIONS = 2;
/** Bytes of match.wat's filter area: the filter's fields, then its values and needle. */
export const SPEC_BYTES = 4 * KIB;
/** Lines match.wat answers per call. */
export const MATCH_ANSWERS = 2048;
/** Bits of the id-hash bitset peek.wat tests (2^20). */
export const BITS = MIB;

/** An event field's entry in the check's record: kind, value start, value end, escapes (4 i32s). */
export const REC = { kind: 0, start: 4, end: 8, escaped: 12, fieldShift: 4, timestamp: 128, bytes: 136 } as const;
/** The fields of the record, in the order of the event's keys. */
export const FIELD = { id: 0, timestamp: 1, primitive: 2, event_type: 3, agent_id: 4, target_id: 5, parent_event_id: 6, metadata: 7 } as const;
/** A field the record names. */
export type EventField = keyof typeof FIELD;
/** What a record entry's kind says of the value. */
export const KIND = { absent: 0, string: 1, integer: 2, null: 3, object: 4, other: 5 } as const;

/**
 * match.wat's filter (`spec`): the needle's address and length, its tuned pair, the
 * number of wanted fields, `own`'s address and length and whether there is one, the
 * time range as doubles, two words the call writes back (where it stopped, how many
 * answers must be parsed), then each wanted field as (field, address, length).
 */
export const SPEC = {
  needle: 0, needleLength: 4, o1: 8, b1: 12, o2: 16, b2: 20, wants: 24,
  own: 28, ownLength: 32, hasOwn: 36, since: 40, until: 48, stoppedAt: 56, unsure: 60, fields: 64,
} as const;
/** One wanted field in the filter area. */
export const WANT = { field: 0, address: 4, length: 8, bytes: 12 } as const;
/** One answer of match.wat: line start and end, the verdict (1 passed, 2 parse it), the timestamp. */
export const ANSWER = { start: 0, end: 4, verdict: 8, timestamp: 16, bytes: 24 } as const;

/** One region of the memory: where it starts and how many bytes it holds. */
export interface Region {
  name: string;
  at: number;
  bytes: number;
}

const slotsEnd = SLOTS * SLOT_BYTES;
const positionsEnd = slotsEnd + POSITION_REGIONS * POSITIONS * 4;
// The line check sets the byte after a line to 0 for its duration and may load 16 bytes
// past it: after the last slot those are the positions' first bytes, which it restores.
// A gap that nothing uses keeps the record apart from the positions.
const GUARD = 64;
const record = positionsEnd + GUARD;
const lineEnd = record + 256;
const spec = lineEnd + 64;
const answers = spec + SPEC_BYTES;
// The bitset starts on a page of its own after everything else.
const bits = Math.ceil((answers + MATCH_ANSWERS * ANSWER.bytes) / PAGE) * PAGE;

/** Every region, in address order; a test proves that none overlaps the next. */
export const REGIONS: readonly Region[] = [
  { name: "slots", at: 0, bytes: slotsEnd },
  { name: "positions", at: slotsEnd, bytes: positionsEnd - slotsEnd },
  { name: "guard", at: positionsEnd, bytes: GUARD },
  { name: "record", at: record, bytes: REC.bytes },
  { name: "lineEnd", at: lineEnd, bytes: 4 },
  { name: "spec", at: spec, bytes: SPEC_BYTES },
  { name: "answers", at: answers, bytes: MATCH_ANSWERS * ANSWER.bytes },
  { name: "bits", at: bits, bytes: BITS / 8 },
];

/** Where each region starts. */
export const AT = { positions: slotsEnd, record, lineEnd, spec, answers, bits } as const;
/** The memory's size in pages. */
export const PAGES = Math.ceil((bits + BITS / 8) / PAGE);

/** The `{NAME}` tokens of the `.wat` sources and their values. */
export const WAT_CONSTANTS: Readonly<Record<string, number>> = {
  REC_START: REC.start, REC_END: REC.end, REC_ESCAPED: REC.escaped, REC_FIELD_SHIFT: REC.fieldShift, REC_TIMESTAMP: REC.timestamp,
  FIELDS: Object.keys(FIELD).length,
  F_ID: FIELD.id, F_TIMESTAMP: FIELD.timestamp, F_PRIMITIVE: FIELD.primitive, F_EVENT_TYPE: FIELD.event_type,
  F_AGENT: FIELD.agent_id, F_TARGET: FIELD.target_id, F_PARENT: FIELD.parent_event_id, F_METADATA: FIELD.metadata,
  KIND_STRING: KIND.string, KIND_INTEGER: KIND.integer, KIND_NULL: KIND.null, KIND_OBJECT: KIND.object, KIND_OTHER: KIND.other,
  SPEC_NEEDLE_LENGTH: SPEC.needleLength, SPEC_O1: SPEC.o1, SPEC_B1: SPEC.b1, SPEC_O2: SPEC.o2, SPEC_B2: SPEC.b2,
  SPEC_WANTS: SPEC.wants, SPEC_OWN: SPEC.own, SPEC_OWN_LENGTH: SPEC.ownLength, SPEC_HAS_OWN: SPEC.hasOwn,
  SPEC_SINCE: SPEC.since, SPEC_UNTIL: SPEC.until, SPEC_STOPPED_AT: SPEC.stoppedAt, SPEC_UNSURE: SPEC.unsure, SPEC_FIELDS: SPEC.fields,
  WANT_ADDRESS: WANT.address, WANT_LENGTH: WANT.length, WANT_BYTES: WANT.bytes,
  ANSWER_END: ANSWER.end, ANSWER_VERDICT: ANSWER.verdict, ANSWER_TIMESTAMP: ANSWER.timestamp, ANSWER_BYTES: ANSWER.bytes,
  BITS_MASK: BITS - 1,
};
