import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appendFileSync, copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openWriter, prune, query, type TraceEvent } from "../../src/index.js";
import { BIN, EXAMPLE, lines, tempDir, trace } from "../helpers/cli.js";

const DAY = 86_400_000;
const ids = (out: string): string[] => lines(out).map((l) => (JSON.parse(l) as TraceEvent).id);

/** A store of three past days and today, written by the project's writer. */
function store(dir: string, now: number): TraceEvent[] {
  const w = openWriter({ dir });
  const out: TraceEvent[] = [];
  for (let d = 3; d >= 0; d--) for (let i = 0; i < 5; i++) out.push(w.emit({ primitive: "ops", event_type: "step", agent_id: i % 2 ? "a" : "b", target_id: `task-${i}`, timestamp: now - d * DAY - (5 - i) * 1000 }));
  w.close();
  return out;
}

test("--cursor-file: each run prints what arrived since the last, exactly once: the same millisecond, a late event in an old day, a day compacted to .gz, a gzip member", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const now = Date.now();
  const first = store(dir, now);
  const file = join(dir, "..", `${dir.split("/").at(-1)}.cursor`);
  t.after(() => writeFileSync(file, "") );
  const run = async (...args: string[]): Promise<string[]> => {
    const r = await trace(["--json", "--cursor-file", file, "--dir", dir, ...args]);
    assert.equal(r.code, 0, r.stderr);
    return ids(r.stdout);
  };
  assert.deepEqual(await run(), first.map((e) => e.id));
  assert.deepEqual(await run(), [], "nothing new, nothing printed");
  const w = openWriter({ dir });
  const same = [w.emit({ primitive: "ops", event_type: "step", agent_id: "a", timestamp: now }), w.emit({ primitive: "ops", event_type: "step", agent_id: "a", timestamp: now })];
  const late = w.emit({ primitive: "ops", event_type: "step", agent_id: "a", timestamp: now - 2 * DAY - 500 });
  w.close();
  assert.deepEqual(new Set(await run()), new Set([...same, late].map((e) => e.id)));
  // The old days are compacted, then a late event reaches a compressed day as a gzip member.
  await prune({ dir, olderThan: 365 * DAY, compressAfter: 0.5 * DAY });
  assert.ok(readdirSync(dir).some((f) => f.endsWith(".ndjson.gz")));
  assert.deepEqual(await run(), [], "compaction adds nothing");
  const member = openWriter({ dir }).emit({ primitive: "ops", event_type: "step", agent_id: "b", timestamp: now - 3 * DAY });
  assert.deepEqual(await run(), [member.id]);
  assert.deepEqual(await run("--agent", "a"), []);
  // Filters and timelines: what is new and matches.
  const w2 = openWriter({ dir });
  const root = w2.emit({ primitive: "ops", event_type: "create_task", agent_id: "b", target_id: "task-new", timestamp: now + 1 });
  const child = w2.emit({ primitive: "ops", event_type: "claim_task", agent_id: "c", target_id: "task-other", parent_event_id: first[0]!.id, timestamp: now + 2 });
  w2.close();
  const saved = readFileSync(file, "utf8");
  assert.deepEqual(await run("task-0"), [child.id], "a new child of an old member joins task-0's timeline");
  writeFileSync(file, saved);
  assert.deepEqual(await run("--agent", "b"), [root.id]);
  // The library: a cursor in, the next one out.
  const answer = query({}, { dir, after: saved.trim() });
  const got: string[] = [];
  for await (const { event } of answer) got.push(event.id);
  assert.deepEqual(new Set(got), new Set([root.id, child.id]));
  assert.match(answer.position ?? "", /^trace1\./);
  const shown = await trace(["--dir", dir, "--after-cursor", answer.position!, "--show-cursor"]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.deepEqual(lines(shown.stdout), [`-- cursor: ${answer.position}`]);
});

test("a stale, foreign or broken cursor is one line and exit 2, never a replay or a skip", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const now = Date.now();
  store(dir, now);
  const file = join(dir, "c.cursor");
  assert.equal((await trace(["--json", "--cursor-file", file, "--dir", dir])).code, 0);
  const cursor = readFileSync(file, "utf8").trim();
  // Another store's cursor: the example's days are not these.
  const other = await trace(["--after-cursor", cursor, "--dir", EXAMPLE]);
  assert.equal(other.code, 2, other.stderr);
  assert.match(other.stderr, /^trace: --after-cursor: none of its days .* is in .*payments: a cursor of another store\?\n$/);
  // Today's file rewritten with other bytes of the same length.
  const today = readdirSync(dir).filter((f) => f.endsWith(".ndjson")).sort().at(-1)!;
  const text = readFileSync(join(dir, today), "utf8");
  copyFileSync(join(dir, today), join(dir, "backup"));
  writeFileSync(join(dir, today), text.replaceAll('"primitive":"ops"', '"primitive":"opz"'));
  const stale = await trace(["--cursor-file", file, "--dir", dir]);
  assert.equal(stale.code, 2);
  assert.match(stale.stderr, /^trace: --cursor-file .*c\.cursor: \d{4}-\d{2}-\d{2}: the day's bytes before offset \d+ are not the ones the cursor read/);
  assert.equal(readFileSync(file, "utf8").trim(), cursor, "the cursor file is left as it was");
  writeFileSync(join(dir, today), text.slice(0, 100));
  assert.equal((await trace(["--cursor-file", file, "--dir", dir])).code, 2, "truncated");
  copyFileSync(join(dir, "backup"), join(dir, today));
  for (const broken of ["nonsense", "trace1.!!!", `trace1.${Buffer.from('{"d":{"x":1}}').toString("base64url")}`]) {
    const r = await trace(["--after-cursor", broken, "--dir", dir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^trace: --after-cursor: not a trace cursor/);
  }
  writeFileSync(file, "garbage");
  assert.match((await trace(["--cursor-file", file, "--dir", dir])).stderr, /^trace: --cursor-file .*: not a trace cursor/);
});

test("trace -f --cursor-file, stopped and restarted 20 times while two writers append: none lost, none repeated", { timeout: 120_000 }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const file = join(dir, "..", `${dir.split("/").at(-1)}-follow.cursor`);
  t.after(() => rmSync(file, { force: true }));
  // Two writer processes, 300 events each, in bursts.
  const writer = (name: string): Promise<void> =>
    new Promise((done, fail) => {
      const script = `const { openWriter } = await import(${JSON.stringify(join(process.cwd(), "build/src/index.js"))});
        const w = openWriter({ dir: process.argv[1] });
        for (let i = 0; i < 300; i++) { w.emit({ primitive: "ops", event_type: "step", agent_id: process.argv[2], metadata: { i } }); if (i % 15 === 0) await new Promise((r) => setTimeout(r, 20)); }
        w.close();`;
      spawn(process.execPath, ["--input-type=module", "-e", script, dir, name], { stdio: "inherit" }).on("exit", (code) => (code === 0 ? done() : fail(new Error(`writer ${code}`))));
    });
  const writers = Promise.all([writer("w1"), writer("w2")]);
  let out = "";
  let finished = false;
  void writers.then(() => (finished = true));
  for (let restart = 0; restart < 20 || !finished; restart++) {
    const child = spawn(BIN, ["-f", "--json", "-n", "100000", "--cursor-file", file, "--dir", dir]);
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    await new Promise((r) => setTimeout(r, 150 + (restart % 5) * 40));
    const exited = new Promise((r) => child.on("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
  await writers;
  // A last run catches up.
  out += (await trace(["--json", "--cursor-file", file, "--dir", dir])).stdout;
  const got = lines(out).map((l) => JSON.parse(l) as TraceEvent);
  const keys = got.map((e) => `${e.agent_id}:${e.metadata.i}`);
  assert.equal(new Set(keys).size, keys.length, "none repeated");
  assert.equal(keys.length, 600, "none lost");
  appendFileSync(file, "");
});
