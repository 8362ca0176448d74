/**
 * The central database's rows of the bench (issue: past one machine): the index bench's
 * history (100 days × 100,000 events, indexed) shipped by `trace ship --once` into a real
 * PostgreSQL, against `psql`'s `\copy` of the same NDJSON (the floor: lines into one text
 * column, nothing parsed, no index); then the timeline, `--causality` and `--agent`
 * asked of the database by `trace --db`, beside the same SQL run by `psql` and the same
 * question asked of the indexed day files; and the two clients on the shipping path.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { have, BIN } from "../test/helpers/cli.js";
import { startDatabase } from "../test/helpers/postgres.js";
import { generateHistory } from "./generate-history.js";
import { measureAll, runOnce, type Row } from "./measure.js";
import { shipClients } from "./ship-clients.js";

const q = JSON.stringify;
/** In the order a timeline prints (db/sql.ts). */
const ORDER = `ts, id COLLATE "C"`;

/** The questions in SQL, as a user of `psql` would ask them of the same table. */
const SQL = {
  timeline: (task: string): string =>
    `WITH RECURSIVE m(id) AS (SELECT id FROM trace_events WHERE agent_id = '${task}' OR target_id = '${task}' UNION SELECT e.id FROM trace_events e JOIN m ON e.parent_event_id = m.id) SELECT line FROM trace_events WHERE id IN (SELECT id FROM m) ORDER BY ${ORDER}`,
  tree: (task: string): string =>
    `WITH RECURSIVE up(id, p) AS (SELECT id, parent_event_id FROM trace_events WHERE target_id = '${task}' UNION SELECT e.id, e.parent_event_id FROM trace_events e JOIN up ON e.id = up.p), down(id) AS (SELECT id FROM up WHERE p IS NULL UNION SELECT e.id FROM trace_events e JOIN down ON e.parent_event_id = down.id) SELECT line FROM trace_events WHERE id IN (SELECT id FROM down) ORDER BY ${ORDER}`,
  agent: (agent: string): string => `SELECT line FROM trace_events WHERE agent_id = '${agent}' ORDER BY ${ORDER}`,
};

/** The rows; `quick` makes the history 20 days of 10,000 events. */
export async function databaseRows(work: string, runs: number, quick: boolean): Promise<{ rows: Row[]; summary: string }> {
  const [days, perDay] = quick ? [20, 10_000] : [100, 100_000];
  const h = generateHistory(join(work, `history-${days}d`), days, perDay, Math.floor(Date.now() / 86_400_000));
  if (!have("psql")) return { rows: [{ case: "central database: psql is not installed", ours: 0 }], summary: "no database rows" };
  const db = await startDatabase();
  try {
    if (db.kind !== "postgresql") return { rows: [{ case: "central database: no PostgreSQL server here (PGlite is no peer for timing)", ours: 0 }], summary: "no database rows" };
    runOnce(`${q(BIN)} index --dir ${q(h.dir)}`);
    const psql = (sql: string): string => `psql ${q(db.url)} -qAtc ${q(sql)}`;
    // The peer asks with the settings trace's reader sets (db/read.ts): without them psql's plans hash whole tables.
    const asReader = (sql: string): string => `PGOPTIONS='-c jit=off -c enable_hashjoin=off -c enable_mergejoin=off' ${psql(sql)}`;
    const rows: Row[] = [];
    // The floor: the same bytes into one text column (a quote and delimiter no line holds, so each line is one field).
    execFileSync("sh", ["-c", psql("CREATE TABLE floor_lines (line text)")]);
    const floor = runOnce(`cat ${q(h.dir)}/*.ndjson | psql ${q(db.url)} -qc "\\copy floor_lines (line) FROM STDIN WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"`);
    execFileSync("sh", ["-c", psql("DROP TABLE floor_lines")]);
    const shipped = runOnce(`${q(BIN)} ship --once --no-sources --to ${q(db.url)} --dir ${q(h.dir)} --cursor-file ${q(join(work, "bench-ship.cursor"))} 2>/dev/null`);
    execFileSync("sh", ["-c", `${psql("ANALYZE trace_events")}; rm -f ${q(join(work, "bench-ship.cursor"))}`]);
    const rate = (ms: number): number => Math.round(h.events / (ms / 1000));
    rows.push({ case: `ship --once, ${h.events.toLocaleString("en-US")} events, events/s`, ours: rate(shipped.ms), theirs: rate(floor.ms), vs: "psql \\copy of the lines", ratio: floor.ms / shipped.ms, rssMb: shipped.rssMb, note: "ours / the floor (parsed, five indexes, idempotent)" });
    const fromDb = (args: string): string => `${q(BIN)} --db ${q(db.url)} ${args}`;
    const fromFiles = (args: string): string => `TRACE_INDEX=off ${q(BIN)} --dir ${q(h.dir)} ${args}`;
    const cases: [string, string, string][] = [
      [`${h.task} --json`, "timeline", SQL.timeline(h.task)],
      [`--causality ${h.task} --json`, "--causality", SQL.tree(h.task)],
      [`--agent ${h.agent} --json`, "--agent", SQL.agent(h.agent)],
    ];
    for (const [args, name, sql] of cases) {
      const [ours, theirs, files] = measureAll([fromDb(args), asReader(sql), fromFiles(args)], runs);
      const label = `--db, ${days} days: ${name}`;
      rows.push({ case: label, ours: ours!.ms, theirs: theirs!.ms, vs: "psql, the same SQL and settings", ratio: ours!.ms / theirs!.ms, rssMb: ours!.rssMb, note: "ours / psql" });
      rows.push({ case: label, ours: ours!.ms, theirs: files!.ms, vs: "trace --dir (indexed day files)", ratio: ours!.ms / files!.ms, note: "database / day files" });
    }
    const clients = await shipClients(db.url, h.dir, quick ? 50_000 : 500_000, quick ? 1 : 3);
    rows.push({ case: `shipping path, ${clients.events.toLocaleString("en-US")} events in batches of 5,000, events/s`, ours: clients.pg, theirs: clients.postgresJs, vs: "postgres.js", ratio: clients.pg / clients.postgresJs, note: "pg + pg-copy-streams / postgres.js" });
    return { rows, summary: `database: ${h.events.toLocaleString("en-US")} events shipped into PostgreSQL` };
  } finally {
    await db.stop();
  }
}
