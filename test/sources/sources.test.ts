import { test } from "node:test";
import assert from "node:assert/strict";
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { rowEventId } from "../../src/sources/ids.js";
import { createTimeReader } from "../../src/sources/times.js";
import { lines, tempDir, trace, untimed } from "../helpers/cli.js";
import { at, database, FIXTURES, noSqlite, openDb, row } from "../helpers/space.js";

const skip = noSqlite;
/** A spawn.db task's id: a uuid7, as space-os made them. */
const SPAWN = "019a0c38-2f00-7abc-8def-0123456789ab";

/** A workspace whose space.db knows zealot-1 and #payments, removed after the test. */
function zealotSpace(t: { after(fn: () => void): void }): { space: string; path: string } {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const space = join(dir, ".space");
  mkdirSync(join(space, "trace"), { recursive: true });
  const path = join(space, "space.db");
  database(path, "layout-current/001_foundation.sql", (db) => {
    row(db, "INSERT INTO agents (agent_id, identity, created_at) VALUES ('u-z', 'zealot-1', ?)", at("13:00:00"));
    row(db, "INSERT INTO channels (channel_id, name, created_at) VALUES ('c1', 'payments', ?)", at("13:58:00"));
  });
  return { space, path };
}

test("row times by their column's rule; ids derived from the row, the same every run", () => {
  const utc = createTimeReader("UTC");
  assert.equal(utc("2025-10-22 14:00:00", "utc-text"), Date.parse("2025-10-22T14:00:00Z"));
  assert.equal(utc("2025-10-22T14:00:00.250000", "local-text"), Date.parse("2025-10-22T14:00:00.250Z"));
  assert.equal(createTimeReader("+02:00")("2025-10-22T14:00:00", "local-text"), Date.parse("2025-10-22T12:00:00Z"));
  assert.equal(utc(1761141600, "epoch-s"), 1761141600000);
  assert.equal(utc("soon", "utc-text"), undefined);
  const id = rowEventId(1761141600000, "space.db", "tasks", "task-1", "created");
  assert.match(id, /^019a0c38-2f00-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(rowEventId(1761141600000, "space.db", "tasks", "task-1", "created"), id);
  assert.notEqual(rowEventId(1761141600000, "space.db", "tasks", "task-1", "claimed"), id);
});

test("a unified space.db is read beside the store: the task's lifecycle, the agent's activity since its last wake", { skip }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const space = join(dir, ".space");
  mkdirSync(join(space, "trace"), { recursive: true });
  database(join(space, "space.db"), "layout-current/001_foundation.sql", (db) => {
    for (const [id, name] of [["u-z", "zealot-1"], ["u-h", "haiku-1"], ["u-o", "operator"]]) row(db, "INSERT INTO agents (agent_id, identity, created_at) VALUES (?, ?, ?)", id, name, at("13:00:00"));
    row(db, "INSERT INTO channels (channel_id, name, created_at) VALUES ('c1', 'payments', ?)", at("13:58:00"));
    row(db, "INSERT INTO spawns (id, agent_id, session_id, status, created_at) VALUES ('s1', 'u-z', '42', 'running', ?)", at("14:00:00"));
    row(db, "INSERT INTO messages (message_id, channel_id, agent_id, content, created_at) VALUES ('m42', 'c1', 'u-o', 'we need payments', ?)", at("13:59:00"));
    row(db, "INSERT INTO memories (memory_id, agent_id, topic, message, created_at) VALUES ('zealot-1:arch-notes', 'u-z', 'payments', 'design payment flow', ?)", at("14:00:05"));
    row(db, "INSERT INTO tasks (task_id, creator_id, content, status, created_at) VALUES ('task-abc123', 'u-z', 'Build payment system', 'open', ?)", at("14:00:30"));
    row(db, "INSERT INTO tasks (task_id, creator_id, agent_id, content, status, created_at, started_at, completed_at) VALUES ('task-sub1', 'u-z', 'u-h', 'Stripe', 'done', ?, ?, ?)", at("14:01:00"), at("14:05:00"), at("14:30:00"));
  });
  const env = { TRACE_SPACE_TZ: "UTC" };
  const store = join(space, "trace");
  const task = await trace(["--dir", store, "task-sub1", "--utc"], { env });
  assert.equal(task.code, 0, task.stderr);
  assert.deepEqual(lines(task.stdout), [
    "Timeline for task-sub1 (Stripe):",
    "2025-10-22 14:01:00 | ops       | zealot-1   | created",
    "2025-10-22 14:05:00 | ops       | haiku-1    | claimed",
    "2025-10-22 14:30:00 | ops       | haiku-1    | completed",
  ]);
  const since = await trace(["--dir", store, "--agent", "zealot-1", "--since", "last wake", "--utc"], { env });
  assert.equal(since.code, 0, since.stderr);
  assert.deepEqual(lines(since.stdout).slice(1).map((l) => l.split(" | ")[2]), ["woke (session 42)", 'added "design payment flow"', "created task-abc123", "created task-sub1"]);
  const json = await trace(["--dir", store, "--json", "--channel", "payments"], { env });
  const events = lines(json.stdout).map((l) => JSON.parse(l));
  assert.deepEqual(events.map((e) => e.event_type), ["create_channel", "send"]);
  const message = events[1];
  assert.equal(message.agent_id, "operator");
  assert.equal(message.metadata.text, "we need payments");
  const again = await trace(["--dir", store, "--json", "--channel", "payments"], { env });
  assert.equal(again.stdout, json.stdout, "the same rows are the same events, ids included");
  const tree = await trace(["--dir", store, "--causality", "task-sub1"], { env });
  assert.equal(tree.code, 0, tree.stderr);
  assert.deepEqual(lines(tree.stdout), ["Causality chain for task-sub1:", "[root] ops task-sub1 created  14:01:00", "  └─> ops task-sub1 (claimed by haiku-1)  14:05:00", "      └─> ops task-sub1 completed  14:30:00"]);
  const id = JSON.parse(lines((await trace(["--dir", store, "task-sub1", "--json"], { env })).stdout)[1]!).id as string;
  const byId = await trace(["--dir", store, "--causality", id.slice(-12)], { env });
  assert.match(byId.stdout, /\(claimed by haiku-1\)  14:05:00  ◀/);
  const off = await trace(["--dir", store, "task-sub1", "--no-sources"], { env });
  assert.equal(off.stdout, "", "the day files hold none of it yet");
  // Imported once into day files: the same events, shown once, and there without the database.
  assert.match((await trace(["import", "--dir", store], { env })).stdout, /imported 8 events; 0 already in the store/);
  assert.match((await trace(["import", "--dir", store], { env })).stdout, /imported 0 events; 8 already in the store/);
  assert.equal((await trace(["--dir", store, "task-sub1", "--utc"], { env })).stdout, task.stdout);
  assert.equal((await trace(["--dir", store, "task-sub1", "--utc", "--no-sources"], { env })).stdout, task.stdout);
  const listed = await trace(["sources", "--dir", store, "--utc"], { env });
  assert.match(listed.stdout, /space\.db \(unified\): 8 events, 2025-10-22 13:58:00 to 2025-10-22 14:30:00 UTC/);
  assert.match(listed.stdout, /tasks +2 rows/);
});

test("the per-primitive databases of 2025-10-22 are read, agents named from spawn.db; a broken table is one line", { skip }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const space = join(dir, ".space");
  mkdirSync(space, { recursive: true });
  const sec = (hms: string): number => Date.parse(`2025-10-22T${hms}Z`) / 1000;
  database(join(space, "spawn.db"), "layout-2025-10-22/spawn.sql", (db) => {
    row(db, "INSERT INTO agents (id, name) VALUES ('a-z', 'zealot-1'), ('a-h', 'haiku-1')");
    row(db, "INSERT INTO tasks (uuid7, identity, channel, input, output, created_at, completed_at) VALUES (?, 'zealot-1', 'payments', 'Build payment system', 'done', '2025-10-22 14:00:01', '2025-10-22 14:30:00')", SPAWN);
  });
  database(join(space, "events.db"), "layout-2025-10-22/events.sql", (db) => {
    row(db, "INSERT INTO events (id, source, agent_id, event_type, data, timestamp, session_id) VALUES ('e1', 'identity', 'a-z', 'wake', NULL, ?, '42')", sec("14:00:00"));
    row(db, "INSERT INTO events (id, source, agent_id, event_type, data, timestamp) VALUES ('e0', 'identity', 'a-z', 'wake', NULL, ?)", sec("13:00:00"));
  });
  database(join(space, "bridge.db"), "layout-2025-10-22/bridge.sql", (db) => {
    row(db, "INSERT INTO channels (id, name, created_at) VALUES ('c1', 'payments', '2025-10-22 13:58:00')");
    row(db, "INSERT INTO messages (id, channel_id, agent_id, content, created_at) VALUES ('m1', 'c1', 'a-z', 'on it', '2025-10-22 14:00:10'), ('m2', 'c1', 'a-z', 'bad time', 'yesterday-ish')");
  });
  database(join(space, "memory.db"), "layout-2025-10-22/memory.sql", (db) => {
    row(db, "INSERT INTO memories (memory_id, agent_id, topic, message, timestamp, created_at) VALUES ('n1', 'a-z', 'payments', 'design payment flow', 'x', ?)", sec("14:00:05"));
  });
  const r = await trace(["--space", space, "--dir", join(space, "trace"), "--agent", "zealot-1", "--since", "last wake", "--utc"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r.stdout).slice(1).map((l) => l.split(" | ")[2]), ["woke (session 42)", 'spawned for "Build payment system"', 'added "design payment flow"', "sent message to #payments", 'spawn done: "done"']);
  assert.match(r.stderr, /bridge\.db: messages: rowid 2: cannot read the time "yesterday-ish"/);
  assert.equal(lines(r.stderr).length, 1);
  const store = ["--space", space, "--dir", join(space, "trace"), "--utc"];
  // No ops tasks then: a spawn.db task is the task, and what its agent sent while it ran is its doing.
  const task = await trace([...store, SPAWN]);
  assert.equal(task.code, 0, task.stderr);
  assert.deepEqual(lines(task.stdout), [
    `Timeline for ${SPAWN}:`,
    '2025-10-22 14:00:01 | spawn     | zealot-1   | spawned for "Build payment system"',
    '2025-10-22 14:00:10 | bridge    | zealot-1   | posted to #payments: "on it"',
    '2025-10-22 14:30:00 | spawn     | zealot-1   | spawn done: "done"',
  ]);
  const tree = await trace([...store, "--causality", SPAWN]);
  assert.equal(tree.code, 0, tree.stderr);
  assert.deepEqual(lines(tree.stdout).map(untimed), [
    `Causality chain for ${SPAWN}:`,
    '[root] spawn zealot-1 spawned for "Build payment system"',
    '  ├─> bridge message #payments:m1 ("on it")',
    '  └─> spawn zealot-1 spawn done: "done"',
  ]);
});

test("trace -f shows rows as another process commits them, none lost or repeated", { skip, timeout: 60_000 }, async (t) => {
  const { space, path } = zealotSpace(t);
  const { spawn } = await import("node:child_process");
  const { BIN } = await import("../helpers/cli.js");
  const child = spawn(BIN, ["-f", "--json", "-n", "0", "--channel", "payments", "--dir", join(space, "trace")], { env: { ...process.env, TRACE_SPACE_TZ: "UTC" } });
  t.after(() => child.kill("SIGKILL"));
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  await new Promise((r) => setTimeout(r, 800));
  // A writer process commits 200 messages, in bursts, while the follower runs.
  const writer = `const D = require(${JSON.stringify(createRequire(import.meta.url).resolve("better-sqlite3"))});
    const db = new D(process.argv[1]);
    const insert = db.prepare("INSERT INTO messages (message_id, channel_id, agent_id, content, created_at) VALUES (?, 'c1', 'u-z', ?, ?)");
    let i = 0;
    const burst = () => { for (let k = 0; k < 20; k++, i++) insert.run("m" + i, "message " + i, "2025-10-22T14:" + String(Math.floor(i / 60)).padStart(2, "0") + ":" + String(i % 60).padStart(2, "0") + ".000000"); if (i < 200) setTimeout(burst, 60); else db.close(); };
    burst();`;
  await new Promise<void>((done, fail) => spawn(process.execPath, ["-e", writer, path], { stdio: "inherit" }).on("exit", (code) => (code === 0 ? done() : fail(new Error(`writer ${code}`)))));
  const deadline = Date.now() + 10_000;
  while (lines(out).length < 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 600));
  const texts = lines(out).map((l) => JSON.parse(l).metadata.text as string);
  assert.deepEqual(texts, Array.from({ length: 200 }, (_, i) => `message ${i}`));
});

test("a database that is not SQLite, truncated, or of another schema is one line each; the rest is still read", { skip }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const space = join(dir, ".space");
  mkdirSync(join(space, "trace"), { recursive: true });
  const { writeFileSync, statSync } = await import("node:fs");
  database(join(space, "bridge.db"), "layout-2025-10-22/bridge.sql", (db) => {
    row(db, "INSERT INTO channels (id, name, created_at) VALUES ('c1', 'payments', '2025-10-22 13:58:00')");
  });
  writeFileSync(join(space, "memory.db"), "this is not a database at all, only text long enough to look like a file\n".repeat(20));
  database(join(space, "knowledge.db"), "layout-2025-10-22/events.sql", () => undefined);
  const missing = await trace(["--dir", join(space, "trace"), "--space", join(dir, "nowhere.db")]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--space .*nowhere\.db: no such database or folder/);
  // A unified database of a later schema, one of whose tables lacks a column the mapping needs.
  database(join(dir, "space.db"), "layout-current/001_foundation.sql", (db) => {
    db.exec("PRAGMA user_version = 7; DROP INDEX idx_spawns_status; ALTER TABLE spawns DROP COLUMN status");
    row(db, "INSERT INTO tasks (task_id, creator_id, content, status, created_at) VALUES ('task-1', 'u-z', 'x', 'open', ?)", at("14:00:00"));
  });
  // A database cut short (a copy interrupted): its header promises pages that are not there.
  database(join(dir, "cut.db"), "layout-current/001_foundation.sql", (db) => {
    for (let i = 0; i < 400; i++) row(db, "INSERT INTO tasks (task_id, creator_id, content, status, created_at) VALUES (?, 'u', ?, 'open', ?)", `t${i}`, "x".repeat(200), at("14:00:00"));
  });
  const { truncateSync } = await import("node:fs");
  truncateSync(join(dir, "cut.db"), 100_000);
  const cut = await trace(["--dir", join(dir, "nowhere"), "--space", join(dir, "cut.db"), "--json"]);
  assert.equal(cut.code, 1);
  assert.deepEqual(lines(cut.stderr), [`trace: ${join(dir, "cut.db")}: -: cannot open (database disk image is malformed)`]);
  const before = statSync(join(space, "bridge.db"));
  const r = await trace(["--dir", join(space, "trace"), "--space", join(dir, "space.db"), "--json"]);
  assert.equal(r.code, 1, "a database that cannot be read: exit 1, as for a day file");
  assert.equal(lines(r.stdout).length, 2, "the channel and the task of the good databases");
  assert.match(r.stderr, /memory\.db: -: cannot open \(file is not a database\)/);
  assert.match(r.stderr, /knowledge\.db: schema: read as space-os events\.db: its tables are those of events\.db, not of knowledge\.db/);
  assert.match(r.stderr, /space\.db: schema: read as space-os space\.db, without what it lacks: spawns has no column status/);
  assert.equal(lines(r.stderr).length, 3, r.stderr);
  const after = statSync(join(space, "bridge.db"));
  assert.equal(after.mtimeMs, before.mtimeMs, "a source is never written");
  assert.equal(after.size, before.size);
});

test("reading never writes a source: the database and its WAL keep their bytes and mtimes while a writer process commits", { skip, timeout: 60_000 }, async (t) => {
  const { space, path } = zealotSpace(t);
  const { spawn } = await import("node:child_process");
  const { createHash } = await import("node:crypto");
  const { readFileSync, statSync } = await import("node:fs");
  // The writer keeps its connection (so the WAL stays) and commits 10 messages on each line it reads.
  const writer = `const D = require(${JSON.stringify(createRequire(import.meta.url).resolve("better-sqlite3"))});
    const db = new D(process.argv[1]);
    db.pragma("wal_autocheckpoint = 0");
    const insert = db.prepare("INSERT INTO messages (message_id, channel_id, agent_id, content, created_at) VALUES (?, 'c1', 'u-z', 'hi', ?)");
    let i = 0;
    process.stdin.on("data", () => { for (let k = 0; k < 10; k++, i++) insert.run("m" + i, "2025-10-22T14:00:" + String(i % 60).padStart(2, "0")); process.stdout.write("committed\\n"); });
    process.stdout.write("ready\\n");`;
  const child = spawn(process.execPath, ["-e", writer, path], { stdio: ["pipe", "pipe", "inherit"] });
  t.after(() => child.kill("SIGKILL"));
  const said = (word: string): Promise<void> => new Promise((done, fail) => {
    child.once("exit", (code) => fail(new Error(`the writer exited (${code})`)));
    let got = "";
    const on = (d: Buffer): void => {
      got += d.toString();
      if (got.includes(word)) (child.stdout.off("data", on), done());
    };
    child.stdout.on("data", on);
  });
  await said("ready");
  const files = [path, `${path}-wal`];
  const snapshot = (): string[] => files.map((f) => `${f} ${createHash("sha256").update(readFileSync(f)).digest("hex")} ${statSync(f).mtimeMs} ${statSync(f).size}`);
  for (let round = 1; round <= 3; round++) {
    const committed = said("committed");
    child.stdin.write("go\n");
    await committed;
    const before = snapshot();
    const r = await trace(["--dir", join(space, "trace"), "--json", "--agent", "zealot-1"], { env: { TRACE_SPACE_TZ: "UTC" } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(lines(r.stdout).length, round * 10, "what the writer committed, read from its WAL");
    assert.equal((await trace(["sources", "--dir", join(space, "trace")])).code, 0);
    assert.deepEqual(snapshot(), before, `round ${round}`);
  }
});

test("a database a writer holds locked past the busy timeout is one line and exit 1; the other sources are still read", { skip, timeout: 60_000 }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const space = join(dir, ".space");
  mkdirSync(join(space, "trace"), { recursive: true });
  database(join(space, "bridge.db"), "layout-2025-10-22/bridge.sql", (db) => row(db, "INSERT INTO channels (id, name, created_at) VALUES ('c1', 'payments', '2025-10-22 13:58:00')"));
  database(join(space, "knowledge.db"), "layout-2025-10-22/knowledge.sql", (db) => row(db, "INSERT INTO knowledge (knowledge_id, domain, agent_id, content, created_at) VALUES ('k1', 'architecture', 'a-z', 'x', '2025-10-22 14:00:00')"));
  const { spawn } = await import("node:child_process");
  // bridge.db keeps a rollback journal: an exclusive transaction keeps every reader out.
  const holder = `const D = require(${JSON.stringify(createRequire(import.meta.url).resolve("better-sqlite3"))});
    const db = new D(process.argv[1]);
    db.exec("BEGIN EXCLUSIVE; INSERT INTO notes (note_id, channel_id, agent_id, content) VALUES ('n1', 'c1', 'a', 'x')");
    process.stdout.write("locked\\n");
    setTimeout(() => {}, 60000);`;
  const child = spawn(process.execPath, ["-e", holder, join(space, "bridge.db")], { stdio: ["ignore", "pipe", "inherit"] });
  t.after(() => child.kill("SIGKILL"));
  await new Promise<void>((done) => child.stdout.once("data", () => done()));
  const r = await trace(["--dir", join(space, "trace"), "--json"]);
  assert.equal(r.code, 1);
  assert.deepEqual(lines(r.stdout).map((l) => JSON.parse(l).event_type), ["add_discovery"]);
  assert.match(r.stderr, /bridge\.db: -: cannot open \(database is locked\)/);
  assert.equal(lines(r.stderr).length, 1, r.stderr);
});

test("trace validate reads every row of the sources: each problem a line, a sources line, exit 1 (2 for a database it cannot read)", { skip }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const space = join(dir, ".space");
  mkdirSync(join(space, "trace"), { recursive: true });
  database(join(space, "bridge.db"), "layout-2025-10-22/bridge.sql", (db) => {
    row(db, "INSERT INTO channels (id, name, created_at) VALUES ('c1', 'payments', '2025-10-22 13:58:00')");
    row(db, "INSERT INTO messages (id, channel_id, agent_id, content, created_at) VALUES ('m1', 'c1', 'a', 'ok', '2025-10-22 14:00:00'), ('m2', 'c1', 'a', 'bad', 'soon')");
  });
  const r = await trace(["validate", "--dir", join(space, "trace")]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /bridge\.db: messages: rowid 2: cannot read the time "soon" \(utc-text\)/);
  assert.match(r.stdout, /^sources: 1 database, 2 events from their rows, 1 problem$/m);
  const json = await trace(["validate", "--json", "--dir", join(space, "trace")]);
  assert.deepEqual(JSON.parse(lines(json.stdout).at(-1)!).summary.sources, { databases: 1, events: 2, problems: 1, unreadable: 0 });
  const { writeFileSync } = await import("node:fs");
  writeFileSync(join(space, "memory.db"), "not a database\n".repeat(100));
  assert.equal((await trace(["validate", "--dir", join(space, "trace")])).code, 2);
  assert.equal((await trace(["validate", "--no-sources", "--dir", join(space, "trace")])).code, 2, "no day files and no sources: nothing to validate");
});

test("a space.db of 100,000 rows answers every event (200,000) as --json and as the backlog of -f, without overflowing the stack", { skip, timeout: 120_000 }, async (t) => {
  const { generateSpaceDb } = await import("../../bench/generate.js");
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const space = join(dir, "w");
  generateSpaceDb(space, 100_000, join(FIXTURES, "layout-current", "001_foundation.sql"));
  const r = await trace(["--dir", join(space, ".space", "trace"), "--json"], { env: { TRACE_SPACE_TZ: "UTC" } });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.split("\n").length > 200_000, "every row's events");
  const f = await trace(["--dir", join(space, ".space", "trace"), "-f", "--json", "-n", "150000", "--until", "now"], { env: { TRACE_SPACE_TZ: "UTC" } });
  assert.equal(f.code, 0, f.stderr);
  assert.equal(f.stdout.split("\n").length - 1, 150_000);
});

test("a damaged page in space.db loses only its rows: the rest of the table is read by rowid ranges, the lost ones told in one line", { skip }, async (t) => {
  const { space, path } = zealotSpace(t);
  const db = openDb(path);
  const insert = db.prepare("INSERT INTO messages (message_id, channel_id, agent_id, content, created_at) VALUES (?, 'c1', 'u-z', ?, ?)");
  db.exec("BEGIN");
  for (let i = 0; i < 3000; i++) insert.run(`m${i}`, `message ${i} ${"x".repeat(300)}`, `2025-10-22T14:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}.000`);
  db.exec("COMMIT");
  // One leaf page of the messages table, in the middle, overwritten.
  const pages = (db as unknown as { prepare(sql: string): { all(): { pageno: number }[] } }).prepare("SELECT pageno FROM dbstat WHERE name = 'messages' AND pagetype = 'leaf' ORDER BY pageno").all();
  const pageSize = 4096;
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  const victim = pages[Math.floor(pages.length / 2)]!.pageno;
  const fd = openSync(path, "r+");
  writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (victim - 1) * pageSize);
  closeSync(fd);
  const r = await trace(["--dir", join(space, "trace"), "--json", "--channel", "payments"], { env: { TRACE_SPACE_TZ: "UTC" } });
  assert.equal(r.code, 0, r.stderr);
  const sent = lines(r.stdout).filter((l) => l.includes('"event_type":"send"')).length;
  assert.ok(sent > 2800 && sent < 3000, `${sent} of 3,000 messages read past the damage`);
  assert.match(r.stderr, /space\.db: messages: the database is damaged: rowids? [\d–, …]+ could not be read \(\d+ at most\); the other \d+ rows were/);
  assert.equal(lines(r.stderr).length, 1, r.stderr);
});
