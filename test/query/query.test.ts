import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createIdSource } from "../../src/event/id.js";
import { openWriter, query, type TraceEvent } from "../../src/index.js";
import { split, type QueryCase } from "../helpers/query.js";
import { serializeEvent } from "../../src/event/serialize.js";
import { tempDir } from "../helpers/cli.js";

const T0 = Date.parse("2026-11-20T22:00:00Z");

async function ids(options: QueryCase): Promise<string[]> {
  const out: string[] = [];
  for await (const { event } of query(...split(options))) out.push(event.id);
  return out;
}

function store(t: { after(fn: () => void): void }): { dir: string; e: (input: Partial<TraceEvent> & { minutes: number }) => TraceEvent } {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const w = openWriter({ dir });
  t.after(() => w.close());
  return {
    dir,
    e: ({ minutes, ...rest }) =>
      w.emit({ primitive: "ops", event_type: "tick", ...rest, timestamp: T0 + minutes * 60_000 } as never),
  };
}

test("every filter round-trips from emit to query", async (t) => {
  const { dir, e } = store(t);
  const a = e({ minutes: 0, agent_id: "haiku-1", target_id: "task-1" });
  const b = e({ minutes: 1, agent_id: "haiku-2", target_id: "task-2", primitive: "bridge", event_type: "send" });
  const c = e({ minutes: 2, agent_id: "haiku-1", target_id: "payments", primitive: "bridge", event_type: "send" });
  const d = e({ minutes: 180, agent_id: "zealot-1", target_id: "payments", primitive: "memory", event_type: "add_entry" });
  const now = T0 + 200 * 60_000;
  assert.deepEqual(await ids({ dir }), [a.id, b.id, c.id, d.id]);
  assert.deepEqual(await ids({ dir, filter: { agent: "haiku-1" } }), [a.id, c.id]);
  assert.deepEqual(await ids({ dir, filter: { task: "task-2" } }), [b.id]);
  assert.deepEqual(await ids({ dir, filter: { channel: "payments" } }), [c.id]);
  assert.deepEqual(await ids({ dir, filter: { primitive: "bridge" } }), [b.id, c.id]);
  assert.deepEqual(await ids({ dir, since: "1h ago", now }), [d.id]);
  assert.deepEqual(await ids({ dir, until: "2026-11-20T22:01:30Z", now }), [a.id, b.id]);
  assert.deepEqual(await ids({ dir, since: "2026-11-20T22:01:00Z", until: "2026-11-20T22:02:00Z", now }), [b.id, c.id]);
  assert.deepEqual(await ids({ dir, filter: { agent: "haiku-1", primitive: "bridge" } }), [c.id]);
  assert.deepEqual(await ids({ dir, limit: 2 }), [c.id, d.id]);
  assert.deepEqual(await ids({ dir, reverse: true }), [d.id, c.id, b.id, a.id]);
  assert.deepEqual(await ids({ dir, limit: 2, reverse: true }), [d.id, c.id]);
  assert.deepEqual(await ids({ dir, filter: { agent: "nobody" } }), []);
});

test("a target's timeline holds its events and everything they caused, across days", async (t) => {
  const { dir, e } = store(t);
  const create = e({ minutes: 0, agent_id: "zealot-1", target_id: "task-1" });
  const claim = e({ minutes: 30, agent_id: "haiku-1", target_id: "task-sub", parent_event_id: create.id });
  const post = e({ minutes: 150, agent_id: "haiku-1", target_id: "payments", primitive: "bridge", event_type: "send", parent_event_id: claim.id });
  e({ minutes: 151, agent_id: "haiku-1", target_id: "payments", primitive: "bridge", event_type: "send" });
  const byAgent = e({ minutes: 152, agent_id: "task-1" });
  assert.deepEqual(await ids({ dir, target: "task-1" }), [create.id, claim.id, post.id, byAgent.id]);
  assert.deepEqual(await ids({ dir, target: "task-1", since: "2026-11-21" }), [post.id, byAgent.id]);
  assert.deepEqual(await ids({ dir, target: "task-1", filter: { agent: "haiku-1" } }), [claim.id, post.id]);
});

test("last wake and when TARGET created resolve against the store", async (t) => {
  const { dir, e } = store(t);
  const firstWake = e({ minutes: 0, agent_id: "zealot-1", primitive: "spawn", event_type: "wake" });
  const old = e({ minutes: 1, agent_id: "zealot-1" });
  const wake = e({ minutes: 60, agent_id: "zealot-1", primitive: "spawn", event_type: "wake" });
  const after = e({ minutes: 61, agent_id: "zealot-1" });
  e({ minutes: 62, agent_id: "haiku-1", target_id: "task-9" });
  const late = e({ minutes: 63, agent_id: "zealot-1" });
  assert.deepEqual(await ids({ dir, filter: { agent: "zealot-1" }, since: "last wake" }), [wake.id, after.id, late.id]);
  assert.deepEqual(await ids({ dir, target: "zealot-1", since: "last wake" }), [wake.id, after.id, late.id], "TARGET stands in for --agent");
  assert.deepEqual(await ids({ dir, filter: { agent: "zealot-1" }, until: "when task-9 created" }), [firstWake.id, old.id, wake.id, after.id]);
  await assert.rejects(ids({ dir, since: "last wake" }), /needs --agent/);
  await assert.rejects(ids({ dir, filter: { agent: "nobody" }, since: "last wake" }), /no wake event of nobody/);
  await assert.rejects(ids({ dir, since: "when task-404 created" }), /no event of task-404/);
});

test("lines longer than a read block (up to 3 MB) read whole, filtered, in timelines and plain alike", async (t) => {
  const { dir, e } = store(t);
  const sizes = [10, 600_000, 10, 1_500_000, 3_000_000, 10, 2_000_000];
  const made = sizes.map((size, i) =>
    e({ minutes: i, agent_id: i % 2 === 0 ? "haiku-1" : "zealot-1", target_id: "task-1", metadata: { pad: "ü".repeat(size / 2) } }),
  );
  const want = (keep: (x: TraceEvent) => boolean): string[] => made.filter(keep).map((x) => x.id);
  for (const plain of [false, true]) {
    assert.deepEqual(await ids({ dir, plain }), want(() => true), `all, plain ${plain}`);
    assert.deepEqual(await ids({ dir, plain, filter: { agent: "zealot-1" } }), want((x) => x.agent_id === "zealot-1"), `agent, plain ${plain}`);
    assert.deepEqual(await ids({ dir, plain, target: "task-1" }), want(() => true), `timeline, plain ${plain}`);
  }
  const lines: string[] = [];
  for await (const { line } of query({ agent: "zealot-1" }, { dir })) lines.push(line);
  assert.equal(lines[1], JSON.stringify(made[3]), "the 1.5 MB line is returned byte for byte");
});
