import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import { lines, ROOT, trace } from "../helpers/cli.js";
import { startDatabase } from "../helpers/postgres.js";

/** A client of the test database, to look at what trace made. */
async function client(url: string): Promise<{ query(sql: string, v?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>; end(): Promise<void> }> {
  const pg = createRequire(join(ROOT, "package.json"))("pg") as { Client: new (o: object) => { connect(): Promise<void>; query(sql: string, v?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>; end(): Promise<void> } };
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

test("trace db init creates the schema in a real PostgreSQL (PGlite without one): the events table partitioned by day, its five indexes, the version; again changes nothing", async (t) => {
  const db = await startDatabase();
  t.after(() => db.stop());
  const first = await trace(["db", "init", "--db", db.url]);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stdout, "created the trace schema, version 3\n");
  const again = await trace(["db", "init"], { env: { TRACE_DB: db.url } });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, "the trace schema is at version 3: nothing to do\n", "TRACE_DB names it too");
  const c = await client(db.url);
  try {
    const kind = await c.query("SELECT relkind FROM pg_class WHERE relname = 'trace_events'");
    assert.equal(kind.rows[0]?.relkind, "p", "partitioned");
    const key = await c.query("SELECT pg_get_partkeydef('trace_events'::regclass) AS key");
    assert.equal(key.rows[0]?.key, "RANGE (day)");
    const indexes = (await c.query("SELECT indexname FROM pg_indexes WHERE tablename = 'trace_events' ORDER BY 1")).rows.map((r) => r.indexname);
    assert.deepEqual(indexes, ["trace_events_agent", "trace_events_parent", "trace_events_pkey", "trace_events_primitive", "trace_events_seq", "trace_events_target", "trace_events_time"]);
    const columns = (await c.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'trace_events' ORDER BY ordinal_position")).rows.map((r) => r.column_name);
    assert.deepEqual(columns, ["day", "id", "ts", "primitive", "event_type", "agent_id", "target_id", "parent_event_id", "metadata", "line", "store", "host", "seq"]);
    assert.deepEqual((await c.query("SELECT version FROM trace_schema")).rows, [{ version: 1 }, { version: 2 }, { version: 3 }]);
    await c.query("INSERT INTO trace_schema (version) VALUES (4)");
  } finally {
    // PGlite serves one connection at a time: this one ends before trace connects.
    await c.end();
  }
  const newer = await trace(["db", "init", "--db", db.url]);
  assert.equal(newer.code, 2);
  assert.equal(newer.stderr, "trace: --db: the database's trace schema is version 4, newer than this trace's (3): upgrade trace\n", "a schema newer than this trace is refused");
  console.log(`# against ${db.kind}`);
});

test("a database that cannot be reached is one line naming it without its password, exit 2", async () => {
  const secret = "s3cret-pass";
  for (const [url, said] of [
    ["mysql://u@h/db", /expected a postgresql:\/\/ URL/],
    [`postgresql://u:${secret}@127.0.0.1:1/trace`, /--db postgresql:\/\/u:\*\*\*@127\.0\.0\.1:1\/trace: connection refused/],
    ["postgresql://u@127.0.0.1:1/trace?host=/nonexistent-socket-dir", /no server socket there|connection refused/],
  ] as const) {
    const r = await trace(["db", "init", "--db", url]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, said);
    assert.ok(!r.stderr.includes(secret), "the password is never printed");
    assert.equal(lines(r.stderr).length, 1, r.stderr);
  }
  const none = await trace(["db", "init"], { env: { TRACE_DB: "" } });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /name a database: --db/);
  const verb = await trace(["db", "drop"]);
  assert.equal(verb.code, 2);
  assert.match(verb.stderr, /db drop: unknown; trace db init/);
});

test("a database that is not there is named, with what to do", async (t) => {
  const db = await startDatabase();
  t.after(() => db.stop());
  if (db.kind === "pglite") return; // PGlite serves one database whatever the name
  const r = await trace(["db", "init", "--db", db.url.replace("/postgres?", "/nope?")]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /database "nope" does not exist \(create it first: createdb\)/);
});
