/**
 * The spec's "Option A" as a peer in the bench: the same events loaded once into SQLite
 * with the spec's table and its five indexes (seeds/000, "Schema"), kept beside the
 * history like it, and asked the same questions by the `sqlite3` shell, which starts a
 * process per question as `trace` does.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

/** The spec's table and indexes, as written there. */
const SCHEMA = `
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    timestamp INTEGER NOT NULL,
    primitive TEXT NOT NULL,
    event_type TEXT NOT NULL,
    agent_id TEXT,
    target_id TEXT,
    parent_event_id TEXT,
    metadata TEXT
);
CREATE INDEX idx_trace_agent ON events(agent_id, timestamp);
CREATE INDEX idx_trace_target ON events(target_id, timestamp);
CREATE INDEX idx_trace_causality ON events(parent_event_id);
CREATE INDEX idx_trace_time ON events(timestamp DESC);
CREATE INDEX idx_trace_primitive ON events(primitive, timestamp);
`;

interface Db {
  exec(sql: string): void;
  prepare(sql: string): { run(...values: unknown[]): unknown };
  transaction(fn: (rows: unknown[][]) => void): (rows: unknown[][]) => void;
  close(): void;
}

/** What loading cost, or why there is no database. */
export interface OptionA {
  path?: string;
  /** Seconds the load took when it was made in this run. */
  loadSeconds?: number;
  bytes?: number;
  skipped?: string;
}

/**
 * The Option A database of the day files in `historyDir`, made when missing or when
 * `stamp` changed, with the rows of `openDay` (today's file, made again at each run)
 * put in again at each call; better-sqlite3 loads it.
 *
 * @example
 * const db = optionA("/tmp/h", "/tmp/h.sqlite", "history-2 …", "2026-12-05.ndjson");
 */
export function optionA(historyDir: string, path: string, stamp: string, openDay: string): OptionA {
  let Database: new (path: string) => Db;
  try {
    Database = createRequire(import.meta.url)("better-sqlite3") as new (path: string) => Db;
  } catch {
    return { skipped: "better-sqlite3 is not installed" };
  }
  const stampPath = `${path}.stamp`;
  const kept = existsSync(path) && existsSync(stampPath) && readFileSync(stampPath, "utf8") === stamp;
  if (!kept) rmSync(path, { force: true });
  const started = performance.now();
  const db = new Database(path);
  try {
    db.exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;");
    const insert = (): ((rows: unknown[][]) => void) => {
      const statement = db.prepare("INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
      return db.transaction((rows) => {
        for (const r of rows) statement.run(...r);
      });
    };
    if (!kept) {
      db.exec(SCHEMA.replace(/CREATE INDEX[^;]+;/g, ""));
      const load = insert();
      for (const name of readdirSync(historyDir).filter((n) => n.endsWith(".ndjson") && n !== openDay).sort()) loadDay(join(historyDir, name), load);
      // Indexes after the rows, as anyone loading a table in bulk would.
      for (const statement of SCHEMA.match(/CREATE INDEX[^;]+;/g)!) db.exec(statement);
    }
    // Today's file is made again at every run: its rows go in again, through the indexes.
    db.exec(`DELETE FROM events WHERE timestamp >= ${Date.parse(`${openDay.slice(0, 10)}T00:00:00Z`)}`);
    if (existsSync(join(historyDir, openDay))) loadDay(join(historyDir, openDay), insert());
    db.exec("ANALYZE;");
  } finally {
    db.close();
  }
  writeFileSync(stampPath, stamp);
  return { path, ...(kept ? {} : { loadSeconds: (performance.now() - started) / 1000 }), bytes: statSync(path).size };
}

/** Inserts the events of one day file, 50,000 rows a transaction. */
function loadDay(path: string, load: (rows: unknown[][]) => void): void {
  let rows: unknown[][] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line === "") continue;
    const e = JSON.parse(line) as Record<string, unknown>;
    rows.push([e.id, e.timestamp, e.primitive, e.event_type, e.agent_id, e.target_id, e.parent_event_id, JSON.stringify(e.metadata)]);
    if (rows.length === 50_000) (load(rows), (rows = []));
  }
  load(rows);
}

/** The same questions as `trace` asks, in SQL, for the `sqlite3` shell. */
export const OPTION_A_SQL = {
  /** A task's events and everything they caused, in time order (`trace TASK`). */
  timeline: (task: string): string =>
    `WITH RECURSIVE m(id) AS (SELECT id FROM events WHERE target_id = '${task}' OR agent_id = '${task}' UNION SELECT e.id FROM events e JOIN m ON e.parent_event_id = m.id) SELECT e.* FROM events e JOIN m USING (id) ORDER BY e.timestamp;`,
  /** The tree from the task's roots down (`trace --causality TASK`). */
  tree: (task: string): string =>
    `WITH RECURSIVE up(id, p) AS (SELECT id, parent_event_id FROM events WHERE target_id = '${task}' UNION SELECT e.id, e.parent_event_id FROM events e JOIN up ON e.id = up.p), down(id) AS (SELECT id FROM up WHERE p IS NULL UNION SELECT e.id FROM events e JOIN down ON e.parent_event_id = down.id) SELECT e.* FROM events e JOIN down USING (id) ORDER BY e.timestamp;`,
  /** A task's own events (`trace --task TASK`). */
  task: (task: string): string => `SELECT * FROM events WHERE target_id = '${task}' ORDER BY timestamp;`,
  /** An agent's events (`trace --agent A`). */
  agent: (agent: string): string => `SELECT * FROM events WHERE agent_id = '${agent}' ORDER BY timestamp;`,
  /** Events at or after a time (`trace --since WHEN`). */
  since: (ms: number): string => `SELECT * FROM events WHERE timestamp >= ${ms} ORDER BY timestamp;`,
};
