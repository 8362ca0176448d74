import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir, trace } from "../helpers/cli.js";
import { startDatabase } from "../helpers/postgres.js";
import { line, uid, writeStores } from "../helpers/three-stores.js";

test("the same stores answered from day files and from the database, byte for byte, for every query kind", { timeout: 180_000 }, async (t) => {
  const db = await startDatabase();
  t.after(() => db.stop());
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const { dirs, ids } = writeStores(dir);
  // A tombstone, written as trace redact writes it.
  const redacted = await trace(["redact", ids.late, "--reason", "leaked", "--dir", dirs[2]!]);
  assert.equal(redacted.code, 0, redacted.stderr);
  for (const [i, d] of dirs.entries()) {
    const shipped = await trace(["ship", "--to", db.url, "--dir", d, "--once", "--no-sources"]);
    assert.ok(shipped.code === 0 || (i === 0 && shipped.code === 1), `only the store with a bad line may say so: ${shipped.stderr}`);
    assert.match(shipped.stderr, /shipped \d+ events/);
  }
  const again = await trace(["ship", "--to", db.url, "--dir", dirs[0]!, "--once", "--no-sources"]);
  assert.match(again.stderr, /shipped 0 events, 0 new/, "the position was kept: nothing is sent twice");
  const files = dirs.flatMap((d) => ["--dir", d]);
  const kinds: string[][] = [
    [], ["--json"], ["task-42"], ["task-42", "--json"], ["payments"], ["--agent", "haiku-1"], ["--agent", "haiku-1", "--json"], ["--task", "task-7", "--json"],
    ["--channel", "payments"], ["--primitive", "tool"], ["--type", "ai_call", "--json"], ["--status", "error"], ["-g", "payments"], ["--since", "2025-11-02", "--until", "2025-11-03T09:00:00Z"],
    ["-n", "5"], ["--reverse", "-n", "7"], ["--until", "2025-11-01T09:00:05Z", "-n", "1"], ["--agent", "haiku-1", "-n", "2", "--json"], ["--since", "when task-42 created", "--json"], ["-o", "verbose", "task-7"],
    ["--causality", "task-42"], ["--causality", ids.late, "--json"], ["--causality", ids.cross.slice(-12)], ["--no-redact", "--task", "task-7", "--json"],
  ];
  for (const args of kinds) {
    const fromFiles = await trace([...files, ...args, "--utc"]);
    const fromDb = await trace(["--db", db.url, "--dir", dirs[0]!, ...args, "--utc"]);
    assert.equal(fromDb.stdout, fromFiles.stdout, `trace ${args.join(" ")}: the database answers as the day files do`);
    assert.equal(fromDb.code, 0, fromDb.stderr);
    assert.ok(fromDb.stdout.length > 0, `trace ${args.join(" ")} printed something`);
  }
  // Over several --dir, `last wake` looks in the first store only; the database holds them all.
  const woke = await trace(["--db", db.url, "--agent", "haiku-1", "--since", "last wake", "--utc"]);
  assert.match(woke.stdout, /2025-11-03 09:00:00 \| gamma \| spawn +\| woke\n$/);
  const masked = await trace(["--db", db.url, "--task", "task-7", "--json"]);
  assert.ok(!masked.stdout.includes("sk-live"), "the policy masks what the database holds");
  const tomb = await trace(["--db", db.url, "task-42", "--json"]);
  assert.ok(tomb.stdout.includes('"redacted":true') && !tomb.stdout.includes("Build payments"), "the tombstone shipped with the events hides them");
  for (const format of ["otlp", "dot", "mermaid"]) {
    const fromFiles = await trace(["export", "--format", format, ...files, "--causality", "task-42"]);
    const fromDb = await trace(["export", "--format", format, "--db", db.url, "--dir", dirs[0]!, "--causality", "task-42"]);
    assert.equal(fromDb.stdout, fromFiles.stdout, `export --format ${format}`);
  }
  // A cursor of the database: everything, then only what came after.
  const cursor = join(dir, "db.cursor");
  const first = await trace(["--db", db.url, "--cursor-file", cursor, "--json"]);
  assert.equal(first.stdout, (await trace([...files, "--json"])).stdout);
  writeFileSync(join(dirs[1]!, "2025-11-03.ndjson"), line(uid(9000), Date.parse("2025-11-03T12:00:00Z"), "ops", "note", "haiku-9", null, null));
  await trace(["ship", "--to", db.url, "--dir", dirs[1]!, "--once", "--no-sources"]);
  const next = await trace(["--db", db.url, "--cursor-file", cursor, "--json"]);
  assert.deepEqual(next.stdout.trim().split("\n").map((l) => JSON.parse(l).id), [uid(9000)]);
  // The retention rule drops whole days.
  const pruned = await trace(["prune", "--db", db.url, "--older-than", "1d"]);
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.match(pruned.stdout, /dropped the partition of 2025-11-01[\s\S]*in 3 days/);
  const left = (await trace(["--db", db.url, "--json"])).stdout.trim().split("\n").map((l) => JSON.parse(l) as { event_type: string });
  assert.deepEqual(left.map((e) => e.event_type), ["redact"], "only today's partition (the tombstone) is left");
  console.log(`# against ${db.kind}`);
});

test("--db errors are one line: no schema there, a cursor of day files", async (t) => {
  const db = await startDatabase();
  t.after(() => db.stop());
  const none = await trace(["--db", db.url, "task-1"]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^trace: --db .*: no trace schema there \(trace db init, or trace ship --to it\)\n$/);
  const ship = await trace(["ship"], { env: { TRACE_SHIP_TO: "" } });
  assert.equal(ship.code, 2);
  assert.match(ship.stderr, /--to postgresql/);
});
