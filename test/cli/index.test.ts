import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dayOf } from "../../src/store/layout.js";
import { lines, tempDir, trace } from "../helpers/cli.js";

const DAY = 86_400_000;
const OFF = { TRACE_INDEX: "off" };

/** A store of `days` sealed days of about `bytes` each, and a line today; agents work a day each. */
function store(dir: string, days: number, bytes: number): void {
  mkdirSync(dir, { recursive: true });
  const today = Date.parse(`${dayOf(Date.now())}T00:00:00Z`);
  for (let d = days; d >= 0; d--) {
    const start = today - d * DAY;
    const out: string[] = [];
    let size = 0;
    for (let i = 0; size < (d === 0 ? 1 : bytes); i++) {
      const n = d * 1_000_000 + i;
      const id = `01a00000-0000-7000-8000-${n.toString(16).padStart(12, "0")}`;
      const parent = i > 0 && i % 3 !== 0 ? `01a00000-0000-7000-8000-${(n - 1).toString(16).padStart(12, "0")}` : null;
      const e = { id, timestamp: start + i * 500, primitive: i % 5 === 0 ? "bridge" : "ops", event_type: "send", agent_id: `agent-${d}-${i % 7}`, target_id: `task-${d}-${Math.floor(i / 40)}`, parent_event_id: parent, metadata: { text: "x".repeat(120) } };
      const line = JSON.stringify(e);
      out.push(line);
      size += line.length + 1;
    }
    writeFileSync(join(dir, `${dayOf(start)}.ndjson`), out.join("\n") + "\n");
  }
}

test("trace index builds each sealed day once, --rebuild again, --json tells each day; today is left to the scan", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  store(dir, 3, 50_000);
  const first = await trace(["index", "--dir", dir], { env: OFF });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /built 3 \(.* of index for .*\), fresh 0, not sealed or not indexable 1, failed 0/);
  assert.equal(readdirSync(join(dir, ".index")).filter((n) => n.endsWith(".idx")).length, 3);
  assert.match((await trace(["index", "--dir", dir], { env: OFF })).stdout, /built 0, fresh 3/);
  const again = await trace(["index", "--rebuild", "--json", "--dir", dir], { env: OFF });
  const days = lines(again.stdout).map((l) => JSON.parse(l) as { state: string; bytes: number; indexBytes?: number });
  assert.deepEqual(days.map((d) => d.state), ["built", "built", "built", "skipped"]);
  for (const d of days.slice(0, 3)) assert.ok(d.indexBytes! < d.bytes / 10, "an index is under a tenth of its day");
  assert.match((await trace(["index", "--help"])).stdout, /sealed day/);
  const bad = await trace(["index", "extra", "--dir", dir]);
  assert.equal(bad.code, 2);
  assert.equal(lines(bad.stderr).length, 1);
});

test("trace index --threads: the same index bytes on one thread or several; a bad --threads is a usage error", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  // 4 days of 7 MB: three threads' worth (one for each 8 MiB to build).
  store(dir, 4, 7_000_000);
  const idx = (): string[] => readdirSync(join(dir, ".index")).filter((n) => n.endsWith(".idx")).sort().map((n) => readFileSync(join(dir, ".index", n), "base64"));
  const one = await trace(["index", "--threads", "1", "--dir", dir], { env: OFF });
  assert.equal(one.code, 0, one.stderr);
  const alone = idx();
  assert.equal(alone.length, 4);
  // The bundled CLI's threads load a bundle of their own: a missing one would be noted on stderr.
  const many = await trace(["index", "--rebuild", "--threads", "3", "--json", "--dir", dir], { env: OFF });
  assert.equal(many.code, 0, many.stderr);
  assert.equal(many.stderr, "");
  assert.deepEqual(lines(many.stdout).map((l) => (JSON.parse(l) as { file: string }).file), [...readdirSync(dir)].filter((n) => n.endsWith(".ndjson")).sort().map((n) => join(dir, n)));
  assert.deepEqual(idx(), alone);
  for (const [args, message] of [
    [["--threads", "0"], 'trace: --threads "0": a whole number of threads, at least 1'],
    [["--threads", "two"], 'trace: --threads "two": a whole number of threads, at least 1'],
    [["--auto", "--threads", "2"], "trace: index: --auto builds on one thread; leave out --threads"],
  ] as const) {
    const bad = await trace(["index", ...args, "--dir", dir]);
    assert.equal(bad.code, 2, args.join(" "));
    assert.deepEqual(lines(bad.stderr), [message]);
  }
  assert.match((await trace(["index", "--help"])).stdout, /--threads N/);
});

test("a damaged index is noted once on stderr and the answer is the scan's; --no-index reads every day whole", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  store(dir, 3, 50_000);
  await trace(["index", "--dir", dir], { env: OFF });
  const day = dayOf(Date.now() - 2 * DAY);
  writeFileSync(join(dir, ".index", `${day}.ndjson.idx`), "not an index at all\n");
  for (const args of [["--agent", "agent-2-3"], ["task-2-3"], ["--causality", "task-2-3"]]) {
    const indexed = await trace(["--dir", dir, "--json", ...args], { env: OFF });
    const scanned = await trace(["--dir", dir, "--json", "--no-index", ...args], { env: OFF });
    assert.equal(indexed.code, 0, indexed.stderr);
    assert.ok(indexed.stdout.length > 0, `${args.join(" ")}: ${indexed.stderr}`);
    assert.equal(indexed.stdout, scanned.stdout, args.join(" "));
    assert.deepEqual(lines(indexed.stderr), [`trace: ${join(dir, ".index", `${day}.ndjson.idx`)}: not an index; ignored (trace index rebuilds it)`]);
    assert.equal(scanned.stderr, "");
  }
  assert.match((await trace(["index", "--dir", dir], { env: OFF })).stdout, /built 1 .*, fresh 2,/);
});

test("a query leaves a builder behind for sealed days of 1 MiB without an index; it indexes them once the query is gone", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  store(dir, 2, 1_200_000);
  const r = await trace(["--dir", dir, "--json", "--agent", "agent-1-2"]);
  assert.equal(r.code, 0, r.stderr);
  const wanted = [1, 2].map((d) => join(dir, ".index", `${dayOf(Date.now() - d * DAY)}.ndjson.idx`));
  for (let waited = 0; !wanted.every(existsSync) || existsSync(join(dir, ".index", ".building")); waited += 100) {
    assert.ok(waited < 20_000, "the builder finished within 20 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.match((await trace(["index", "--dir", dir], { env: OFF })).stdout, /built 0, fresh 2/);
  const scanned = await trace(["--dir", dir, "--json", "--no-index", "--agent", "agent-1-2"]);
  assert.equal((await trace(["--dir", dir, "--json", "--agent", "agent-1-2"])).stdout, scanned.stdout);
  assert.equal(scanned.stdout, r.stdout);
});

test("builders at once take turns by the store's lock: whole indexes, no temporary files; a lock a live builder holds is waited for, or skipped by --auto", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  store(dir, 3, 300_000);
  const lock = join(dir, ".index", ".building");
  // A lock another builder holds (this process: alive): --auto leaves the store to it, a build waits for it.
  mkdirSync(join(dir, ".index"), { recursive: true });
  writeFileSync(lock, String(process.pid));
  const auto = await trace(["index", "--auto", "--dir", dir], { env: OFF });
  assert.equal(auto.code, 0, auto.stderr);
  assert.deepEqual(readdirSync(join(dir, ".index")), [".building"], "--auto built nothing while another held the lock");
  const waiting = trace(["index", "--dir", dir], { env: OFF });
  await new Promise((resolve) => setTimeout(resolve, 600));
  assert.ok(existsSync(lock) && readdirSync(join(dir, ".index")).length === 1, "the build waits while the lock is held");
  unlinkSync(lock);
  assert.match((await waiting).stdout, /built 3/);
  const runs = await Promise.all(Array.from({ length: 4 }, () => trace(["index", "--rebuild", "--dir", dir], { env: OFF })));
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(join(dir, ".index")).filter((n) => !n.endsWith(".idx")), ["days.filters"], "no temporary file and no lock left; the days' filters whole");
  assert.match((await trace(["index", "--dir", dir], { env: OFF })).stdout, /built 0, fresh 3/);
  for (const args of [["--agent", "agent-3-1"], ["task-2-7"], ["--causality", "task-1-3"], ["--task", "task-3-2"]]) {
    const indexed = await trace(["--dir", dir, "--json", ...args], { env: OFF });
    assert.ok(indexed.stdout.length > 0);
    assert.equal(indexed.stdout, (await trace(["--dir", dir, "--json", "--no-index", ...args], { env: OFF })).stdout);
  }
});

test("prune indexes what it compresses: the .gz day gets its own index, the plain day's goes", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  store(dir, 3, 1_100_000);
  await trace(["index", "--dir", dir], { env: OFF });
  const r = await trace(["prune", "--dir", dir, "--compress-after", "2d"], { env: OFF });
  assert.equal(r.code, 0, r.stderr);
  const names = readdirSync(join(dir, ".index")).sort();
  const old = dayOf(Date.now() - 3 * DAY);
  assert.ok(names.includes(`${old}.ndjson.gz.idx`), names.join(" "));
  assert.ok(!names.includes(`${old}.ndjson.idx`), names.join(" "));
  const gz = readFileSync(join(dir, `${old}.ndjson.gz`));
  let members = 0;
  for (let at = gz.indexOf(Buffer.from([0x1f, 0x8b, 8])); at !== -1; at = gz.indexOf(Buffer.from([0x1f, 0x8b, 8]), at + 1)) members++;
  assert.ok(members >= 16, `compaction wrote gzip members of about 64 KiB (${members})`);
  for (const args of [["--agent", "agent-3-1"], ["task-3-9"]]) {
    const indexed = await trace(["--dir", dir, "--json", ...args], { env: OFF });
    assert.ok(indexed.stdout.length > 0);
    assert.equal(indexed.stdout, (await trace(["--dir", dir, "--json", "--no-index", ...args], { env: OFF })).stdout);
  }
});

test("trace index --rebuild racing prune --compress-after: both exit 0 (a day compacted while being indexed is left to the .gz's own index), answers as --no-index", { timeout: 120_000 }, async (t) => {
  for (let round = 0; round < 3; round++) {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    store(dir, 4, 1_200_000);
    const [index, prune] = await Promise.all([trace(["index", "--rebuild", "--dir", dir], { env: OFF }), trace(["prune", "--dir", dir, "--compress-after", "1d"], { env: OFF })]);
    assert.equal(index.code, 0, `round ${round}: index: ${index.stderr}`);
    assert.equal(prune.code, 0, `round ${round}: prune: ${prune.stderr}`);
    const args = ["--json", "--agent", "agent-3-2"];
    assert.equal((await trace(["--dir", dir, ...args], { env: OFF })).stdout, (await trace(["--dir", dir, ...args, "--no-index"], { env: OFF })).stdout);
  }
});

test("today's file of a megabyte and more gets an index of its lines so far from the builder a query leaves; what is appended after is read too", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  store(dir, 1, 20_000);
  const todayPath = join(dir, `${dayOf(Date.now())}.ndjson`);
  const start = Date.parse(`${dayOf(Date.now())}T00:00:00Z`);
  const line = (i: number, parent: number | null): string =>
    JSON.stringify({ id: `01a00000-0000-7000-9000-${i.toString(16).padStart(12, "0")}`, timestamp: start + i, primitive: "ops", event_type: "send", agent_id: `agent-t-${i % 9}`, target_id: `task-t-${Math.floor(i / 50)}`, parent_event_id: parent === null ? null : `01a00000-0000-7000-9000-${parent.toString(16).padStart(12, "0")}`, metadata: { text: "y".repeat(150) } });
  const grow = (from: number, to: number): void => appendFileSync(todayPath, Array.from({ length: to - from }, (_, k) => line(from + k, from + k > 0 && (from + k) % 4 !== 0 ? from + k - 1 : null)).join("\n") + "\n");
  grow(0, 6_000);
  const first = await trace(["--dir", dir, "--json", "task-t-7"]);
  assert.equal(first.code, 0, first.stderr);
  const idx = join(dir, ".index", `${dayOf(Date.now())}.ndjson.idx`);
  for (let waited = 0; !existsSync(idx) || existsSync(join(dir, ".index", ".building")); waited += 100) {
    assert.ok(waited < 20_000, "the builder indexed today's file within 20 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Appended after the index: a child of an indexed event, and new tasks' lines.
  grow(6_000, 6_400);
  appendFileSync(todayPath, line(9_999, 360) + "\n");
  for (const args of [["task-t-7"], ["--agent", "agent-t-3"], ["--task", "task-t-127"], ["--causality", "task-t-7"], ["--since", new Date(start + 6_100).toISOString()]]) {
    const indexed = await trace(["--dir", dir, "--json", ...args], { env: OFF });
    const scanned = await trace(["--dir", dir, "--json", "--no-index", ...args], { env: OFF });
    assert.equal(indexed.code, 0, indexed.stderr);
    assert.ok(indexed.stdout.length > 0, args.join(" "));
    assert.equal(indexed.stdout, scanned.stdout, args.join(" "));
  }
  assert.match((await trace(["--dir", dir, "--json", "task-t-7"], { env: OFF })).stdout, /0000000270f/, "the late child of task-t-7's line 360");
  assert.match((await trace(["index", "--dir", dir, "--json"], { env: OFF })).stdout, new RegExp(`"file":"${todayPath}","state":"fresh"`), "less than a megabyte since: left to the scan");
});
