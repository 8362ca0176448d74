/**
 * A space-os database known by its shape: the tables and columns its mapping reads. Not
 * by `PRAGMA user_version`: space-os's migration runner sets it to 1 after the
 * foundation SQL sets 6, so every real `space.db` says 1 and the number tells nothing.
 */
import { columnsOf, type Database } from "./sqlite.js";

/** Which mapping a database takes: the unified `space.db`, or one of the per-primitive files of 2025-10-22. */
export type Kind = "space.db" | "spawn.db" | "events.db" | "bridge.db" | "memory.db" | "knowledge.db";

/** The columns each table's mapping needs, by kind; a table marked optional is read when it is there. */
export const NEEDS: Record<Kind, Record<string, { columns: readonly string[]; optional?: boolean }>> = {
  "space.db": {
    agents: { columns: ["agent_id", "identity"] },
    channels: { columns: ["channel_id", "name", "created_at"] },
    sessions: { columns: ["session_id"], optional: true },
    messages: { columns: ["message_id", "channel_id", "agent_id", "content", "created_at"] },
    spawns: { columns: ["id", "agent_id", "status", "created_at"] },
    memories: { columns: ["memory_id", "agent_id", "topic", "message", "created_at"] },
    knowledge: { columns: ["knowledge_id", "agent_id", "domain", "content", "created_at"] },
    tasks: { columns: ["task_id", "creator_id", "content", "status", "created_at"] },
  },
  "spawn.db": { agents: { columns: ["id", "name"] }, tasks: { columns: ["uuid7", "identity", "created_at"] } },
  "events.db": { events: { columns: ["id", "source", "event_type", "timestamp"] } },
  "bridge.db": {
    channels: { columns: ["id", "name"] },
    messages: { columns: ["id", "channel_id", "agent_id", "content", "created_at"] },
    notes: { columns: ["note_id", "channel_id", "agent_id", "content", "created_at"], optional: true },
  },
  "memory.db": { memories: { columns: ["memory_id", "agent_id", "topic", "message", "created_at"] } },
  "knowledge.db": { knowledge: { columns: ["knowledge_id", "domain", "agent_id", "content", "created_at"] } },
};

const KINDS = Object.keys(NEEDS) as Kind[];

/** True when a file's name is one of the kinds' (`space.db`, `bridge.db`, …). */
export function isKind(name: string): name is Kind {
  return (KINDS as string[]).includes(name);
}

/** What a database's shape says: the kind it is read as, and what of that kind it lacks (empty: all there). */
export interface Shape {
  kind: Kind;
  missing: string[];
  /** None of the kind's tables is there: nothing can be read. */
  foreign: boolean;
}

/** What of `kind` a database lacks: `no table spawns`, `tasks has no column creator_id`. */
function lacks(db: Database, kind: Kind): { missing: string[]; present: number } {
  const missing: string[] = [];
  let present = 0;
  for (const [table, need] of Object.entries(NEEDS[kind])) {
    const columns = columnsOf(db, table);
    if (columns.size === 0) {
      if (!need.optional) missing.push(`no table ${table}`);
      continue;
    }
    present++;
    const absent = need.columns.filter((c) => !columns.has(c));
    if (absent.length > 0) missing.push(`${table} has no column ${absent.join(", ")}`);
  }
  return { missing, present };
}

/**
 * The kind a database is read as: the one it holds most tables of, then the one it lacks
 * least of, then the one its file name says; with what it lacks of it.
 *
 * @example
 * shapeOf(db, "space.db"); // { kind: "space.db", missing: [], foreign: false }
 */
export function shapeOf(db: Database, fileName: string): Shape {
  const looks = KINDS.map((kind) => ({ kind, ...lacks(db, kind) }));
  const score = (l: (typeof looks)[number]): number[] => [l.present, -l.missing.length, Number(l.kind === fileName)];
  const best = looks.reduce((a, b) => {
    const [x, y] = [score(a), score(b)];
    const i = x.findIndex((v, k) => v !== y[k]);
    return i >= 0 && y[i]! > x[i]! ? b : a;
  });
  // A database with none of any kind's tables is told as the kind its name says (space.db when it names none).
  const chosen = best.present > 0 ? best : (looks.find((l) => l.kind === fileName) ?? looks[0]!);
  return { kind: chosen.kind, missing: chosen.missing, foreign: chosen.present === 0 };
}
