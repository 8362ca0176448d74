import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appendFileSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync, gunzipSync } from "node:zlib";
import { emit, openBatchWriter, openWriter, query } from "../../src/index.js";
import { parseEventLine } from "../../src/event/envelope.js";
import { lines, ROOT, tempDir, trace } from "../helpers/cli.js";

const DAY = Date.parse("2026-11-21T10:00:00Z");

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

test("emit writes one whole line to the day file of the event's UTC day", (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const a = emit({ primitive: "ops", event_type: "create_task", target_id: "task-1", timestamp: DAY }, { dir });
  const b = emit({ primitive: "ops", event_type: "claim_task", target_id: "task-1", timestamp: Date.parse("2026-11-22T00:00:00Z"), parent_event_id: a.id }, { dir });
  assert.deepEqual(readdirSync(dir).sort(), ["2026-11-21.ndjson", "2026-11-22.ndjson"]);
  assert.equal(readFileSync(join(dir, "2026-11-21.ndjson"), "utf8"), JSON.stringify(a) + "\n");
  assert.deepEqual(parseEventLine(readFileSync(join(dir, "2026-11-22.ndjson"), "utf8").trim()), b);
});

test("8 processes appending 2,000 events each to one day file lose and tear nothing", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const script = `
    import { openWriter } from ${JSON.stringify(join(ROOT, "build/src/index.js"))};
    const w = openWriter({ dir: process.argv[1] });
    for (let i = 0; i < 2000; i++) w.emit({ primitive: "ops", event_type: "tick", agent_id: "p" + process.pid, timestamp: ${DAY}, metadata: { i, pad: "x".repeat(i % 300) } });
    w.close();`;
  await Promise.all(
    Array.from({ length: 8 }, () => new Promise<void>((done, fail) => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script, dir], { stdio: "inherit" });
      child.on("exit", (code) => (code === 0 ? done() : fail(new Error(`writer exited ${code}`))));
    })),
  );
  const text = readFileSync(join(dir, "2026-11-21.ndjson"), "utf8");
  // A writer that finds another's line in flight may isolate its own with a blank line: harmless, never a tear.
  const all = lines(text).filter((l) => l !== "");
  assert.equal(all.length, 16_000);
  const events = all.map((l) => parseEventLine(l));
  assert.ok(events.every((e) => e !== undefined), "every line is a valid event");
  assert.equal(new Set(events.map((e) => e!.id)).size, 16_000);
});

test("a torn last line is isolated: the next emit is whole, the query returns every valid event with one warning", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const first = emit({ primitive: "ops", event_type: "a", timestamp: DAY }, { dir });
  appendFileSync(join(dir, "2026-11-21.ndjson"), '{"id":"torn","timestamp":17');
  const second = emit({ primitive: "ops", event_type: "b", timestamp: DAY + 1 }, { dir });
  const text = readFileSync(join(dir, "2026-11-21.ndjson"), "utf8");
  assert.equal(lines(text)[2], JSON.stringify(second));
  const warnings: string[] = [];
  const got = await collect(query({}, { dir, onBad: (r) => warnings.push(`${r.file}:${r.lines[0]} x${r.count}`) }));
  assert.deepEqual(got.map((h) => h.event.id), [first.id, second.id]);
  assert.deepEqual(warnings, [`${join(dir, "2026-11-21.ndjson")}:2 x1`]);
  const cli = await trace(["--dir", dir, "--json"]);
  assert.equal(cli.code, 0);
  assert.equal(lines(cli.stdout).length, 2);
  assert.equal(lines(cli.stderr).length, 1);
  assert.match(cli.stderr, /2026-11-21\.ndjson:2: skipped 1 bad line/);
});

test("a long-lived writer notices a torn line another process left", (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const w = openWriter({ dir });
  w.emit({ primitive: "ops", event_type: "a", timestamp: DAY });
  appendFileSync(join(dir, "2026-11-21.ndjson"), '{"half":');
  const wait = Date.now() + 150;
  while (Date.now() < wait); // past the writer's tail re-check interval
  const e = w.emit({ primitive: "ops", event_type: "b", timestamp: DAY });
  w.close();
  assert.equal(lines(readFileSync(join(dir, "2026-11-21.ndjson"), "utf8"))[2], JSON.stringify(e));
});

test("the batch writer writes on flush, and on process exit without close", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const b = openBatchWriter({ dir });
  b.emit({ primitive: "ops", event_type: "a", timestamp: DAY });
  assert.deepEqual(readdirSync(dir), []);
  b.flush();
  assert.equal(lines(readFileSync(join(dir, "2026-11-21.ndjson"), "utf8")).length, 1);
  b.close();
  const script = `
    import { openBatchWriter } from ${JSON.stringify(join(ROOT, "build/src/index.js"))};
    const b = openBatchWriter({ dir: process.argv[1] });
    for (let i = 0; i < 5000; i++) b.emit({ primitive: "ops", event_type: "tick", timestamp: ${DAY} });`;
  await new Promise<void>((done) => spawn(process.execPath, ["--input-type=module", "-e", script, dir], { stdio: "inherit" }).on("exit", () => done()));
  assert.equal(lines(readFileSync(join(dir, "2026-11-21.ndjson"), "utf8")).length, 5001);
});

test("the batch writer keeps every line whole and in order across days, small buffers and non-ASCII text", (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const b = openBatchWriter({ dir, maxBytes: 700 });
  const written: Record<string, string> = {};
  for (let i = 0; i < 500; i++) {
    const day = i % 3 === 0 ? DAY + 86_400_000 : DAY;
    const text = i % 7 === 0 ? "ünïcødé 🚀 ".repeat(i % 50) : `plain ${i}`;
    const e = b.emit({ primitive: "ops", event_type: "tick", agent_id: i % 5 === 0 ? "агент-1" : "haiku-1", timestamp: day + i, metadata: { text } });
    const file = `${new Date(day).toISOString().slice(0, 10)}.ndjson`;
    written[file] = (written[file] ?? "") + JSON.stringify(e) + "\n";
  }
  b.close();
  for (const [file, text] of Object.entries(written)) assert.equal(readFileSync(join(dir, file), "utf8"), text, file);
});

test("a compressed day takes late events as gzip members and reads back whole", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const a = emit({ primitive: "ops", event_type: "a", timestamp: DAY }, { dir });
  const plain = join(dir, "2026-11-21.ndjson");
  writeFileSync(`${plain}.gz`, gzipSync(readFileSync(plain)));
  const { rmSync } = await import("node:fs");
  rmSync(plain);
  const b = emit({ primitive: "ops", event_type: "b", timestamp: DAY + 5 }, { dir });
  assert.deepEqual(readdirSync(dir), ["2026-11-21.ndjson.gz"]);
  assert.equal(gunzipSync(readFileSync(`${plain}.gz`)).toString(), JSON.stringify(a) + "\n" + JSON.stringify(b) + "\n");
  assert.deepEqual((await collect(query({}, { dir }))).map((h) => h.event.id), [a.id, b.id]);
});

test("trace emit prints the id so scripts can chain causality", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const p = await trace(["emit", "ops", "create_task", "--agent", "zealot-1", "--target", "task-abc123", "--dir", dir]);
  assert.equal(p.code, 0);
  const id = p.stdout.trim();
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const c = await trace(["emit", "ops", "create_task", "--target", "task-sub1", "--parent", id, "--meta", '{"title":"sub"}', "--dir", dir, "--json"]);
  assert.equal(c.code, 0);
  const child = JSON.parse(c.stdout);
  assert.equal(child.parent_event_id, id);
  assert.deepEqual(child.metadata, { title: "sub" });
  const timeline = await trace(["--dir", dir, "task-abc123", "--json"]);
  assert.deepEqual(lines(timeline.stdout).map((l) => JSON.parse(l).target_id), ["task-abc123", "task-sub1"]);
});
