// The seed's use cases on databases that space-os's own code wrote (test/fixtures/space-os/real-*),
// on a machine in Australia/Sydney: read by the CLI under zones on either side of UTC.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { lines, ROOT, tempDir, trace } from "../helpers/cli.js";
import { FIXTURES, noSqlite } from "../helpers/space.js";

const skip = noSqlite;
const WROTE = "Australia/Sydney";
/** Zones the reading machine may be in: where the databases were written, and the other side of UTC. */
const ZONES = [WROTE, "America/Los_Angeles"];
const TASK = "01a24156-7cc8-78fa-a4ba-64ba380ff17f";
/** sentinel's reply, as its row's event. */
const REPLY_ROWID = 3;

type Row = Record<string, unknown> & { rowid: number };
type Event = { id: string; timestamp: number; primitive: string; event_type: string; agent_id: string | null; target_id: string | null; parent_event_id: string | null; metadata: Record<string, unknown> & { source: { table: string; rowid: number } } };

/** The rows of a table, straight from SQLite. */
function rowsOf(path: string, table: string): Row[] {
  const Database = createRequire(import.meta.url)("better-sqlite3") as new (p: string, o: object) => { prepare(s: string): { all(): Row[] }; close(): void };
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(`SELECT rowid, * FROM "${table}"`).all();
  } finally {
    db.close();
  }
}

/** Which column each event is from, and the clock space-os's code writes it with: `Z` for SQL's UTC, Sydney's offset that day for `datetime.now()`. */
const COLUMN: Record<string, [string, string]> = {
  create_channel: ["created_at", "Z"],
  send: ["created_at", "Z"],
  add_discovery: ["created_at", "Z"],
  add_entry: ["created_at", "+11:00"],
  wake: ["created_at", "+11:00"],
  sleep: ["ended_at", "+11:00"],
  create_task: ["created_at", "+11:00"],
  claim_task: ["started_at", "+11:00"],
  complete_task: ["completed_at", "+11:00"],
};

/** A copy of real-head as a workspace: `W/.space/space.db` beside the store `W/.space/trace`. */
function headWorkspace(t: { after(fn: () => void): void }): { dir: string; store: string; db: string } {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  mkdirSync(join(dir, ".space", "trace"), { recursive: true });
  const db = join(dir, ".space", "space.db");
  cpSync(join(FIXTURES, "real-head", "space.db"), db);
  return { dir, store: join(dir, ".space", "trace"), db };
}

const parse = (stdout: string): Event[] => lines(stdout).map((l) => JSON.parse(l) as Event);
const bySource = (events: Event[], table: string, rowid: number, type: string): Event => events.find((e) => e.metadata.source.table === table && e.metadata.source.rowid === rowid && e.event_type === type)!;

for (const zone of ZONES) {
  test(`real-head under TZ=${zone}: each event at the instant space-os stored, each message under its running spawn, no warning`, { skip }, async (t) => {
    const { store, db } = headWorkspace(t);
    const r = await trace(["--dir", store, "--json", "--space-tz", WROTE], { env: { TZ: zone } });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, "", "a real space.db prints no warning");
    const events = parse(r.stdout);
    assert.equal(events.length, 19);
    for (const e of events) {
      const [column, clock] = COLUMN[e.event_type]!;
      const stored = rowsOf(db, e.metadata.source.table).find((row) => row.rowid === e.metadata.source.rowid)![column] as string;
      assert.equal(e.timestamp, Date.parse(stored + clock), `${e.event_type} of ${e.metadata.source.table} rowid ${e.metadata.source.rowid}: ${stored}`);
    }
    // Each message's cause: the spawn of its sender running at its time (its wake), else none.
    const spawns = rowsOf(db, "spawns");
    const agents = new Map(rowsOf(db, "agents").map((a) => [a.agent_id, a.identity]));
    let caused = 0;
    for (const m of rowsOf(db, "messages")) {
      const sent = Date.parse(`${m.created_at as string}Z`);
      const running = spawns.filter((s) => s.agent_id === m.agent_id && Date.parse(`${s.created_at as string}+11:00`) <= sent && (s.ended_at === null || sent <= Date.parse(`${s.ended_at as string}+11:00`)));
      assert.ok(running.length <= 1);
      const event = bySource(events, "messages", m.rowid, "send");
      assert.equal(event.agent_id, agents.get(m.agent_id));
      assert.equal(event.parent_event_id, running[0] ? bySource(events, "spawns", running[0].rowid, "wake").id : null, `message ${m.rowid} (${m.content as string})`);
      if (running[0]) caused++;
    }
    assert.equal(caused, 3, "zealot's two messages and sentinel's reply");
    // A spawn's cause is its parent spawn.
    const child = spawns.find((s) => s.parent_spawn_id !== null)!;
    const parent = spawns.find((s) => s.id === child.parent_spawn_id)!;
    assert.equal(bySource(events, "spawns", child.rowid, "wake").parent_event_id, bySource(events, "spawns", parent.rowid, "wake").id);
    // The machine's own zone is the default: right without --space-tz where the database was written, and a UTC column never moves.
    const plain = parse((await trace(["--dir", store, "--json"], { env: { TZ: zone, TRACE_SPACE_TZ: "" } })).stdout);
    if (zone === WROTE) assert.deepEqual(plain, events);
    for (const e of events.filter((x) => COLUMN[x.event_type]![1] === "Z")) assert.equal(plain.find((p) => p.metadata.source.table === e.metadata.source.table && p.metadata.source.rowid === e.metadata.source.rowid && p.event_type === e.event_type)!.timestamp, e.timestamp);
  });

  test(`real-head under TZ=${zone}: the seed's three use cases`, { skip }, async (t) => {
    const { store } = headWorkspace(t);
    const env = { TZ: zone, TRACE_SPACE_TZ: WROTE };
    const task = await trace(["--dir", store, TASK, "--utc"], { env });
    assert.equal(task.stderr, "");
    assert.deepEqual(lines(task.stdout), [
      `Timeline for ${TASK} (Fix the login race):`,
      "2026-12-04 13:55:16 | ops       | tyson      | created",
      "2026-12-04 13:55:19 | ops       | zealot     | claimed",
      "2026-12-04 13:55:24 | ops       | zealot     | completed",
    ]);
    const wake = await trace(["--dir", store, "--agent", "zealot", "--since", "last wake", "--utc"], { env });
    assert.equal(wake.stderr, "");
    assert.deepEqual(lines(wake.stdout), [
      "Activity timeline for zealot:",
      "2026-12-04 13:55:29 | spawn     | woke",
      "2026-12-04 13:55:30 | bridge    | sent message to #dev",
      "2026-12-04 13:55:31 | memory    | added \"woke again, queue empty\"",
    ]);
    // Nothing of zealot before its first wake but what it did not do itself.
    const all = parse((await trace(["--dir", store, "--agent", "zealot", "--json"], { env })).stdout);
    assert.equal(all[0]!.event_type, "wake");
    const reply = parse((await trace(["--dir", store, "--agent", "sentinel", "--primitive", "bridge", "--json"], { env })).stdout)[0]!;
    assert.equal(reply.metadata.source.rowid, REPLY_ROWID);
    const tree = await trace(["--dir", store, "--causality", reply.id, "--utc"], { env });
    assert.equal(tree.stderr, "");
    assert.deepEqual(lines(tree.stdout).map((l) => l.replace(/\(".*$/, "")), [
      `Causality chain for ${reply.id}:`,
      // UTC clock times, whatever the zone the test runs in.
      "[root] spawn zealot woke  13:55:18",
      "  ├─> bridge message #dev:01a24156-9101-78e6-80d0-fd9a270a2e78 ",
      "  ├─> spawn sentinel woke  13:55:22",
      "  │   └─> bridge message #dev:01a24156-9754-781b-bff4-f38bcb70cf11 ",
      "  └─> spawn zealot sleep  13:55:27",
    ]);
  });
}

test("real-head: --infer draws the @mention that started a spawn as its inferred cause, from the database and from day files alike", { skip }, async (t) => {
  const { store } = headWorkspace(t);
  const env = { TZ: WROTE };
  const reply = parse((await trace(["--dir", store, "--agent", "sentinel", "--primitive", "bridge", "--json"], { env })).stdout)[0]!;
  const kick = parse((await trace(["--dir", store, "--agent", "tyson", "--primitive", "bridge", "--json"], { env })).stdout)[0]!;
  assert.match(String(kick.metadata.text), /^@zealot /);
  const tree = JSON.parse((await trace(["--dir", store, "--causality", reply.id, "--infer", "--json"], { env })).stdout) as { event: Event; children: { event: Event; inferred?: boolean }[] };
  assert.equal(tree.event.id, kick.id, "the message that mentioned @zealot is the root");
  assert.deepEqual(tree.children.map((c) => [c.event.event_type, c.event.agent_id, c.inferred]), [["wake", "zealot", true]]);
  // Without --infer no cause is made up.
  const recorded = JSON.parse((await trace(["--dir", store, "--causality", reply.id, "--json"], { env })).stdout) as { event: Event };
  assert.equal(recorded.event.event_type, "wake");
  // The same events imported into day files give the same tree.
  assert.equal((await trace(["import", "--dir", store], { env })).code, 0);
  const fromFiles = JSON.parse((await trace(["--dir", store, "--no-sources", "--causality", reply.id, "--infer", "--json"], { env })).stdout);
  assert.deepEqual(fromFiles, tree);
});

test("real-head: a channel's view holds the spawns that ran in it, from the database and from day files alike", { skip }, async (t) => {
  const { store } = headWorkspace(t);
  const env = { TZ: WROTE };
  const events = parse((await trace(["--dir", store, "--channel", "#dev", "--json"], { env })).stdout);
  assert.deepEqual(
    events.filter((e) => e.primitive === "spawn").map((e) => [e.event_type, e.agent_id]),
    [["wake", "zealot"], ["wake", "sentinel"], ["sleep", "zealot"], ["wake", "zealot"]],
  );
  assert.equal(events.filter((e) => e.primitive === "bridge").length, 8, "the channel's creation and its seven messages");
  assert.equal((await trace(["import", "--dir", store], { env })).code, 0);
  for (const args of [[], ["--plain"]]) {
    const files = parse((await trace(["--dir", store, "--no-sources", "--channel", "dev", "--json", ...args], { env })).stdout);
    assert.deepEqual(files.map((e) => e.id), events.map((e) => e.id));
  }
});

test("a source is read once however it is named: discovery, --space, TRACE_SPACE, a relative path, a symlink", { skip }, async (t) => {
  const { dir, store } = headWorkspace(t);
  symlinkSync(join(".space", "space.db"), join(dir, "link.db"));
  const env = { TZ: WROTE };
  for (const named of [[], ["--space", ".space"], ["--space", ".space/space.db"], ["--space", "./link.db"], ["--space", join(dir, ".space")]]) {
    const found = await trace(["sources", "--dir", store, "--json", ...named], { env, cwd: dir });
    assert.equal(lines(found.stdout).length, 1, `sources ${named.join(" ")}`);
    assert.equal(parse((await trace(["--dir", ".space/trace", "--json", ...named], { env, cwd: dir })).stdout).length, 19, `trace ${named.join(" ")}`);
  }
  assert.equal(parse((await trace(["--json"], { env: { ...env, TRACE_SPACE: "./.space/space.db" }, cwd: dir })).stdout).length, 19);
  // The per-primitive layout too.
  const legacy = join(dir, "legacy");
  mkdirSync(join(legacy, ".space", "trace"), { recursive: true });
  cpSync(join(FIXTURES, "real-2025-10-22"), join(legacy, ".space"), { recursive: true });
  const found = await trace(["sources", "--json", "--space", ".space"], { env, cwd: legacy });
  assert.equal(found.stderr, "");
  assert.equal(lines(found.stdout).length, 5);
});

for (const zone of ZONES) {
  test(`real-2025-10-22 under TZ=${zone}: epoch seconds and UTC text at the instant stored, no warning`, { skip }, async (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    mkdirSync(join(dir, ".space", "trace"), { recursive: true });
    cpSync(join(FIXTURES, "real-2025-10-22"), join(dir, ".space"), { recursive: true });
    const r = await trace(["--dir", join(dir, ".space", "trace"), "--json"], { env: { TZ: zone } });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, "");
    const events = parse(r.stdout);
    assert.equal(events.length, 18);
    const file = (table: string): string => ({ events: "events.db", messages: "bridge.db", channels: "bridge.db", memories: "memory.db", knowledge: "knowledge.db" })[table]!;
    for (const e of events) {
      const { table, rowid } = e.metadata.source;
      const row = rowsOf(join(dir, ".space", file(table)), table).find((x) => x.rowid === rowid)!;
      const stored = table === "events" ? (row.timestamp as number) * 1000 : table === "memories" ? (row.created_at as number) * 1000 : Date.parse(`${(row.created_at as string).replace(" ", "T")}Z`);
      assert.equal(e.timestamp, stored, `${table} rowid ${rowid}`);
    }
    const wake = await trace(["--dir", join(dir, ".space", "trace"), "--agent", "zealot", "--since", "last wake", "--utc"], { env: { TZ: zone } });
    assert.deepEqual(lines(wake.stdout).slice(1).map((l) => l.slice(0, 19)), ["2026-12-04 13:56:22", "2026-12-04 13:56:22"]);
  });
}

test("the README's Reading space-os section prints what the CLI prints", { skip }, async () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Reading space-os"));
  const block = section.slice(section.indexOf("```\n") + 4, section.indexOf("\n```", section.indexOf("```\n") + 4));
  const s = /S="([^"]+)"/.exec(section)![1]!.split(" ");
  const runs = block.split(/^\$ trace /m).filter((x) => x !== "");
  assert.equal(runs.length, 4);
  for (const run of runs) {
    const [command, ...shown] = run.split("\n").filter((l) => l !== "");
    const args = command!.match(/"[^"]*"|\S+/g)!.flatMap((a) => (a === "$S" ? s : [a.replace(/^"|"$/g, "")]));
    const r = await trace(args, { env: { TZ: "America/Los_Angeles" } });
    assert.equal(r.stderr, "");
    const cut = shown.indexOf("  …");
    assert.deepEqual(lines(r.stdout).slice(0, cut < 0 ? undefined : cut), cut < 0 ? shown : shown.slice(0, cut), command);
  }
});
