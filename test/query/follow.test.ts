import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readdirSync, readFileSync, renameSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dayOf } from "../../src/store/layout.js";
import { emit, follow, openWriter, prune, type ReadEvent } from "../../src/index.js";
import { BIN, lines, ROOT, tempDir } from "../helpers/cli.js";

const DAY_MS = 86_400_000;

/** A running `trace -f` and everything it printed so far. */
function startFollower(args: string[]): { child: ChildProcessWithoutNullStreams; out: () => string; err: () => string } {
  const child = spawn(BIN, ["-f", ...args], { env: { ...process.env, NO_COLOR: "1" } });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  return { child, out: () => out, err: () => err };
}

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const exited = (child: ChildProcessWithoutNullStreams): Promise<number | null> =>
  new Promise((done) => (child.exitCode !== null ? done(child.exitCode) : child.on("exit", (code) => done(code))));

test("trace -f prints each of 5,000 bursty, half-written appends exactly once, in file order, across a day rollover", { timeout: 60_000 }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const today = Date.now();
  emit({ primitive: "ops", event_type: "start", timestamp: today }, { dir });
  const f = startFollower(["--json", "-n", "1", "--dir", dir]);
  t.after(() => f.child.kill("SIGKILL"));
  await until("the backlog", () => lines(f.out()).length === 1);
  // A writer that appends in bursts, some lines in two halves with a pause, and moves to the next day halfway.
  const script = `
    import { openSync, writeSync, constants } from "node:fs";
    import { join } from "node:path";
    import { createIdSource } from ${JSON.stringify(join(ROOT, "build/src/event/id.js"))};
    const dir = process.argv[1];
    const next = createIdSource();
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    const fds = new Map();
    const fdFor = (day) => fds.get(day) ?? fds.set(day, openSync(join(dir, day + ".ndjson"), constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT)).get(day);
    for (let i = 0; i < 5000; i++) {
      const ts = ${today} + (i < 2500 ? 0 : ${DAY_MS});
      const day = new Date(ts).toISOString().slice(0, 10);
      const line = JSON.stringify({ id: next(), timestamp: ts, primitive: "ops", event_type: "tick", agent_id: "w", target_id: null, parent_event_id: null, metadata: { i } }) + "\\n";
      if (i % 97 === 0) { const cut = 40; writeSync(fdFor(day), line.slice(0, cut)); await sleep(30); writeSync(fdFor(day), line.slice(cut)); }
      else writeSync(fdFor(day), line);
      if (i % 250 === 0) await sleep(1 + (i % 3) * 40);
    }`;
  await new Promise<void>((done, fail) =>
    spawn(process.execPath, ["--input-type=module", "-e", script, dir], { stdio: "inherit" }).on("exit", (code) => (code === 0 ? done() : fail(new Error(`writer ${code}`)))),
  );
  await until("every event", () => lines(f.out()).length >= 5001);
  await new Promise((r) => setTimeout(r, 400));
  const printed = lines(f.out()).slice(1).map((l) => JSON.parse(l).metadata.i);
  assert.deepEqual(printed, Array.from({ length: 5000 }, (_, i) => i));
  const files = [dayOf(today), dayOf(today + DAY_MS)].map((d) => lines(readFileSync(join(dir, `${d}.ndjson`), "utf8")));
  assert.deepEqual(lines(f.out()), [...files[0]!, ...files[1]!]);
  f.child.kill("SIGINT");
  assert.equal(await exited(f.child), 0);
  assert.equal(f.err(), "");
});

test("a truncated day file is read again from the start with a note", { timeout: 30_000 }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const a = emit({ primitive: "ops", event_type: "a" }, { dir });
  const f = startFollower(["--json", "--dir", dir]);
  t.after(() => f.child.kill("SIGKILL"));
  await until("the backlog", () => lines(f.out()).length === 1);
  const file = join(dir, `${dayOf(a.timestamp)}.ndjson`);
  truncateSync(file, 0);
  await new Promise((r) => setTimeout(r, 300));
  const b = emit({ primitive: "ops", event_type: "b" }, { dir });
  await until("the event after truncation", () => lines(f.out()).length === 2);
  assert.equal(JSON.parse(lines(f.out())[1]!).id, b.id);
  assert.match(f.err(), /truncated; reading it again from the start/);
  // A file replaced by a copy that keeps its lines and adds one: only the new line is printed.
  const c = emit({ primitive: "ops", event_type: "c" }, { dir });
  const replacement = join(dir, "replacement.tmp");
  writeFileSync(replacement, readFileSync(file, "utf8") + JSON.stringify({ ...c, id: "0190aaaa-0000-7000-8000-000000000001", event_type: "d" }) + "\n");
  await until("the event after truncation and c", () => lines(f.out()).length === 3);
  renameSync(replacement, file);
  await until("the copy's new line", () => lines(f.out()).length === 4);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(lines(f.out()).map((l) => JSON.parse(l).event_type), ["a", "b", "c", "d"]);
  assert.doesNotMatch(f.err(), /replaced by a new file/);
  // A file replaced by other lines altogether is read from its start, with a note.
  writeFileSync(replacement, JSON.stringify({ ...c, id: "0190aaaa-0000-7000-8000-000000000002", event_type: "e" }) + "\n");
  renameSync(replacement, file);
  await until("the other file, from its start", () => lines(f.out()).length === 5);
  assert.match(f.err(), /replaced by a new file/);
  f.child.kill("SIGTERM");
  assert.equal(await exited(f.child), 0);
});

test("a late event written into a compressed day is followed once; compaction of a followed day prints nothing again", { timeout: 30_000 }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const yesterday = Date.now() - DAY_MS;
  const first = emit({ primitive: "ops", event_type: "first", timestamp: yesterday }, { dir });
  const f = startFollower(["--json", "--dir", dir]);
  t.after(() => f.child.kill("SIGKILL"));
  await until("the backlog", () => lines(f.out()).length === 1);
  const second = emit({ primitive: "ops", event_type: "second", timestamp: yesterday + 1 }, { dir });
  await until("the second event", () => lines(f.out()).length === 2);
  const { prune } = await import("../../src/index.js");
  await prune({ dir, compressAfter: 0 });
  assert.ok(readFileSync(join(dir, `${dayOf(yesterday)}.ndjson.gz`)).length > 0);
  await new Promise((r) => setTimeout(r, 300));
  // The writer appends a gzip member to the compressed day.
  const late = emit({ primitive: "ops", event_type: "late", timestamp: yesterday + 2 }, { dir });
  await until("the late event", () => lines(f.out()).length === 3);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(lines(f.out()).map((l) => JSON.parse(l).id), [first.id, second.id, late.id]);
  f.child.kill("SIGINT");
  assert.equal(await exited(f.child), 0);
});

test("trace -f --json | head -3 exits by itself once the swarm writes on", { timeout: 30_000 }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  for (let i = 0; i < 20; i++) emit({ primitive: "ops", event_type: "e", metadata: { i } }, { dir });
  const pipe = spawn("sh", ["-c", `"${BIN}" -f --json --dir "${dir}" | head -3`]);
  let out = "";
  pipe.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  // Like tail -f, the follower learns the reader is gone on its next write (EPIPE).
  await until("head's three lines", () => lines(out).length === 3);
  const writer = setInterval(() => emit({ primitive: "ops", event_type: "later" }, { dir }), 100);
  const code = await new Promise<number | null>((done) => pipe.on("exit", done));
  clearInterval(writer);
  assert.equal(code, 0);
  assert.deepEqual(lines(out).map((l) => JSON.parse(l).metadata.i), [10, 11, 12]);
});

test("the library follow() filters, takes a target's descendants, and stops on abort", { timeout: 30_000 }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const root = emit({ primitive: "ops", event_type: "create_task", target_id: "task-f" }, { dir });
  const stop = new AbortController();
  const seen: ReadEvent[] = [];
  const done = (async () => {
    for await (const hit of follow({ target: "task-f" }, { dir, signal: stop.signal, pollMs: 50 })) seen.push(hit);
  })();
  await until("the backlog", () => seen.length === 1);
  const child = emit({ primitive: "bridge", event_type: "send", agent_id: "h", target_id: "chan", parent_event_id: root.id }, { dir });
  emit({ primitive: "bridge", event_type: "send", agent_id: "h", target_id: "chan" }, { dir });
  const grandchild = emit({ primitive: "ops", event_type: "x", parent_event_id: child.id }, { dir });
  await until("the descendants", () => seen.length === 3);
  stop.abort();
  await done;
  assert.deepEqual(seen.map((h) => h.event.id), [root.id, child.id, grandchild.id]);
  writeFileSync(join(dir, "notes.txt"), "not a day file");
});

test("an append to an older day (a backfill) is printed once, not the whole day again", { timeout: 30_000 }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const old = Date.now() - 5 * DAY_MS;
  emit({ primitive: "ops", event_type: "old-1", timestamp: old }, { dir });
  emit({ primitive: "ops", event_type: "old-2", timestamp: old + 1 }, { dir });
  const stop = new AbortController();
  const seen: string[] = [];
  const done = (async () => {
    for await (const hit of follow({ limit: 0 }, { dir, signal: stop.signal })) seen.push(hit.event.event_type);
  })();
  await new Promise((r) => setTimeout(r, 500));
  emit({ primitive: "ops", event_type: "backfill", timestamp: old + 2 }, { dir });
  emit({ primitive: "ops", event_type: "now" }, { dir });
  await until("both new events", () => seen.length >= 2);
  await new Promise((r) => setTimeout(r, 300));
  stop.abort();
  await done;
  assert.deepEqual([...seen].sort(), ["backfill", "now"]);
});

test("trace -f --json writes a line's stored bytes, even those that are not UTF-8", { timeout: 30_000 }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const a = emit({ primitive: "ops", event_type: "a" }, { dir });
  const child = spawn(BIN, ["-f", "--json", "-n", "0", "--dir", dir]);
  t.after(() => child.kill("SIGKILL"));
  const chunks: Buffer[] = [];
  child.stdout.on("data", (d: Buffer) => chunks.push(d));
  await new Promise((r) => setTimeout(r, 700));
  // Latin-1 "café" from another writer: not UTF-8.
  const line = Buffer.concat([Buffer.from(`{"id":"0190aaaa-0000-7000-8000-0000000000ff","timestamp":${a.timestamp + 1},"primitive":"ops","event_type":"b","agent_id":null,"target_id":null,"parent_event_id":null,"metadata":{"text":"caf`), Buffer.from([0xe9]), Buffer.from('"}}\n')]);
  const { appendFileSync } = await import("node:fs");
  appendFileSync(join(dir, `${dayOf(a.timestamp)}.ndjson`), line);
  await until("the line", () => Buffer.concat(chunks).length >= line.length);
  assert.deepEqual(Buffer.concat(chunks), line, "the bytes as stored, not U+FFFD");
});

test("late events appended to an old compressed day while following are each printed, even when the watcher drops the change", { timeout: 60_000 }, async (t) => {
  for (let round = 0; round < 3; round++) {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const old = Date.now() - 6 * DAY_MS;
    emit({ primitive: "ops", event_type: "old", timestamp: old }, { dir });
    await prune({ dir, olderThan: 365 * DAY_MS, compressAfter: 2 * DAY_MS });
    assert.ok(readdirSync(dir).some((f) => f.endsWith(".ndjson.gz")), "the old day is compressed");
    const stop = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const hit of follow({ limit: 0 }, { dir, signal: stop.signal })) seen.push(hit.event.event_type);
    })();
    await new Promise((r) => setTimeout(r, 300));
    const w = openWriter({ dir });
    for (let i = 0; i < 3; i++) w.emit({ primitive: "ops", event_type: `late-${i}`, timestamp: old + 1 + i });
    w.close();
    await until("the three late events", () => seen.length >= 3);
    await new Promise((r) => setTimeout(r, 300));
    stop.abort();
    await done;
    assert.deepEqual(seen, ["late-0", "late-1", "late-2"], `round ${round}`);
  }
});
