import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openBatchWriter } from "../../src/index.js";
import { have, lines, tempDir, trace } from "../helpers/cli.js";

const T = Date.parse("2026-11-01T00:00:00Z");
const line = (id: string, ts: number, meta: string | Buffer, agent = "a1", parent: string | null = null): Buffer =>
  Buffer.concat([Buffer.from(`{"id":"${id}","timestamp":${ts},"primitive":"ops","event_type":"x","agent_id":"${agent}","target_id":"t1","parent_event_id":${parent ? `"${parent}"` : "null"},"metadata":`), Buffer.from(meta), Buffer.from("}\n")]);

test("stored bytes that are not UTF-8 pass untouched through --json, fast and plain, filtered or not", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const stored = Buffer.concat([
    line("id-1", T, Buffer.concat([Buffer.from('{"t":"'), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('"}')])),
    line("id-2", T + 1, Buffer.concat([Buffer.from('{"t":"\\u0041'), Buffer.from([0xc3]), Buffer.from('"}')])),
    line("id-3", T + 2, '{"t":"é"}'),
  ]);
  writeFileSync(join(dir, "2026-11-01.ndjson"), stored);
  for (const args of [["--json"], ["--json", "--plain"], ["--json", "--agent", "a1"], ["--json", "--agent", "a1", "--plain"], ["t1", "--json"], ["t1", "--json", "--plain"]]) {
    const r = spawnSync(join(process.cwd(), "bin/trace"), ["--dir", dir, ...args], { env: { ...process.env, TRACE_DIR: "" } });
    assert.equal(r.status, 0, r.stderr.toString());
    assert.ok(r.stdout.equals(stored), `${args.join(" ")}: the stored bytes, untouched`);
  }
});

test("metadata nested 5,000 levels deep goes through every output: lines, timelines, trees as text and JSON, validate", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  let meta = "1";
  for (let i = 0; i < 5000; i++) meta = `{"a":${meta}}`;
  const root = line("01a20146-ac80-7f39-8fd0-99c7c86f2d92", T, '{"text":"root"}');
  const deep = line("01a20146-ac89-7a27-9c43-f1e663466c97", T + 1, meta, "a1", "01a20146-ac80-7f39-8fd0-99c7c86f2d92");
  writeFileSync(join(dir, "2026-11-01.ndjson"), Buffer.concat([root, deep]));
  const runs = [["--json"], [], ["t1"], ["--plain"], ["--causality", "t1"], ["--causality", "t1", "--json"], ["--causality", "01a20146-ac89-7a27-9c43-f1e663466c97", "--json"]].map((a) => ["--dir", dir, ...a]);
  for (const args of [...runs, ["validate", dir]]) {
    const r = await trace(args);
    assert.ok(r.code === 0, `${args.join(" ")}: exit ${r.code}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /stack|RangeError/);
  }
  // Too deep for a recursive compare: the tree holds the event as its stored text spells it.
  const tree = (await trace(["--dir", dir, "--causality", "t1", "--json"])).stdout;
  assert.ok(tree.includes(`"children":[{"event":${deep.toString().trim()},`), "the deep event, whole, in the JSON tree");
});

test("bytes of stored data and of arguments that reach a terminal are escaped: suffix candidates, missing parents, --dir, --meta", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const evil = "\x1b[31m";
  const event = (id: string, ts: number, parent: string | null): string =>
    JSON.stringify({ id, timestamp: ts, primitive: "ops", event_type: "x", agent_id: "a1", target_id: "t1", parent_event_id: parent, metadata: {} });
  writeFileSync(join(dir, "2026-11-01.ndjson"), [event(`aaaa-${evil}-12345678`, T, null), event(`bbbb-${evil}-12345678`, T + 1, null), event("cccc", T + 2, `gone${evil}x`)].join("\n") + "\n");
  const ambiguous = await trace(["--dir", dir, "--causality", "12345678"]);
  assert.equal(ambiguous.code, 2);
  assert.doesNotMatch(ambiguous.stderr, /\x1b/);
  assert.match(ambiguous.stderr, /\\x1b\[31m/);
  const orphan = await trace(["--dir", dir, "--causality", "cccc"]);
  assert.doesNotMatch(orphan.stdout + orphan.stderr, /\x1b/);
  const badDir = await trace(["--dir", `${dir}/no${evil}where`, "--json"]);
  assert.equal(badDir.code, 2);
  assert.doesNotMatch(badDir.stderr, /\x1b/);
  const badMeta = await trace(["emit", "ops", "x", "--dir", dir, "--meta", `{${evil}`]);
  assert.equal(badMeta.code, 2);
  assert.doesNotMatch(badMeta.stderr, /\x1b/);
});

test("a tree 100,000 deep is drawn without growing indentation: past 32 levels each line says its level", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const w = openBatchWriter({ dir });
  let parent: string | null = null;
  for (let i = 0; i < 2000; i++) parent = w.emit({ primitive: "ops", event_type: "step", target_id: i === 0 ? "deep-root" : `t${i}`, parent_event_id: parent, timestamp: T + i }).id;
  w.close();
  const r = await trace(["--dir", dir, "--causality", "deep-root"]);
  assert.equal(r.code, 0, r.stderr);
  const drawn = lines(r.stdout);
  assert.equal(drawn.length, 2001);
  const widest = Math.max(...drawn.map((l) => l.indexOf("─>")));
  assert.ok(widest <= 32 * 4 + 4, `indentation stops growing (widest ${widest})`);
  assert.match(drawn.at(-1)!, /\[level 1999\] ops t1999/);
  assert.ok(r.stdout.length < 2001 * 200, "output in proportion to the tree, not to its depth squared");
});

test("a message stored under metadata.message or metadata.content reads as its text; none at all shows none", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const send = (id: string, ts: number, meta: string): Buffer =>
    Buffer.from(`{"id":"${id}","timestamp":${ts},"primitive":"bridge","event_type":"send","agent_id":"a1","target_id":"chan","parent_event_id":null,"metadata":${meta}}\n`);
  writeFileSync(join(dir, "2026-11-01.ndjson"), Buffer.concat([send("m1", T, '{"message":"from message"}'), send("m2", T + 1, '{"content":"from content"}'), send("m3", T + 2, "{}")]));
  const r = await trace(["--dir", dir, "--channel", "chan", "--utc"]);
  assert.deepEqual(lines(r.stdout).slice(1).map((l) => l.split(" | ").slice(2).join(" | ")), ['a1         | posted to #chan: "from message"', 'a1         | posted to #chan: "from content"', "a1         | posted to #chan"]);
});

test("trace --json over dense 5 KB lines keeps memory flat, whatever the store's size", { skip: !have("/usr/bin/time") && "no /usr/bin/time" }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const pad = "x".repeat(5000);
  /** Writes `n` more 5 KB events within a second of time, out of order (the reorder window would hold them all), and the peak RSS of reading the store. */
  const grow = (n: number): number => {
    const w = openBatchWriter({ dir, maxBytes: 8 << 20 });
    for (let i = 0; i < n; i++) w.emit({ primitive: "ops", event_type: "tick", agent_id: `a${i % 50}`, timestamp: T + (i % 1000), metadata: { pad } });
    w.close();
    const r = spawnSync("/usr/bin/time", ["-f", "%M", "sh", "-c", `${JSON.stringify(join(process.cwd(), "bin/trace"))} --dir ${JSON.stringify(dir)} --json | wc -l`], { encoding: "utf8" });
    assert.ok(Number(r.stdout.trim()) > 0);
    return Number(r.stderr.trim().split("\n").at(-1)) / 1024;
  };
  const small = grow(12_000);
  const large = grow(24_000);
  assert.ok(readFileSync(join(dir, "2026-11-01.ndjson")).length > 170e6);
  // Three times the store, far less than three times the memory (the heap settles near its plateau, ~250 MB without SIMD).
  assert.ok(large < small * 1.6 && large < 400, `peak RSS ${small.toFixed(0)} MB for 60 MB, ${large.toFixed(0)} MB for 180 MB`);
});
