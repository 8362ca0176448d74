/**
 * What a `trace view` page is given: the contract between the export that writes the
 * data (src/export/view-data.ts) and the page that reads it. Plain types and constants,
 * no Node and no DOM: both sides import it.
 */

/** The data the page is given (src/export/view-data.ts writes it). */
export interface Data {
  about: { store: string; asked: string; utc: boolean };
  t0: number;
  lanes: string[];
  agentless: boolean[];
  primitives: string[];
  types: string[];
  rows: Row[];
  leftOut: { count: number; from: number } | null;
}

/** One event: id, ms after t0, duration, lane, primitive, type, target, parent id, flags, label, metadata, failure, inferred cause. */
export type Row = [string, number, number, number, number, number, string | null, string | null, number, string, Record<string, unknown>, string | null, string | null];

/** A row's flag: the event failed (the reading of `--status error`). */
export const FAILED = 1;
/** A row's flag: its drawn cause was inferred (`--infer`). */
export const INFERRED = 2;
/** A row's flag: its parent link closed a cycle and was cut. */
export const CYCLE_CUT = 4;

