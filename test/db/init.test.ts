import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { lines, ROOT, tempDir, trace } from "../helpers/cli.js";
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

test("a database of schema version 2, holding events, is migrated to version 3 by trace db init, and answers as before", async (t) => {
  const db = await startDatabase();
  t.after(() => db.stop());
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const store = join(dir, ".space", "trace");
  mkdirSync(store, { recursive: true });
  const ids = [1, 2, 3].map((n) => `019a0000-0000-7000-8000-00000000000${n}`);
  const day = (d: number, id: string, parent: string | null): string =>
    JSON.stringify({ id, timestamp: Date.parse(`2025-11-0${d}T09:00:00Z`), primitive: "ops", event_type: "note", agent_id: "haiku-1", target_id: "task-1", parent_event_id: parent, metadata: {} }) + "\n";
  writeFileSync(join(store, "2025-11-01.ndjson"), day(1, ids[0]!, null));
  writeFileSync(join(store, "2025-11-02.ndjson"), day(2, ids[1]!, ids[0]!) + day(2, ids[2]!, ids[1]!));
  assert.equal((await trace(["ship", "--to", db.url, "--dir", store, "--once", "--no-sources"])).code, 0);
  const before = await trace(["--db", db.url, "--causality", "task-1", "--json"]);
  // The table as version 2 left it: the key led with the day, and a second index served lookups by id.
  const c = await client(db.url);
  try {
    await c.query("ALTER TABLE trace_events DROP CONSTRAINT trace_events_pkey");
    await c.query("ALTER TABLE trace_events ADD PRIMARY KEY (day, id)");
    await c.query("CREATE INDEX trace_events_id ON trace_events (id)");
    await c.query("DELETE FROM trace_schema WHERE version = 3");
  } finally {
    await c.end();
  }
  const old = await trace(["--db", db.url, "task-1"]);
  assert.equal(old.code, 2);
  assert.match(old.stderr, /the trace schema is version 2, this trace reads 3: trace db init migrates it\n$/);
  const migrated = await trace(["db", "init", "--db", db.url]);
  assert.equal(migrated.stdout, "migrated the trace schema from version 2 to 3\n", migrated.stderr);
  assert.equal((await trace(["--db", db.url, "--causality", "task-1", "--json"])).stdout, before.stdout, "the events answer as before");
  const again = await trace(["ship", "--to", db.url, "--dir", store, "--once", "--no-sources", "--cursor-file", join(dir, "fresh.cursor")]);
  assert.match(again.stderr, /shipped 3 events, 0 new/, "the new key still takes each event once");
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
