/**
 * A filter as SQL: the conditions that narrow what the database sends, a superset of
 * what the filter takes. The filter itself (query/filter.ts `matches`) then decides each
 * row, so that no filter means one thing in SQL and another in the day files.
 */
import type { Filter } from "../query/filter.js";

/** Rows in (timestamp, id) order, as `compareEvents` puts them: ids compared as bytes, whatever the database's collation. */
export const IN_ORDER = `ts, id COLLATE "C"`;

/** The seq range a read is bounded to: after a cursor, up to where the read began. */
export interface SeqRange {
  after?: number | undefined;
  upTo?: number | undefined;
}

/**
 * The `WHERE` conditions of a filter (and a seq range), their values pushed on `values`.
 *
 * @example
 * const values: unknown[] = [];
 * const sql = `SELECT line FROM trace_events WHERE ${conditions({ agent: "haiku-1" }, values).join(" AND ")}`;
 */
export function conditions(f: Filter, values: unknown[], range: SeqRange = {}): string[] {
  const out: string[] = ["true"];
  const v = (x: unknown): string => (values.push(x), `$${values.length}`);
  const equal = (column: string, value: string | undefined): void => void (value !== undefined && out.push(`${column} = ${v(value)}`));
  equal("id", f.id);
  equal("agent_id", f.agent);
  equal("target_id", f.task);
  equal("primitive", f.primitive);
  equal("event_type", f.type);
  if (f.own !== undefined) {
    const p = v(f.own);
    out.push(`(agent_id = ${p} OR target_id = ${p})`);
  }
  if (f.channel !== undefined) {
    const p = v(f.channel);
    out.push(`((primitive = 'bridge' AND target_id = ${p}) OR (primitive = 'spawn' AND metadata->>'channel' = ${p}))`);
  }
  if (f.since !== undefined) out.push(`ts >= ${v(Math.ceil(f.since))}`);
  if (f.until !== undefined) out.push(`ts <= ${v(Math.floor(f.until))}`);
  if (range.after !== undefined) out.push(`seq > ${v(range.after)}`);
  if (range.upTo !== undefined) out.push(`seq <= ${v(range.upTo)}`);
  return out;
}
