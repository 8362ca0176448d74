import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { lines, tempDir, trace } from "../helpers/cli.js";
import { database, FIXTURES, noSqlite, openDb, row } from "../helpers/space.js";

const skip = noSqlite;

/** A workspace holding one database at `.space/space.db`, made by `make`; its store's path. */
function workspace(t: { after(fn: () => void): void }, make: (path: string) => void): string {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  mkdirSync(join(dir, ".space", "trace"), { recursive: true });
  make(join(dir, ".space", "space.db"));
  return join(dir, ".space", "trace");
}

test("a space.db is known by its tables and columns, whatever PRAGMA user_version says", { skip }, async (t) => {
  for (const version of [0, 1, 6, 99]) {
    const store = workspace(t, (path) => {
      cpSync(join(FIXTURES, "real-head", "space.db"), path);
      const db = openDb(path);
      db.exec(`PRAGMA user_version = ${version}`);
      db.close();
    });
    const r = await trace(["--dir", store, "--json"], { env: { TRACE_SPACE_TZ: "Australia/Sydney" } });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, "", `user_version ${version}`);
    assert.equal(lines(r.stdout).length, 19);
  }
});

test("a space.db that lacks what the mapping reads: one line naming it, and the rest read", { skip }, async (t) => {
  const store = workspace(t, (path) =>
    database(path, "layout-current/001_foundation.sql", (db) => {
      db.exec("DROP TABLE tasks; ALTER TABLE spawns RENAME COLUMN status TO state");
      row(db, "INSERT INTO agents (agent_id, identity, created_at) VALUES ('u-z', 'zealot-1', '2025-10-22T13:00:00')");
      row(db, "INSERT INTO channels (channel_id, name, created_at) VALUES ('c1', 'payments', '2025-10-22T13:58:00.000')");
      row(db, "INSERT INTO messages (message_id, channel_id, agent_id, content, created_at) VALUES ('m1', 'c1', 'u-z', 'hi', '2025-10-22T13:59:00.000')");
      row(db, "INSERT INTO spawns (id, agent_id, state, created_at) VALUES ('s1', 'u-z', 'running', '2025-10-22T13:58:30')");
    }),
  );
  const r = await trace(["--dir", store, "--json"], { env: { TRACE_SPACE_TZ: "UTC" } });
  assert.equal(r.code, 0);
  assert.deepEqual(lines(r.stderr), [`trace: ${join(store, "..", "space.db")}: schema: read as space-os space.db, without what it lacks: spawns has no column status; no table tasks`]);
  assert.deepEqual(lines(r.stdout).map((l) => (JSON.parse(l) as { event_type: string }).event_type), ["create_channel", "send"]);
});

test("a database of another schema: one line, nothing read from it, exit 1; the day files still answer", { skip }, async (t) => {
  const store = workspace(t, (path) => {
    const db = openDb(path);
    db.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)");
    db.close();
  });
  assert.equal((await trace(["emit", "ops", "create_task", "--dir", store, "--agent", "a"])).code, 0);
  const r = await trace(["--dir", store, "--json"]);
  assert.equal(r.code, 1);
  assert.equal(lines(r.stdout).length, 1);
  assert.equal(lines(r.stderr).length, 1);
  assert.match(r.stderr, /space\.db: schema: not a space-os database: none of the tables of space\.db \(agents, channels, messages, spawns, memories, knowledge, tasks\)/);
});

test("--space-tz: a zone name, an offset, UTC; a zone that is none of them is a usage error naming the flag", { skip }, async (t) => {
  const store = workspace(t, (path) => cpSync(join(FIXTURES, "real-head", "space.db"), path));
  const spawnAt = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> => {
    const r = await trace(["--dir", store, "--json", "--primitive", "spawn", ...args], { env: { TZ: "UTC", TRACE_SPACE_TZ: "", ...env } });
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(lines(r.stdout)[0]!) as { timestamp: number }).timestamp;
  };
  const stored = Date.parse("2026-12-05T00:55:18.627+11:00");
  assert.equal(await spawnAt(["--space-tz", "Australia/Sydney"]), stored);
  assert.equal(await spawnAt(["--space-tz", "+11:00"]), stored);
  assert.equal(await spawnAt([], { TRACE_SPACE_TZ: "Australia/Sydney" }), stored);
  assert.equal(await spawnAt(["--space-tz", "Australia/Sydney"], { TRACE_SPACE_TZ: "UTC" }), stored, "the flag wins over the variable");
  assert.equal(await spawnAt(["--space-tz", "UTC"]), stored + 11 * 3_600_000);
  for (const args of [["--space-tz", "Mars/Base"], ["sources", "--space-tz", "+25"]]) {
    const bad = await trace(args[0] === "sources" ? ["sources", "--dir", store, ...args.slice(1)] : ["--dir", store, ...args]);
    assert.equal(bad.code, 2);
    assert.equal(lines(bad.stderr).length, 1);
    assert.match(bad.stderr, /^trace: --space-tz "[^"]+": not a time zone; expected local, UTC, an offset such as \+11:00, or a zone name such as Australia\/Sydney/);
  }
});
