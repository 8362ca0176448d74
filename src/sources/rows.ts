/**
 * What a mapping needs to turn rows into events: the database's name, the time rule
 * reader, the agents' names, and where events and problems go. A row's event gets the
 * envelope's every key and a derived id (ids.ts).
 */
import type { TraceEvent } from "../event/envelope.js";
import { rowEventId } from "./ids.js";
import { columnsOf, type Database } from "./sqlite.js";
import type { Selection, Where } from "./select.js";
import type { TimeReader, TimeRule } from "./times.js";

/** A problem with a database: which one, which table, which rows, what. */
export interface SourceProblem {
  db: string;
  table: string;
  message: string;
  /** Nothing of the database could be read. */
  unreadable?: boolean;
}

/** The state of one mapping run. */
export interface RowContext {
  /** The database file's name (`space.db`): part of every id, so a copied workspace keeps its ids. */
  name: string;
  time: TimeReader;
  /** Agent id → readable name. */
  names: Map<string, string>;
  events: TraceEvent[];
  /** The query's filters, pushed into each table's WHERE. */
  select: Selection;
  problem(p: SourceProblem): void;
}

/** One event a row yields. */
export interface RowEvent {
  kind: string;
  primitive: string;
  event_type: string;
  agent: unknown;
  target: unknown;
  parent?: string | null;
  metadata?: Record<string, unknown>;
}

/** A string value, or null. */
export const str = (v: unknown): string | null => (v === null || v === undefined || v === "" ? null : String(v));

/** An agent's readable name for its id (the id itself when the agents table has none). */
export function agentName(ctx: RowContext, id: unknown): string | null {
  const s = str(id);
  return s === null ? null : ctx.names.get(s) ?? s;
}

/** Metadata of the row's columns that hold something. */
export function pick(row: Record<string, unknown>, keys: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [column, as] of Object.entries(keys)) if (row[column] !== null && row[column] !== undefined && row[column] !== "") out[as] = row[column];
  return out;
}

/**
 * The id the event `kind` of a row gets at time `ms`.
 *
 * @example
 * idOf(ctx, "tasks", "task-1", "created", ms);
 */
export function idOf(ctx: RowContext, table: string, key: string, kind: string, ms: number): string {
  return rowEventId(ms, ctx.name, table, key, kind);
}

/** What of a table to read: the rows a WHERE selects (null: none), with columns of joined tables. */
export interface RowQuery {
  where?: Where | null;
  /** `, p.created_at AS _parent_created`: columns besides the table's own (the table is `t`). */
  columns?: string;
  /** `LEFT JOIN spawns p ON …`. */
  joins?: string;
}

/**
 * The rows of a table, each with its rowid; a table that is missing, or lacks a column
 * the mapping needs, is one problem and no rows.
 */
export function rowsOf(db: Database, ctx: RowContext, table: string, needs: readonly string[], q: RowQuery = {}): Record<string, unknown>[] {
  if (q.where === null) return [];
  try {
    const columns = columnsOf(db, table);
    if (columns.size === 0) {
      ctx.problem({ db: ctx.name, table, message: "no such table; a database of another schema?" });
      return [];
    }
    const missing = needs.filter((c) => !columns.has(c));
    if (missing.length > 0) {
      ctx.problem({ db: ctx.name, table, message: `no column ${missing.join(", ")}; its rows are not read` });
      return [];
    }
    const where = q.where?.sql ? ` WHERE ${q.where.sql}` : "";
    return db.prepare(`SELECT t.rowid AS _rowid, t.*${q.columns ?? ""} FROM "${table}" t${q.joins ? ` ${q.joins}` : ""}${where}`).all(...(q.where?.params ?? []));
  } catch (err) {
    ctx.problem({ db: ctx.name, table, message: (err as Error).message });
    return [];
  }
}

/**
 * Adds the event `e` of a row whose time is `value` by `rule`; a time that cannot be
 * read is a problem naming the row, and no event. Returns the event's id.
 */
export function emitRow(ctx: RowContext, table: string, row: Record<string, unknown>, key: string, value: unknown, rule: TimeRule, e: RowEvent): string | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  const ms = ctx.time(value, rule);
  if (ms === undefined) {
    ctx.problem({ db: ctx.name, table, message: `rowid ${String(row._rowid)}: cannot read the time ${JSON.stringify(value)} (${rule})` });
    return undefined;
  }
  const id = idOf(ctx, table, key, e.kind, ms);
  ctx.events.push({
    id,
    timestamp: ms,
    primitive: e.primitive,
    event_type: e.event_type,
    agent_id: str(e.agent),
    target_id: str(e.target),
    parent_event_id: e.parent ?? null,
    metadata: { ...(e.metadata ?? {}), source: { db: ctx.name, table, rowid: row._rowid } },
  });
  return id;
}

/**
 * An entry's two events: its addition at `created_at`, and at `archived_at` an
 * `archive_entry` caused by it. Returns the addition's id.
 */
export function emitEntry(ctx: RowContext, table: string, row: Record<string, unknown>, key: string, rules: { added: TimeRule; archived: TimeRule }, e: RowEvent): string | undefined {
  const added = emitRow(ctx, table, row, key, row.created_at, rules.added, e);
  emitRow(ctx, table, row, key, row.archived_at, rules.archived, { kind: "archived", primitive: e.primitive, event_type: "archive_entry", agent: e.agent, target: e.target, parent: added ?? null });
  return added;
}

/** The spawns' starts (wakes) by agent, in time order: for finding a message's running spawn. */
export function wakesByAgent(events: readonly TraceEvent[]): Map<string | null, TraceEvent[]> {
  const by = new Map<string | null, TraceEvent[]>();
  for (const e of events) {
    const list = by.get(e.agent_id);
    if (list) list.push(e);
    else by.set(e.agent_id, [e]);
  }
  for (const list of by.values()) list.sort((a, b) => a.timestamp - b.timestamp);
  return by;
}

/**
 * The latest start of `agent` at or before `ms`: its running spawn.
 *
 * @example
 * runningSpawn(wakesByAgent(wakes), "zealot-1", sent.timestamp)?.id;
 */
export function runningSpawn(wakes: Map<string | null, TraceEvent[]>, agent: string | null, ms: number): TraceEvent | undefined {
  const list = wakes.get(agent) ?? [];
  let [lo, hi] = [0, list.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.timestamp <= ms) lo = mid + 1;
    else hi = mid;
  }
  return list[lo - 1];
}
