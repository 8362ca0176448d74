/**
 * What a mapping needs to turn rows into events: the database's name, the time rule
 * reader, the agents' names, and where events and problems go. A row's event gets the
 * envelope's every key and a derived id (ids.ts).
 */
import type { TraceEvent } from "../event/envelope.js";
import { rowEventId } from "./ids.js";
import type { Database } from "./sqlite.js";
import type { TimeReader, TimeRule } from "./times.js";

/** A problem with a database: which one, which table, which rows, what. */
export interface SourceProblem {
  db: string;
  table: string;
  message: string;
}

/** The state of one mapping run. */
export interface RowContext {
  /** The database file's name (`space.db`): part of every id, so a copied workspace keeps its ids. */
  name: string;
  time: TimeReader;
  /** Agent id → readable name. */
  names: Map<string, string>;
  events: TraceEvent[];
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

/**
 * The rows of a table, each with its rowid; a table that is missing, or lacks a column
 * the mapping needs, is one problem and no rows.
 */
export function rowsOf(db: Database, ctx: RowContext, table: string, needs: readonly string[]): Record<string, unknown>[] {
  try {
    const columns = new Set(db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table).map((r) => String(r.name)));
    if (columns.size === 0) return [];
    const missing = needs.filter((c) => !columns.has(c));
    if (missing.length > 0) {
      ctx.problem({ db: ctx.name, table, message: `no column ${missing.join(", ")}; its rows are not read` });
      return [];
    }
    return db.prepare(`SELECT rowid AS _rowid, * FROM "${table}"`).all();
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
