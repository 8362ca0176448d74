/** The store's day filters (`.index/days.filters`): days passed by with a stat, never an answer changed by them. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createIdSource } from "../../src/event/id.js";
import { causality, indexStore, type TraceEvent } from "../../src/index.js";
import { queryLines } from "../helpers/query.js";
import { tempDir, trace } from "../helpers/cli.js";

const DAY = 86_400_000;
const FILTERS = join(".index", "days.filters");

/** Four sealed days of 3,000 events each: agent-N works on day N only, task-N-K lives on day N; the last day holds a torn line of agent-0's. */
function store(dir: string): { ids: Map<string, string> } {
  mkdirSync(dir, { recursive: true });
  const nextId = createIdSource();
  const ids = new Map<string, string>();
  const start = Date.parse("2026-03-01T00:00:00Z");
  for (let d = 0; d < 4; d++) {
    const lines: string[] = [];
    let parent: string | null = null;
    for (let i = 0; i < 3000; i++) {
      const task = `task-${d}-${Math.floor(i / 30)}`;
      const e: TraceEvent = { id: nextId(), timestamp: start + d * DAY + i * 20_000, primitive: "ops", event_type: i % 30 === 0 ? "claim_task" : "step", agent_id: `agent-${d}`, target_id: task, parent_event_id: i % 30 === 0 ? null : parent, metadata: { i, text: "x".repeat(100) } };
      if (i % 30 === 0) ids.set(task, e.id);
      parent = e.id;
      lines.push(JSON.stringify(e));
    }
    if (d === 3) lines.splice(1500, 0, '{"id":"torn","agent_id":"agent-0"');
    writeFileSync(join(dir, `2026-03-0${d + 1}.ndjson`), lines.join("\n") + "\n");
  }
  return { ids };
}

test("trace index writes the day filters; every answer is the scan's, and a day changed since is read again", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  store(dir);
  await indexStore(dir);
  assert.ok(existsSync(join(dir, FILTERS)), "days.filters written by the build");
  await indexStore(dir);
  assert.ok(existsSync(join(dir, FILTERS)), "a second pass keeps it (it is no orphan index)");
  const cases = [{ filter: { agent: "agent-2" } }, { filter: { task: "task-1-7" } }, { target: "task-0-3" }, { target: "task-3-50" }, { target: "agent-9" }, { filter: { agent: "nobody" } }];
  for (const c of cases) assert.deepEqual(await queryLines({ dir, ...c }), await queryLines({ dir, ...c, index: false }), JSON.stringify(c));
  // A late event on day 1 by an agent the day's filter never saw: the day no longer is what its entry names.
  const late = { id: "01a00000-0000-7000-8000-0000000late1", timestamp: Date.parse("2026-03-01T23:59:00Z"), primitive: "ops", event_type: "late", agent_id: "agent-late", target_id: "task-late", parent_event_id: null, metadata: {} };
  appendFileSync(join(dir, "2026-03-01.ndjson"), JSON.stringify(late) + "\n");
  assert.deepEqual((await queryLines({ dir, filter: { agent: "agent-late" } })).map((l) => JSON.parse(l).id), [late.id]);
  assert.deepEqual((await queryLines({ dir, target: "task-late" })).map((l) => JSON.parse(l).id), [late.id]);
  const tree = await causality({ causality: "task-late" }, { dir });
  assert.equal(tree.root.event.id, late.id);
});

test("a day the filters rule out is passed by without opening its index; one they do not is opened", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  store(dir);
  await indexStore(dir);
  // Day 2's index damaged after the filters were written: only a question whose value day 2 holds opens it (and says so).
  writeFileSync(join(dir, ".index", "2026-03-02.ndjson.idx"), "not an index");
  const notes: string[] = [];
  const onNote = (m: string): void => void notes.push(m);
  assert.equal((await queryLines({ dir, filter: { agent: "agent-0" }, index: { onNote } })).length, 3000);
  assert.deepEqual(notes, [], "day 2 was passed by on its filter");
  assert.equal((await queryLines({ dir, filter: { agent: "agent-1" }, index: { onNote } })).length, 3000);
  assert.equal(notes.length, 1, notes.join("\n"));
  assert.match(notes[0]!, /2026-03-02\.ndjson\.idx: .*ignored/);
});

test("a day with a bad line has no entry: a bad line that may hold the value is reported, as the scan does", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  store(dir);
  await indexStore(dir);
  const r = await trace(["--dir", dir, "--json", "--agent", "agent-0"], { env: { TRACE_INDEX: "off" } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split("\n").length, 3000);
  assert.match(r.stderr, /2026-03-04\.ndjson:1501/, "day 4's torn line reported, though day 4 holds no agent-0 event");
  assert.equal(r.stderr, (await trace(["--dir", dir, "--json", "--agent", "agent-0", "--no-index"], { env: { TRACE_INDEX: "off" } })).stderr);
});

test("a damaged days.filters is told once and ignored; the answers stand", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  store(dir);
  await indexStore(dir);
  const bytes = readFileSync(join(dir, FILTERS));
  bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0xff;
  writeFileSync(join(dir, FILTERS), bytes);
  const r = await trace(["--dir", dir, "--json", "task-2-5"], { env: { TRACE_INDEX: "off" } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, (await trace(["--dir", dir, "--json", "task-2-5", "--no-index"], { env: { TRACE_INDEX: "off" } })).stdout);
  assert.match(r.stderr, /days\.filters: .*checksum mismatch; ignored \(trace index rebuilds it\)\n/);
  assert.equal(r.stderr.split("\n").filter((l) => l.includes("days.filters")).length, 1, r.stderr);
  // Another version's file (an older build's) is as good as none: nobody is told.
  writeFileSync(join(dir, FILTERS), Buffer.concat([Buffer.from("TRACEDF1"), bytes.subarray(8)]));
  const older = await trace(["--dir", dir, "--json", "task-2-5"], { env: { TRACE_INDEX: "off" } });
  assert.equal(older.stdout, r.stdout);
  assert.doesNotMatch(older.stderr, /days\.filters/);
  writeFileSync(join(dir, FILTERS), "something else");
  const other = await trace(["--dir", dir, "--json", "task-2-5"], { env: { TRACE_INDEX: "off" } });
  assert.equal(other.stdout, r.stdout);
  assert.match(other.stderr, /days\.filters: not a days\.filters file of this version; ignored/);
});
