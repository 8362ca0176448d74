import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { causality, emit, openBatchWriter, parseAge, prune, query } from "../../src/index.js";
import { dayOf } from "../../src/store/layout.js";
import { lines, ROOT, tempDir, trace, untimed } from "../helpers/cli.js";

const DAY_MS = 86_400_000;
const now = Date.now();
const daysAgo = (n: number): string => dayOf(now - n * DAY_MS);

function dayFile(dir: string, n: number, text = "x\n"): string {
  const path = join(dir, `${daysAgo(n)}.ndjson`);
  writeFileSync(path, text);
  return path;
}

async function all(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const { line } of query({}, { dir })) out.push(line);
  return out;
}

test("with a 30-day rule, a 31-day-old file goes and 30- and 1-day-old files stay", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const [old, edge, recent] = [dayFile(dir, 31), dayFile(dir, 30), dayFile(dir, 1)];
  const dry = await prune({ dir, olderThan: parseAge("30d", "--older-than"), dryRun: true });
  assert.deepEqual(dry.map((a) => [a.action, a.file]), [["delete", old]]);
  assert.ok(existsSync(old), "a dry run changes nothing");
  const done = await prune({ dir, olderThan: parseAge("30d", "--older-than") });
  assert.deepEqual(done.map((a) => [a.action, a.file, a.bytes]), [["delete", old, 2]]);
  assert.ok(!existsSync(old) && existsSync(edge) && existsSync(recent));
});

test("only day files are candidates: today, tomorrow, symlinks and other files are never touched", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const outside = join(dir, "..", `${dir.split("/").pop()}-outside.ndjson`);
  writeFileSync(outside, "keep me\n");
  t.after(() => void import("node:fs").then((fs) => fs.rmSync(outside, { force: true })));
  const keep = [dayFile(dir, 0), dayFile(dir, -1), join(dir, "notes.txt"), join(dir, "2020-01-01.ndjson.bak"), join(dir, "trace.config.json")];
  for (const k of keep.slice(2)) writeFileSync(k, "{}");
  const link = join(dir, `${daysAgo(40)}.ndjson`);
  symlinkSync(outside, link);
  mkdirSync(join(dir, `${daysAgo(50)}.ndjson`));
  const gone = dayFile(dir, 60);
  const actions = await prune({ dir, olderThan: 0 });
  assert.ok(!existsSync(gone));
  for (const k of keep) assert.ok(existsSync(k), k);
  assert.ok(existsSync(link) && readFileSync(outside, "utf8") === "keep me\n", "symlink and its target untouched");
  assert.deepEqual(actions.filter((a) => a.error !== undefined), [], "leaving them alone is the policy, not a failure");
  const skipped = actions.filter((a) => a.skipped !== undefined).map((a) => a.file);
  assert.deepEqual(skipped.sort(), [join(dir, `${daysAgo(50)}.ndjson`), link].sort(), "the odd ones are noted, the rest still pruned");
  const cli = await trace(["prune", "--older-than", "0d", "--dir", dir]);
  assert.equal(cli.code, 0, "a symlink named like a day file is noted, and prune succeeds");
  assert.match(cli.stderr, /a symbolic link, left alone/);
});

test("a plain file beside a .gz is hidden only when it is compaction's own copy: same size by chance is not enough", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const day = now - 3 * DAY_MS;
  const event = (id: string, type: string): string => JSON.stringify({ id, timestamp: day + type.charCodeAt(0), primitive: "ops", event_type: type, agent_id: null, target_id: null, parent_event_id: null, metadata: {} }) + "\n";
  const plain = join(dir, `${daysAgo(3)}.ndjson`);
  writeFileSync(plain, event("id-one", "aaaa"));
  await prune({ dir, compressAfter: DAY_MS });
  // A stranger's late file of exactly the size the .gz's last member holds.
  writeFileSync(plain, event("id-two", "bbbb"));
  assert.deepEqual((await all(dir)).map((l) => JSON.parse(l).id), ["id-one", "id-two"]);
  const cli = await trace(["--dir", dir, "--json"]);
  assert.deepEqual(lines(cli.stdout).map((l) => JSON.parse(l).id), ["id-one", "id-two"]);
  // Compaction that stopped after putting the .gz in place: its marker names this very file, so it is read only past what the .gz holds.
  await prune({ dir, compressAfter: DAY_MS });
  assert.deepEqual(readdirSync(dir).filter((f) => /^\d{4}-/.test(f)), [`${daysAgo(3)}.ndjson.gz`]);
  writeFileSync(plain, event("id-three", "cccc"));
  const { statSync } = await import("node:fs");
  const { writeMarker } = await import("../../src/store/copy-marker.js");
  const gz = statSync(`${plain}.gz`);
  const { gzipSync } = await import("node:zlib");
  const { appendFileSync } = await import("node:fs");
  appendFileSync(`${plain}.gz`, gzipSync(readFileSync(plain)));
  const st = statSync(plain);
  writeFileSync(plain, readFileSync(plain) + event("id-four", "dddd"));
  writeMarker(dir, daysAgo(3), { plain: { dev: st.dev, ino: st.ino, bytes: st.size }, gz: { ino: gz.ino, size: statSync(`${plain}.gz`).size } });
  assert.deepEqual((await all(dir)).map((l) => JSON.parse(l).id), ["id-one", "id-two", "id-three", "id-four"]);
  await prune({ dir, compressAfter: DAY_MS });
  assert.deepEqual(readdirSync(dir).filter((f) => /^\d{4}-/.test(f)), [`${daysAgo(3)}.ndjson.gz`]);
  assert.deepEqual((await all(dir)).map((l) => JSON.parse(l).id), ["id-one", "id-two", "id-three", "id-four"]);
});

test("compaction gzips past days that read back identical; today is never compressed", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  for (let i = 0; i < 300; i++) emit({ primitive: "ops", event_type: "e", metadata: { i, text: "héllo \"quoted\"" }, timestamp: now - 3 * DAY_MS + i }, { dir });
  emit({ primitive: "ops", event_type: "today" }, { dir });
  const before = await all(dir);
  const actions = await prune({ dir, olderThan: parseAge("30d", "x"), compressAfter: parseAge("1d", "x") });
  assert.deepEqual(actions.map((a) => a.action), ["compress"]);
  assert.deepEqual(readdirSync(dir).filter((f) => /^\d{4}-/.test(f)).sort(), [`${daysAgo(3)}.ndjson.gz`, `${daysAgo(0)}.ndjson`].sort());
  assert.deepEqual(await all(dir), before);
  const cli = await trace(["--dir", dir, "--json"]);
  assert.deepEqual(lines(cli.stdout), before);
});

test("emits running during compaction of an older day lose nothing", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const b = openBatchWriter({ dir });
  for (let i = 0; i < 100_000; i++) b.emit({ primitive: "ops", event_type: "old", metadata: { i }, timestamp: now - 5 * DAY_MS });
  b.close();
  const script = `
    import { openWriter } from ${JSON.stringify(join(ROOT, "build/src/index.js"))};
    const w = openWriter({ dir: process.argv[1] });
    for (let i = 0; i < 3000; i++) w.emit({ primitive: "ops", event_type: "new", metadata: { i } });
    w.close();`;
  const writer = new Promise<void>((done) => spawn(process.execPath, ["--input-type=module", "-e", script, dir], { stdio: "inherit" }).on("exit", () => done()));
  await prune({ dir, compressAfter: DAY_MS });
  await writer;
  const got = await all(dir);
  assert.equal(got.filter((l) => l.includes('"old"')).length, 100_000);
  assert.equal(got.filter((l) => l.includes('"new"')).length, 3000);
});

test("two prune runs at once neither fail nor count a file twice", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  for (let n = 40; n < 140; n++) dayFile(dir, n, "y".repeat(100) + "\n");
  const runs = await Promise.all([1, 2].map(() => trace(["prune", "--dir", dir, "--json"])));
  const deleted = runs.flatMap((r) => lines(r.stdout).map((l) => JSON.parse(l))).filter((a) => a.bytes > 0);
  assert.ok(runs.every((r) => r.code === 0 && r.stderr === ""));
  assert.equal(deleted.length, 100);
  assert.equal(new Set(deleted.map((a) => a.file)).size, 100);
  assert.deepEqual(readdirSync(dir), []);
});

test("the retention setting lives with the store; auto makes writers prune once a day", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  assert.equal((await trace(["prune", "--show-retention", "--dir", dir])).stdout, "retention: 30d (default)\n");
  const set = await trace(["prune", "--set-retention", "10d", "--auto", "--dir", dir]);
  assert.equal(set.code, 0);
  assert.equal((await trace(["prune", "--show-retention", "--dir", dir])).stdout, "retention: 10d, auto\n");
  const old = dayFile(dir, 12);
  const kept = dayFile(dir, 9);
  const r = await trace(["emit", "ops", "tick", "--dir", dir]);
  assert.equal(r.code, 0);
  assert.ok(!existsSync(old), "the writer pruned the 12-day-old file");
  assert.ok(existsSync(kept));
  assert.equal(readFileSync(join(dir, "trace.pruned"), "utf8").trim(), daysAgo(0));
  const again = dayFile(dir, 13);
  await trace(["emit", "ops", "tick", "--dir", dir]);
  assert.ok(existsSync(again), "at most once a day per store");
  const dry = await trace(["prune", "--dry-run", "--dir", dir]);
  assert.match(dry.stdout, new RegExp(`would delete .*${daysAgo(13)}\\.ndjson`));
});

test("a tree over a pruned parent shows the orphan marker", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const parent = emit({ primitive: "ops", event_type: "create_task", target_id: "task-p", timestamp: now - 40 * DAY_MS }, { dir });
  emit({ primitive: "ops", event_type: "claim_task", agent_id: "h", target_id: "task-c", parent_event_id: parent.id, timestamp: now - 2 * DAY_MS }, { dir });
  await prune({ dir });
  const tree = await causality({ causality: "task-c" }, { dir });
  assert.equal(tree.missingParent, parent.id);
  const r = await trace(["--dir", dir, "--causality", "task-c"]);
  assert.equal(untimed(lines(r.stdout)[1]!), `[missing parent ${parent.id.slice(0, 8)}…] ops task-c (claimed by h)`);
});

test("a late plain file beside a compressed day is read too, and the next compaction merges it", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const day = now - 3 * DAY_MS;
  emit({ primitive: "ops", event_type: "early", timestamp: day }, { dir });
  await prune({ dir, compressAfter: DAY_MS });
  const plain = join(dir, `${daysAgo(3)}.ndjson`);
  writeFileSync(plain, JSON.stringify({ id: "late-1", timestamp: day + 5, primitive: "ops", event_type: "late", agent_id: null, target_id: null, parent_event_id: null, metadata: {} }) + "\n");
  assert.deepEqual((await all(dir)).map((l) => JSON.parse(l).event_type), ["early", "late"]);
  await prune({ dir, compressAfter: DAY_MS });
  assert.deepEqual(readdirSync(dir).filter((f) => /^\d{4}-/.test(f)), [`${daysAgo(3)}.ndjson.gz`]);
  assert.deepEqual((await all(dir)).map((l) => JSON.parse(l).event_type), ["early", "late"]);
});
