import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { query } from "../../src/index.js";
import { dayOf } from "../../src/store/layout.js";
import { importBuilt, lines, nodeScript, tempDir, trace } from "../helpers/cli.js";

const DAY_MS = 86_400_000;

/** The ids of every event a query of the store reads, counted. */
async function storedIds(dir: string): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for await (const { event } of query({}, { dir, onBad: () => undefined })) seen.set(event.id, (seen.get(event.id) ?? 0) + 1);
  return seen;
}

/** A writer process that emits `n` events `pace` ms apart, timestamped `at` (default now), and prints each id once emit returned. */
function pacedWriter(dir: string, n: number, pace: number, at?: number): Promise<{ ids: string[]; code: number | null; stderr: string }> {
  const script = `${importBuilt("openWriter")}
    const w = openWriter({ dir: process.argv[1] });
    const sleep = (ms) => new Promise((r) => (ms === 0 ? setImmediate(r) : setTimeout(r, ms)));
    for (let i = 0; i < ${n}; i++) {
      const e = w.emit({ primitive: "ops", event_type: "tick", metadata: { i }${at === undefined ? "" : `, timestamp: ${at} + i`} });
      process.stdout.write(e.id + "\\n");
      await sleep(${pace});
    }
    w.close();`;
  return nodeScript(script, [dir]).then((r) => ({ ids: lines(r.stdout), code: r.code, stderr: r.stderr }));
}

test("compaction racing long-lived writers of an old day loses no confirmed event (50 rounds, writers pacing 0–49 ms)", { timeout: 120_000 }, async (t) => {
  const { dir: root, cleanup } = tempDir();
  t.after(cleanup);
  const old = Date.now() - 2 * DAY_MS;
  const round = async (k: number): Promise<void> => {
    const dir = join(root, `r${k}`);
    mkdirSync(dir);
    const writer = pacedWriter(dir, 12, k, old);
    let running = true;
    void writer.then(() => (running = false));
    // Compaction again and again while the writer appends: each finds the plain file the writer keeps open.
    while (running) {
      const r = await trace(["prune", "--compress-after", "0d", "--dir", dir]);
      assert.equal(r.code, 0, r.stderr);
    }
    const { ids, code, stderr } = await writer;
    assert.equal(code, 0, stderr);
    const stored = await storedIds(dir);
    const lost = ids.filter((id) => stored.get(id) !== 1);
    assert.deepEqual(lost, [], `round ${k} (pace ${k} ms): confirmed events missing or doubled`);
  };
  for (let k = 0; k < 50; k += 5) await Promise.all([k, k + 1, k + 2, k + 3, k + 4].map(round));
});

test("a torn line left by another process never swallows the next confirmed event, at any moment", { timeout: 60_000 }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const file = join(dir, `${dayOf(Date.now())}.ndjson`);
  const writer = pacedWriter(dir, 3000, 0);
  // 100 processes that die mid-line: their fragments land between the writer's events.
  for (let k = 0; k < 100; k++) {
    await new Promise((r) => setTimeout(r, 2 + (k % 7)));
    if (existsSync(file)) appendFileSync(file, `{"id":"torn-${k}","timestamp":17`);
  }
  const { ids, code, stderr } = await writer;
  assert.equal(code, 0, stderr);
  const stored = await storedIds(dir);
  assert.deepEqual(ids.filter((id) => stored.get(id) !== 1), [], "confirmed events lost into a torn line");
});

test("the writer refuses a day file that is a symlink, dangling or not, plain or compressed: nothing written outside the store", async (t) => {
  const { dir: root, cleanup } = tempDir();
  t.after(cleanup);
  const store = join(root, "store");
  mkdirSync(store);
  const victim = join(root, "victim");
  writeFileSync(victim, "precious\n");
  const today = dayOf(Date.now());
  symlinkSync(victim, join(store, `${today}.ndjson`));
  const r = await trace(["emit", "--dir", store, "ops", "x"]);
  assert.equal(r.code, 1);
  assert.equal(lines(r.stderr).length, 1);
  assert.match(r.stderr, /symbolic link/);
  assert.equal(readFileSync(victim, "utf8"), "precious\n");

  const dangling = join(root, "nowhere");
  const other = join(root, "store2");
  mkdirSync(other);
  symlinkSync(dangling, join(other, `${today}.ndjson`));
  assert.equal((await trace(["emit", "--dir", other, "ops", "x"])).code, 1);
  assert.equal(existsSync(dangling), false, "a dangling link made a file outside the store");

  const third = join(root, "store3");
  mkdirSync(third);
  symlinkSync(victim, join(third, `${today}.ndjson.gz`));
  assert.equal((await trace(["emit", "--dir", third, "ops", "x"])).code, 1);
  assert.equal(readFileSync(victim, "utf8"), "precious\n");
  assert.ok(lstatSync(join(third, `${today}.ndjson.gz`)).isSymbolicLink());
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  test(`${signal} flushes the batch writer's buffer, then ends the process as the signal would`, async (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const script = `${importBuilt("openBatchWriter")}
      const b = openBatchWriter({ dir: process.argv[1], maxBytes: 64 << 20 });
      for (let i = 0; i < 40000; i++) b.emit({ primitive: "ops", event_type: "tick", metadata: { i } });
      process.stdout.write("ready\\n");
      setInterval(() => {}, 1000);`;
    const r = await nodeScript(script, [dir], (child) => {
      child.stdout!.once("data", () => child.kill(signal));
    });
    assert.equal(r.signal, signal, "the process ended by the signal");
    const file = join(dir, readdirSync(dir)[0]!);
    assert.equal(lines(readFileSync(file, "utf8")).length, 40_000);
  });
}

test("a timestamp past year 9999 is refused at emit; WHEN out of range exits 2, not 1", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const { emit, UsageError } = await import("../../src/index.js");
  for (const timestamp of [253402300800000, 8.64e15, 8.64e15 + 1]) {
    assert.throws(() => emit({ primitive: "ops", event_type: "x", timestamp }, { dir }), UsageError);
  }
  assert.deepEqual(readdirSync(dir), []);
  emit({ primitive: "ops", event_type: "x" }, { dir });
  for (const when of ["@99999999999999999", "999999999d ago", "@253402300800"]) {
    const r = await trace(["--dir", dir, "--since", when]);
    assert.equal(r.code, 2, `${when}: ${r.stderr}`);
    assert.equal(lines(r.stderr).length, 1);
  }
  const ok = await trace(["--dir", dir, "--since", "@253402300799", "--json"]);
  assert.equal(ok.code, 0, ok.stderr);
});

