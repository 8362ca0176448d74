import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dayOf, listDayFiles } from "../../src/store/layout.js";
import { compressDay } from "../../src/retention/compact.js";
import { indexStore, query, UsageError } from "../../src/index.js";
import { buildDays, type Built } from "../../src/day-index/build-lanes.js";
import { buildDay } from "../../src/day-index/build.js";
import { tempDir } from "../helpers/cli.js";

const DAY = 86_400_000;

/** Four sealed days of `dayBytes` (the second compressed, the third with a bad line) and today's open day of `todayBytes`. */
async function store(dir: string, dayBytes: number, todayBytes: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const today = Date.parse(`${dayOf(Date.now())}T00:00:00Z`);
  for (let d = 4; d >= 0; d--) {
    const start = today - d * DAY;
    const out: string[] = [];
    for (let i = 0, size = 0; size < (d === 0 ? todayBytes : dayBytes); i++) {
      const e = { id: `01a00000-0000-7000-8000-${(d * 1_000_000 + i).toString(16).padStart(12, "0")}`, timestamp: start + i * 700, primitive: i % 4 === 0 ? "bridge" : "ops", event_type: "send", agent_id: `agent-${i % 3}`, target_id: `task-${d}-${Math.floor(i / 50)}`, parent_event_id: null, metadata: { n: i } };
      out.push(d === 2 && i === 7 ? "{not json" : JSON.stringify(e));
      size += out[out.length - 1]!.length + 1;
    }
    writeFileSync(join(dir, `${dayOf(start)}.ndjson`), out.join("\n") + "\n");
  }
  await compressDay(join(dir, `${dayOf(today - 3 * DAY)}.ndjson`));
}

/** Counts the worker threads this process starts until the test ends. */
function countWorkers(t: TestContext): { started: number } {
  const workers = { started: 0 };
  const count = (): number => workers.started++;
  process.on("worker", count);
  t.after(() => process.off("worker", count));
  return workers;
}

/** Every index file of the store, by name. */
function indexes(dir: string): Record<string, string> {
  const folder = join(dir, ".index");
  return Object.fromEntries(readdirSync(folder).filter((n) => n.endsWith(".idx")).map((n) => [n, readFileSync(join(folder, n)).toString("base64")]));
}

test("a day's index is the same bytes built on this thread or on any number of builder threads; days come back in the store's order", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  // About 30 MB to build: three threads' worth (a thread is started for each 8 MiB).
  await store(dir, 7_000_000, 1_100_000);
  const workers = countWorkers(t);
  const one = await indexStore(dir, { threads: 1 });
  assert.equal(workers.started, 0, "one thread: this one");
  assert.deepEqual(one.days.map((d) => d.state), ["built", "built", "built", "built", "built"], "four sealed days (one .gz) and today's lines so far");
  const alone = indexes(dir);
  assert.equal(Object.keys(alone).length, 5);
  for (const [threads, expected] of [[2, 2], [3, 3], [8, 3]] as const) {
    const notes: string[] = [];
    const told: string[] = [];
    workers.started = 0;
    const many = await indexStore(dir, { threads, rebuild: true, onNote: (m) => notes.push(m), onDay: (d) => told.push(d.file) });
    assert.equal(workers.started, expected, `${threads} threads asked: one started for each 8 MiB, at most`);
    assert.deepEqual(notes, [], "no thread failed");
    assert.deepEqual(many.days.map((d) => d.file), one.days.map((d) => d.file));
    assert.deepEqual([...told].sort(), many.days.map((d) => d.file).sort(), "each day told once");
    assert.deepEqual(many.days.map((d) => d.state), one.days.map((d) => d.state));
    assert.deepEqual(indexes(dir), alone, `${threads} threads`);
  }
  const answers = async (index: boolean): Promise<string[]> => {
    const out: string[] = [];
    for await (const { line } of query({ agent: "agent-1" }, { dir, index: index ? undefined : false, sources: { off: true }, onBad: () => undefined })) out.push(line);
    return out;
  };
  const indexed = await answers(true);
  assert.ok(indexed.length > 1000);
  assert.deepEqual(indexed, await answers(false));
});

test("a builder thread that cannot start is noted once, and its days are built on this thread", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  await store(dir, 100_000, 10);
  const files = listDayFiles(dir).slice(0, 4);
  const jobs = files.map((file) => ({ file, open: false, weight: 8 << 20 }));
  const built: Built[] = [];
  const notes: string[] = [];
  const missing = new URL("./no-such-thread.js", import.meta.url);
  await buildDays(jobs, { threads: 2, thread: missing, onBuilt: (i, b) => (built[i] = b), onNote: (m) => notes.push(m) });
  assert.equal(notes.length, 2, "one note for each of the two threads");
  for (const note of notes) assert.match(note, /^index: a builder thread failed \(.*no-such-thread.*\); its days are built on the main thread$/);
  assert.equal(built.filter(Boolean).length, 4);
  for (const [i, job] of jobs.entries()) assert.deepEqual(built[i]!.index, await buildDay(job.file, false), files[i]!.path);
});

test("threads must be a whole number, at least 1; under 16 MiB to build, none is started", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  await store(dir, 3_000_000, 10);
  const workers = countWorkers(t);
  const { days } = await indexStore(dir, { threads: 8 });
  assert.equal(days.filter((d) => d.state === "built").length, 4);
  assert.equal(workers.started, 0, "about 12 MiB (the .gz weighs eight times its size): one thread's worth");
  for (const threads of [0, -1, 1.5, Number.NaN]) await assert.rejects(indexStore(dir, { threads }), (err) => err instanceof UsageError && /^threads .*: a whole number of threads, at least 1$/.test(err.message));
});
