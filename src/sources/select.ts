/**
 * A query's filters pushed into SQL: each table's mapping says which columns hold its
 * events' agents, targets and times, and a selection becomes a WHERE clause on them, so
 * SQLite reads (through its indexes where the schema has them) only rows that can
 * matter. The clause selects a superset: the query still tests every event exactly.
 */
import type { TimeRule } from "./times.js";

/** What a query asks of the sources; every field given narrows it. */
export interface Selection {
  /** A timeline's target: events whose agent or target it is, and what they cause. */
  target?: string | undefined;
  /** `agent_id` equals. */
  agent?: string | undefined;
  /** `target_id` equals (a task). */
  subject?: string | undefined;
  /** On a channel: its messages, and the spawns that ran in it. */
  channel?: string | undefined;
  /** `primitive` equals. */
  primitive?: string | undefined;
  /** Events at or after (ms). */
  since?: number | undefined;
  /** Events at or before (ms). */
  until?: number | undefined;
}

/** A column holding an agent id or a target, with the names its values are shown by (agents, channels). */
export interface NamedColumn {
  column: string;
  names?: ReadonlyMap<string, string> | undefined;
}

/** Where a table's events take their fields from. */
export interface TableShape {
  /** The primitives its events carry; empty when a column decides (the legacy `events` table). */
  primitives: readonly string[];
  agents: readonly NamedColumn[];
  targets: readonly NamedColumn[];
  /** The columns naming the channel an event happened on (none: no event of the table is on one). */
  channels?: readonly NamedColumn[];
  times: readonly { column: string; rule: TimeRule }[];
}

/** A WHERE clause on the table as `t`, and its parameters; `sql` is empty for every row. */
export interface Where {
  sql: string;
  params: unknown[];
}

const DAY_MS = 86_400_000;

/** The values of a column that are shown as `shown`: itself, and every id named so. */
function valuesShownAs(shown: string, names: ReadonlyMap<string, string> | undefined): string[] {
  const out = [shown];
  if (names) for (const [id, name] of names) if (name === shown && id !== shown) out.push(id);
  return out;
}

/** `col IN (…)` for each column, OR'ed, of the values shown as any of `shown`; undefined when there is no column. */
function anyColumn(columns: readonly NamedColumn[], shown: readonly string[], params: unknown[]): string | undefined {
  if (columns.length === 0 || shown.length === 0) return undefined;
  return columns
    .map(({ column, names }) => {
      const values = shown.flatMap((v) => valuesShownAs(v, names));
      params.push(...values);
      return `t."${column}" IN (${values.map(() => "?").join(", ")})`;
    })
    .join(" OR ");
}

/**
 * The rows whose `columns` hold (or name) one of `shown`; undefined when none can.
 *
 * @example
 * inColumns([{ column: "agent_id", names }], ["zealot-1"]); // t."agent_id" IN (?, ?)
 */
export function inColumns(columns: readonly NamedColumn[], shown: readonly string[]): Where | undefined {
  const params: unknown[] = [];
  const sql = anyColumn(columns, shown, params);
  return sql === undefined ? undefined : { sql, params };
}

/**
 * A time column in a range, with a day's slack each side, since naive local text is
 * off UTC by at most 14 hours; text is compared by its date prefix (index-friendly),
 * and a value that does not look like a time is read, so that it is reported.
 */
function timeCondition(column: string, rule: TimeRule, since: number | undefined, until: number | undefined, params: unknown[]): string {
  const c = `t."${column}"`;
  const parts: string[] = [];
  if (rule === "epoch-s" || rule === "epoch-ms") {
    const unit = rule === "epoch-s" ? 1000 : 1;
    if (since !== undefined) (parts.push(`${c} >= ?`), params.push(Math.floor((since - DAY_MS) / unit)));
    if (until !== undefined) (parts.push(`${c} <= ?`), params.push(Math.ceil((until + DAY_MS) / unit)));
    return `((${parts.join(" AND ")}) OR typeof(${c}) NOT IN ('integer', 'real', 'null'))`;
  }
  const date = (ms: number): string => new Date(Math.min(Math.max(ms, -62_135_596_800_000), 253_402_300_799_000)).toISOString().slice(0, 10);
  if (since !== undefined) (parts.push(`${c} >= ?`), params.push(date(since - DAY_MS)));
  if (until !== undefined) (parts.push(`${c} < ?`), params.push(date(until + 2 * DAY_MS)));
  return `((${parts.join(" AND ")}) OR ${c} NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*')`;
}

/**
 * The WHERE clause that selects the rows of a table of `shape` whose events can pass
 * `sel`; `also` (a clause of its own) adds rows a mapping needs besides. Null when no
 * row can (another primitive, or a field the table does not have).
 *
 * @example
 * whereOf({ agent: "zealot-1" }, { primitives: ["ops"], agents: [{ column: "agent_id", names }], targets: [], times: [] });
 */
export function whereOf(sel: Selection, shape: TableShape, also?: Where): Where | null {
  const params: unknown[] = [];
  const and: string[] = [];
  const none = (): Where | null => (also ? { sql: also.sql, params: also.params } : null);
  if (sel.primitive !== undefined && shape.primitives.length > 0 && !shape.primitives.includes(sel.primitive)) return none();
  for (const [value, columns] of [
    [sel.agent, shape.agents],
    [sel.subject, shape.targets],
    [sel.channel, shape.channels ?? []],
  ] as const) {
    if (value === undefined) continue;
    const cond = anyColumn(columns, [value], params);
    if (cond === undefined) return none();
    and.push(`(${cond})`);
  }
  if (sel.target !== undefined) {
    const own = [anyColumn(shape.agents, [sel.target], params), anyColumn(shape.targets, [sel.target], params)].filter((c) => c !== undefined);
    if (own.length === 0) return none();
    and.push(`(${own.join(" OR ")})`);
  }
  if ((sel.since !== undefined || sel.until !== undefined) && shape.times.length > 0) {
    and.push(`(${shape.times.map((t) => timeCondition(t.column, t.rule, sel.since, sel.until, params)).join(" OR ")})`);
  }
  if (and.length === 0) return { sql: "", params: [] };
  const sql = and.join(" AND ");
  return also ? { sql: `(${sql}) OR (${also.sql})`, params: [...params, ...also.params] } : { sql, params };
}
