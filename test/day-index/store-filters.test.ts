/** The store's day filters (`.index/days.filters`): days passed by with a stat, never an answer changed by them. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createIdSource } from "../../src/event/id.js";
import { causality, indexStore, type TraceEvent } from "../../src/index.js";
import { queryLines } from "../helpers/query.js";
import { createStoreFilters } from "../../src/day-index/store-filters.js";
import { listDayFiles } from "../../src/store/layout.js";
import { tempDir, trace } from "../helpers/cli.js";

const DAY = 86_400_000;
const FILTERS = join(".index", "days.filters");
/** Where a days.filters file's JSON header starts: after its 8-byte magic and a u32 length. */
const MAGIC_AND_LENGTH = 12;

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
  const scanned = (await trace(["--dir", dir, "--json", "task-2-5", "--no-index"], { env: { TRACE_INDEX: "off" } })).stdout;
  // After the JSON header: the rows' checksums (512 u32), then the rows.
  const sumsAt = Math.ceil((MAGIC_AND_LENGTH + bytes.readUInt32LE(8)) / 8) * 8;
  const rowsAt = sumsAt + 512 * 4;
  const damaged = (change: (b: Buffer) => void): Buffer => {
    const b = Buffer.from(bytes);
    change(b);
    return b;
  };
  for (const [what, file, told] of [
    ["a row's checksum", damaged((b) => b.writeUInt32LE((b.readUInt32LE(sumsAt + 4) ^ 1) >>> 0, sumsAt + 4)), /checksum mismatch/],
    ["every row", damaged((b) => b.fill(0xff, rowsAt)), /row \d+: checksum mismatch/],
    ["the header", damaged((b) => b.write("{{", MAGIC_AND_LENGTH)), /damaged header/],
    ["its length", damaged((b) => b.writeUInt32LE(b.length, 8)), /truncated/],
  ] as const) {
    writeFileSync(join(dir, FILTERS), file);
    const r = await trace(["--dir", dir, "--json", "task-2-5"], { env: { TRACE_INDEX: "off" } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, scanned, what);
    assert.match(r.stderr, new RegExp(`days\\.filters: .*${told.source}.*; ignored \\(trace index rebuilds it\\)\\n`), what);
    assert.equal(r.stderr.split("\n").filter((l) => l.includes("days.filters")).length, 1, r.stderr);
  }
  // Another version's file (an older build's) is as good as none: nobody is told.
  writeFileSync(join(dir, FILTERS), Buffer.concat([Buffer.from("TRACEDF2"), bytes.subarray(8)]));
  const older = await trace(["--dir", dir, "--json", "task-2-5"], { env: { TRACE_INDEX: "off" } });
  assert.equal(older.stdout, scanned);
  assert.doesNotMatch(older.stderr, /days\.filters/);
  writeFileSync(join(dir, FILTERS), "something else");
  const other = await trace(["--dir", dir, "--json", "task-2-5"], { env: { TRACE_INDEX: "off" } });
  assert.equal(other.stdout, scanned);
  assert.match(other.stderr, /days\.filters: not a days\.filters file of this version; ignored/);
});

test("every day's filter is the same size, folded or repeated: no value of a day is ever passed by, and most absent ones are", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  mkdirSync(dir, { recursive: true });
  const start = Date.parse("2026-03-01T00:00:00Z");
  // A day of 4,000 targets (its own filter larger than the file's: folded) and a day of 3 (smaller: repeated).
  const sizes = [4000, 3];
  for (const [d, targets] of sizes.entries()) {
    const lines = Array.from({ length: targets }, (_, i) => JSON.stringify({ id: `01a00000-0000-7000-8000-${(d * 100_000 + i).toString(16).padStart(12, "0")}`, timestamp: start + d * DAY + i, primitive: "ops", event_type: "step", agent_id: `agent-${d}`, target_id: `t-${d}-${i}`, parent_event_id: null, metadata: {} }));
    writeFileSync(join(dir, `2026-03-0${d + 1}.ndjson`), lines.join("\n") + "\n");
  }
  await indexStore(dir);
  const filters = createStoreFilters(dir, (m) => assert.fail(m));
  const days = listDayFiles(dir);
  for (const [d, targets] of sizes.entries()) {
    for (let i = 0; i < targets; i++) assert.equal(filters.lacks(days[d]!, [`t-${d}-${i}`]), false, `t-${d}-${i} is on day ${d}`);
    assert.equal(filters.lacks(days[d]!, [`agent-${d}`]), false);
    const absent = Array.from({ length: 1000 }, (_, i) => filters.lacks(days[d]!, [`absent-${i}`])).filter(Boolean).length;
    assert.ok(absent > (d === 0 ? 800 : 970), `day ${d}: ${absent} of 1,000 absent values passed by`);
  }
  for (const target of ["t-0-3999", "t-1-2", "t-0-17", "absent-5"]) assert.deepEqual(await queryLines({ dir, target }), await queryLines({ dir, target, index: false }), target);
  // Replaced by a builder while a question reads it: rows not read yet are not taken from the new file.
  const reading = createStoreFilters(dir, (m) => assert.fail(m));
  assert.equal(reading.lacks(days[1]!, ["absent-1"]), true);
  await indexStore(dir, { rebuild: true });
  assert.equal(reading.lacks(days[1]!, ["absent-1"]), true, "rows read before stand");
  const fresh = Array.from({ length: 50 }, (_, i) => reading.lacks(days[1]!, [`other-${i}`]));
  assert.deepEqual(fresh, fresh.map(() => false), "not sure of any day once the file is another");
});
