/**
 * What a mapping needs to turn rows into events: the database's name, the time rule
 * reader, the agents' names, and where events and problems go. A row's event gets the
 * envelope's every key and a derived id (ids.ts).
 */
import type { TraceEvent } from "../event/envelope.js";
import { rowEventId } from "./ids.js";
import { columnsOf, type Database } from "./sqlite.js";
import type { Selection, Where } from "./select.js";
import { NEEDS, type Kind } from "./shape.js";
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
  /** The mapping its shape chose: which columns each table needs. */
  kind: Kind;
  time: TimeReader;
  /** Agent id → readable name. */
  names: Map<string, string>;
  events: TraceEvent[];
  /** The spawns read so far, for the messages they sent (spawn.db is read before bridge.db). */
  runs: Run[];
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
 * the mapping needs, gives none (the database's shape told it, once).
 */
export function rowsOf(db: Database, ctx: RowContext, table: string, q: RowQuery = {}): Record<string, unknown>[] {
  if (q.where === null) return [];
  try {
    const columns = columnsOf(db, table);
    const needs = NEEDS[ctx.kind][table]?.columns ?? [];
    if (columns.size === 0 || needs.some((c) => !columns.has(c))) return [];
    const where = q.where?.sql ? ` WHERE ${q.where.sql}` : "";
    const select = `SELECT t.rowid AS _rowid, t.*${q.columns ?? ""} FROM "${table}" t${q.joins ? ` ${q.joins}` : ""}${where}`;
    const params = q.where?.params ?? [];
    try {
      return db.prepare(select).all(...params);
    } catch (err) {
      if (!/malformed|corrupt|not a database/i.test((err as Error).message)) throw err;
      const ranged = `SELECT t.rowid AS _rowid, t.*${q.columns ?? ""} FROM "${table}" t${q.joins ? ` ${q.joins}` : ""} WHERE ${q.where?.sql ? `(${q.where.sql}) AND ` : ""}t.rowid BETWEEN ? AND ?`;
      return rowsPastDamage(db, ctx, table, ranged, params, err as Error);
    }
  } catch (err) {
    ctx.problem({ db: ctx.name, table, message: (err as Error).message });
    return [];
  }
}

/** Reads of rowid ranges a damaged table may take before the rest is given up. */
const MAX_RANGE_READS = 20_000;

/**
 * A table read past a damaged page, by ranges of rowid: a range that fails is split in
 * two until the rowids that cannot be read stand alone; they are told as one problem.
 */
function rowsPastDamage(db: Database, ctx: RowContext, table: string, ranged: string, params: readonly unknown[], damage: Error): Record<string, unknown>[] {
  let ends: Record<string, unknown> | undefined;
  try {
    ends = db.prepare(`SELECT min(rowid) AS lo, max(rowid) AS hi FROM "${table}"`).get();
  } catch {
    // Not even its ends can be read: the table is lost to the damage.
    ctx.problem({ db: ctx.name, table, message: damage.message });
    return [];
  }
  // An empty table loses nothing (a table it joins was what the damage hit).
  if (typeof ends?.lo !== "number" || typeof ends.hi !== "number") return [];
  const [lo, hi] = [ends.lo, ends.hi];
  const statement = db.prepare(ranged);
  const rows: Record<string, unknown>[] = [];
  const lost: [number, number][] = [];
  const stack: [number, number][] = [[lo, hi]];
  // A damaged root fails every lookup: past this many reads the ranges left count as lost.
  for (let reads = 0; stack.length > 0; reads++) {
    const [a, b] = stack.pop()!;
    if (reads > MAX_RANGE_READS) {
      lost.push([a, b]);
      continue;
    }
    try {
      for (const row of statement.all(...params, a, b)) rows.push(row);
    } catch {
      if (a === b) {
        const last = lost.at(-1);
        if (last && last[1] === a - 1) last[1] = a;
        else lost.push([a, a]);
        continue;
      }
      const mid = Math.floor((a + b) / 2);
      stack.push([mid + 1, b], [a, mid]);
    }
  }
  lost.sort((x, y) => x[0] - y[0]);
  const count = lost.reduce((n, [a, b]) => n + b - a + 1, 0);
  const spans = lost.slice(0, 5).map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`)).join(", ") + (lost.length > 5 ? ", …" : "");
  ctx.problem({ db: ctx.name, table, message: `the database is damaged: rowid${count === 1 ? "" : "s"} ${spans} could not be read (${count} at most); the other ${rows.length} rows were` });
  return rows;
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

/** A spawn's run: its agent, the id of its start's event, and when it started and ended (ms; no end while it runs). */
export interface Run {
  agent: string | null;
  id: string;
  start: number;
  end?: number | undefined;
}

/** Runs by agent, in start order: for finding a message's running spawn. */
export function runsByAgent(runs: readonly Run[]): Map<string | null, Run[]> {
  const by = new Map<string | null, Run[]>();
  for (const r of runs) {
    const list = by.get(r.agent);
    if (list) list.push(r);
    else by.set(r.agent, [r]);
  }
  for (const list of by.values()) list.sort((a, b) => a.start - b.start);
  return by;
}

/**
 * The spawn of `agent` running at `ms`: the latest started at or before it that had not
 * ended before it.
 *
 * @example
 * runningSpawn(runsByAgent(runs), "zealot", sent.timestamp)?.id;
 */
export function runningSpawn(runs: Map<string | null, Run[]>, agent: string | null, ms: number): Run | undefined {
  const list = runs.get(agent) ?? [];
  for (let i = list.length - 1; i >= 0; i--) {
    const r = list[i]!;
    if (r.start <= ms && (r.end === undefined || ms <= r.end)) return r;
  }
  return undefined;
}
