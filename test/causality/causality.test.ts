import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { causality, openWriter, query, type CausalNode, type TraceEvent } from "../../src/index.js";
import { createIdSource } from "../../src/event/id.js";
import { dayOf } from "../../src/store/layout.js";
import { serializeEvent } from "../../src/event/serialize.js";
import { EXAMPLE, lines, ROOT, tempDir, trace, untimed } from "../helpers/cli.js";


const USE_CASE_3 = [
  "Causality chain for task-abc123:",
  '[root] bridge message #payments:42 ("we need payments")  +0ms',
  '  └─> memory entry zealot-1:arch-notes ("design payment flow")  +1m05s',
  "      └─> ops task-abc123 created  +1m30s",
  "          ├─> ops task-sub1 (claimed by haiku-1)  +6m00s",
  '          │   └─> bridge message #payments:43 ("blocked")  +11m00s',
  "          │       └─> ops task-sub1 blocked  +16m00s",
  "          ├─> ops task-sub2 (claimed by haiku-2)  +6m20s",
  "          │   └─> ops task-sub2 completed  +19m00s",
  "          └─> ops task-sub3 (claimed by haiku-3)  +6m40s",
  "              └─> ops task-sub3 completed  +25m00s",
];

/** The seed's drawing without the times each line ends with. */
const USE_CASE_3_DRAWN = USE_CASE_3.map(untimed);

/** Writes raw events (for damage a real writer would refuse) to their day files. */
function writeRaw(dir: string, events: TraceEvent[]): void {
  mkdirSync(dir, { recursive: true });
  for (const e of events) appendFileSync(join(dir, `${dayOf(e.timestamp)}.ndjson`), serializeEvent(e));
}

const nextId = createIdSource();
const ev = (timestamp: number, parent: string | null, extra: Partial<TraceEvent> = {}): TraceEvent => ({
  id: nextId(), timestamp, primitive: "ops", event_type: "step", agent_id: "a", target_id: "t", parent_event_id: parent, metadata: {}, ...extra,
});

function flatten(node: CausalNode): string[] {
  return [node.event.id, ...node.children.flatMap(flatten)];
}

test("use case 3: the seed's tree, line for line, from the shipped example", async () => {
  const r = await trace(["--dir", EXAMPLE, "--causality", "task-abc123", "--relative"]);
  assert.equal(r.code, 0);
  assert.deepEqual(lines(r.stdout), USE_CASE_3);
  const clock = await trace(["--dir", EXAMPLE, "--causality", "task-abc123", "--utc"]);
  assert.deepEqual(lines(clock.stdout).map((l) => l.replace(/  (\d\d:\d\d:\d\d)$/, " $1")).slice(1, 3), ['[root] bridge message #payments:42 ("we need payments") 13:59:00', '  └─> memory entry zealot-1:arch-notes ("design payment flow") 14:00:05'], "clock times without --relative");
});

test("asked by id or unique suffix, the event is marked; an ambiguous suffix lists candidates", async (t) => {
  const json = await trace(["--dir", EXAMPLE, "--json", "task-sub1"]);
  const block = lines(json.stdout).map((l) => JSON.parse(l)).find((e) => e.event_type === "block_task");
  const byId = await trace(["--dir", EXAMPLE, "--causality", block.id]);
  assert.deepEqual(lines(byId.stdout).map(untimed).slice(1, 6), USE_CASE_3_DRAWN.slice(1, 6));
  assert.match(lines(byId.stdout)[6]!, /^          │       └─> ops task-sub1 blocked  \d\d:\d\d:\d\d  ◀$/);
  const bySuffix = await trace(["--dir", EXAMPLE, "--causality", block.id.slice(-12)]);
  assert.deepEqual(lines(bySuffix.stdout), lines(byId.stdout).map((l, i) => (i === 0 ? `Causality chain for ${block.id.slice(-12)}:` : l)));

  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const a = ev(1_000, null);
  const b = { ...ev(2_000, null), id: a.id.slice(0, 24) + "aaaa" + a.id.slice(28) };
  const c = { ...ev(3_000, null), id: a.id.slice(0, 24) + "bbbb" + a.id.slice(28) };
  writeRaw(dir, [b, c]);
  const ambiguous = await trace(["--dir", dir, "--causality", a.id.slice(28)]);
  assert.equal(ambiguous.code, 2);
  assert.match(ambiguous.stderr, new RegExp(`ambiguous.*${b.id}.*${c.id}`));
});

test("a chain across three day files, parents in older files than their children", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const day = 86_400_000;
  const root = ev(Date.parse("2026-11-18T23:59:00Z"), null);
  const mid = ev(root.timestamp + day, root.id);
  const leaf = ev(mid.timestamp + day, mid.id);
  const sibling = ev(mid.timestamp + 10, root.id);
  writeRaw(dir, [root, mid, sibling, leaf]);
  const tree = await causality({ causality: leaf.id }, { dir });
  assert.equal(tree.root.event.id, root.id);
  assert.deepEqual(flatten(tree.root), [root.id, mid.id, leaf.id, sibling.id]);
  assert.equal(tree.focus.id, leaf.id);
});

test("a missing parent makes its child a marked orphan root", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const gone = nextId();
  const orphan = ev(5_000, gone, { primitive: "ops", event_type: "create_task", target_id: "task-o" });
  const child = ev(6_000, orphan.id, { event_type: "complete_task", target_id: "task-o" });
  writeRaw(dir, [orphan, child]);
  const r = await trace(["--dir", dir, "--causality", "task-o"]);
  assert.deepEqual(lines(r.stdout).map(untimed), ["Causality chain for task-o:", `[missing parent ${gone.slice(0, 8)}…] ops task-o created`, "  └─> ops task-o completed"]);
  const json = JSON.parse((await trace(["--dir", dir, "--causality", "task-o", "--json"])).stdout);
  assert.equal(json.missing_parent, gone);
});

test("a 2-cycle and a self-parent are cut and marked, never an endless loop", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const a = ev(1_000, null, { target_id: "cyc" });
  const b = ev(2_000, a.id, { target_id: "cyc-b" });
  a.parent_event_id = b.id;
  const self = ev(3_000, null, { target_id: "selfish" });
  self.parent_event_id = self.id;
  const under = ev(4_000, self.id, { target_id: "under" });
  writeRaw(dir, [a, b, self, under]);
  const cycle = await causality({ causality: a.id }, { dir });
  assert.equal(cycle.cycle, true);
  assert.equal(flatten(cycle.root).length, 2);
  const selfTree = await causality({ causality: "selfish" }, { dir });
  assert.equal(selfTree.cycle, true);
  assert.deepEqual(flatten(selfTree.root), [self.id, under.id]);
  const r = await trace(["--dir", dir, "--causality", "selfish"]);
  assert.match(untimed(lines(r.stdout)[1]!), /^\[root, cycle cut\] ops selfish step$/);
});

test("--depth and --max-children cut huge trees with counts; --json nests {event, children}", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const w = openWriter({ dir });
  const root = w.emit({ primitive: "ops", event_type: "create_task", target_id: "big", timestamp: 1_000 });
  for (let i = 0; i < 60; i++) {
    const kid = w.emit({ primitive: "ops", event_type: "claim_task", agent_id: `a${i}`, target_id: `sub${i}`, parent_event_id: root.id, timestamp: 2_000 + i });
    w.emit({ primitive: "ops", event_type: "complete_task", target_id: `sub${i}`, parent_event_id: kid.id, timestamp: 3_000 + i });
  }
  w.close();
  const capped = lines((await trace(["--dir", dir, "--causality", "big", "--max-children", "2"])).stdout).map(untimed);
  assert.deepEqual(capped, [
    "Causality chain for big:",
    "[root] ops big created",
    "  ├─> ops sub0 (claimed by a0)",
    "  │   └─> ops sub0 completed",
    "  ├─> ops sub1 (claimed by a1)",
    "  │   └─> ops sub1 completed",
    "  └─> … 58 more",
  ]);
  const shallow = lines((await trace(["--dir", dir, "--causality", "big", "--depth", "0"])).stdout).map(untimed);
  assert.deepEqual(shallow, ["Causality chain for big:", "[root] ops big created", "  └─> … 120 more below"]);
  const byDefault = lines((await trace(["--dir", dir, "--causality", "big"])).stdout).map(untimed);
  assert.equal(byDefault.at(-1), "  └─> … 10 more");
  const json = JSON.parse((await trace(["--dir", dir, "--causality", "big", "--json", "--depth", "1"])).stdout);
  assert.equal(json.event.id, root.id);
  assert.equal(json.children.length, 60);
  assert.equal(json.children[0].more, 1);
  assert.deepEqual(json.children[0].children, []);
});

test("--infer links parentless events of the same agent and session, drawn ┄> and marked inferred", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const w = openWriter({ dir });
  const wake = w.emit({ primitive: "spawn", event_type: "wake", agent_id: "z", target_id: "z", metadata: { session_id: 7 }, timestamp: 10_000 });
  const next = w.emit({ primitive: "ops", event_type: "create_task", agent_id: "z", target_id: "task-i", metadata: { session_id: 7 }, timestamp: 12_000 });
  w.emit({ primitive: "ops", event_type: "create_task", agent_id: "z", target_id: "task-far", metadata: { session_id: 7 }, timestamp: 30_000 });
  w.emit({ primitive: "ops", event_type: "create_task", agent_id: "z", target_id: "task-other", metadata: { session_id: 8 }, timestamp: 12_500 });
  w.close();
  const plain = await causality({ causality: "task-i" }, { dir });
  assert.equal(plain.root.event.id, next.id);
  const inferred = await causality({ causality: "task-i", infer: true }, { dir });
  assert.equal(inferred.root.event.id, wake.id);
  assert.deepEqual(inferred.root.children.map((c) => [c.event.id, c.inferred]), [[next.id, true]]);
  const r = lines((await trace(["--dir", dir, "--causality", "task-i", "--infer"])).stdout).map(untimed);
  assert.deepEqual(r.slice(1), ["[root] spawn z woke (session 7)", "  └┄> ops task-i created"]);
  const json = JSON.parse((await trace(["--dir", dir, "--causality", "task-i", "--infer", "--json"])).stdout);
  assert.equal(json.children[0].inferred, true);
  const wide = await causality({ causality: "task-i", infer: true, inferWindowMs: 60_000 }, { dir });
  assert.equal(flatten(wide.root).length, 3);
});

test("the timeline and the tree agree: in the timeline exactly when own or below an own event", async () => {
  const all: TraceEvent[] = [];
  for await (const { event } of query({}, { dir: EXAMPLE })) all.push(event);
  for (const target of ["task-abc123", "task-sub1", "zealot-1", "haiku-1", "payments"]) {
    const inTimeline = new Set<string>();
    for await (const { event } of query({ target }, { dir: EXAMPLE })) inTimeline.add(event.id);
    const below = new Set<string>();
    for (const own of all.filter((e) => e.agent_id === target || e.target_id === target)) {
      const tree = await causality({ causality: own.id }, { dir: EXAMPLE });
      const stack: CausalNode[] = [tree.root];
      let found: CausalNode | undefined;
      while (stack.length > 0 && !found) {
        const n = stack.pop()!;
        if (n.event.id === own.id) found = n;
        stack.push(...n.children);
      }
      for (const id of flatten(found!)) below.add(id);
    }
    assert.deepEqual([...inTimeline].sort(), [...below].sort(), target);
  }
});

test("each node of the drawn tree tells its time (clock, or after the root with --relative), its duration and, marked ✗, its failure", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const w = openWriter({ dir });
  const at = Date.parse("2026-03-01T09:00:00Z");
  const root = w.emit({ primitive: "ops", event_type: "create_task", agent_id: "a", target_id: "task-f", timestamp: at });
  w.emit({ primitive: "tool", event_type: "lookup", agent_id: "a", target_id: "task-f", parent_event_id: root.id, timestamp: at + 90_500, metadata: { duration_ms: 1500, status: "error", error: "exit code 1" } });
  w.close();
  const clock = lines((await trace(["--dir", dir, "--causality", "task-f", "--utc"])).stdout);
  assert.equal(clock[1], "[root] ops task-f created  09:00:00");
  assert.equal(clock[2], "  └─> tool lookup task-f by a (error: exit code 1 1,500 ms)  09:01:30 · 1.5 s · ✗ failed");
  const relative = lines((await trace(["--dir", dir, "--causality", "task-f", "--relative"])).stdout);
  assert.deepEqual(relative.slice(1), ["[root] ops task-f created  +0ms", "  └─> tool lookup task-f by a (error: exit code 1 1,500 ms)  +1m30s · 1.5 s · ✗ failed"]);
});
