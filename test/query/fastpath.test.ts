import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { createIdSource } from "../../src/event/id.js";
import { dayOf } from "../../src/store/layout.js";
import { query, type TraceEvent } from "../../src/index.js";
import { queryText, split, type QueryCase } from "../helpers/query.js";
import { tempDir } from "../helpers/cli.js";
import { rng } from "../helpers/rng.js";

const NAMES = ["haiku-1", "zealot-1", "ünïcødé-агент", 'quo"te', "back\\slash", "tab\there", "slash/y", "emoji-🚀", "task-1", "payments"];

/** Another writer's spelling of the same event: spaces, escaped letters, keys reordered. */
function foreignLine(e: TraceEvent, pick: () => number): string {
  const r = pick();
  if (r < 0.33) return JSON.stringify(e, null, 0).replace(/":/g, '": ').replace(/,"/g, ', "');
  if (r < 0.66) return JSON.stringify(e).replace(/[a-z]/g, (c) => (pick() < 0.2 ? `\\u00${c.charCodeAt(0).toString(16)}` : c)).replace(/\//g, "\\/");
  const { metadata, ...rest } = e;
  return JSON.stringify({ metadata, ...Object.fromEntries(Object.entries(rest).reverse()) });
}

/** A random store: out-of-order lines within the reorder window, bad lines, foreign spellings. */
function randomStore(dir: string, seed: number): void {
  const pick = rng(seed);
  const nextId = createIdSource();
  const choose = <T>(xs: readonly T[]): T => xs[Math.floor(pick() * xs.length)]!;
  const ids: string[] = [];
  let clock = Date.parse("2026-11-19T20:00:00Z");
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < 1500; i++) {
    clock += Math.floor(pick() * 400_000);
    const timestamp = clock - Math.floor(pick() * 9_000);
    const e: TraceEvent = {
      id: nextId(),
      timestamp,
      primitive: choose(["ops", "bridge", "memory", "spawn"]),
      event_type: choose(["send", "claim_task", "wake"]),
      agent_id: pick() < 0.1 ? null : choose(NAMES),
      target_id: pick() < 0.1 ? null : choose(NAMES),
      parent_event_id: ids.length > 0 && pick() < 0.5 ? choose(ids.slice(-50)) : null,
      metadata: { text: choose(NAMES), n: i },
    };
    ids.push(e.id);
    const line = pick() < 0.2 ? foreignLine(e, pick) : JSON.stringify(e);
    const file = join(dir, `${dayOf(timestamp)}.ndjson`);
    appendFileSync(file, line + "\n");
    if (pick() < 0.02) appendFileSync(file, choose(['{"id":"torn', "not json", "[]", '{"id":"x","timestamp":"1"}', " "]) + "\n");
  }
}

async function run(options: QueryCase): Promise<string[]> {
  const out: string[] = [];
  for await (const { line, event } of query(...split({ ...options, onBad: () => undefined }))) out.push(line, JSON.stringify(event));
  return out;
}

test("the fast path answers exactly as the plain split2 + JSON.parse path", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  for (const seed of [1, 2, 3]) {
    const store = join(dir, String(seed));
    randomStore(store, seed);
    const now = Date.parse("2026-11-25T00:00:00Z");
    const cases: QueryCase[] = [
      { dir: store },
      ...NAMES.map((agent) => ({ dir: store, filter: { agent } })),
      ...NAMES.map((task) => ({ dir: store, filter: { task } })),
      ...NAMES.map((channel) => ({ dir: store, filter: { channel } })),
      ...NAMES.map((target) => ({ dir: store, target })),
      { dir: store, filter: { primitive: "bridge" } },
      { dir: store, since: "2026-11-21 06:00", utc: true, now },
      { dir: store, since: "2026-11-20 12:00", until: "2026-11-22 03:00", utc: true, now, filter: { agent: "haiku-1" } },
      { dir: store, target: "task-1", since: "2026-11-21", utc: true, now },
    ];
    let answered = 0;
    for (const c of cases) {
      const fast = await run(c);
      if (fast.length > 0) answered++;
      const plain = await run({ ...c, plain: true });
      assert.deepEqual(fast, plain, `seed ${seed}: ${JSON.stringify({ ...c, dir: undefined })}`);
    }
    assert.equal(answered, cases.length, "every case matched something, so the comparison says something");
  }
});

/**
 * A dense store: day files of several read blocks, a third of the lines out of order
 * within the reorder window, a fifth on the millisecond of the line before, a few far
 * out of order, stretches of foreign spellings, bad lines.
 */
function denseStore(dir: string, seed: number): void {
  const pick = rng(seed);
  const nextId = createIdSource();
  const choose = <T>(xs: readonly T[]): T => xs[Math.floor(pick() * xs.length)]!;
  const days = new Map<string, string[]>();
  let clock = Date.parse("2026-11-19T23:40:00Z");
  for (let i = 0; i < 12_000; i++) {
    clock += pick() < 0.2 ? 0 : Math.floor(pick() * 1000);
    const r = pick();
    const e: TraceEvent = {
      id: nextId(),
      timestamp: r < 0.3 ? clock - Math.floor(pick() * 9_000) : r < 0.303 ? clock - 60_000 : clock,
      primitive: pick() < 0.6 ? "bridge" : choose(["ops", "memory"]),
      event_type: "send",
      agent_id: pick() < 0.4 ? "haiku-1" : choose(NAMES),
      target_id: choose(NAMES),
      parent_event_id: null,
      metadata: { text: choose(NAMES), pad: "x".repeat(100 + Math.floor(pick() * 200)) },
    };
    const day = dayOf(e.timestamp);
    if (!days.has(day)) days.set(day, []);
    // Foreign spellings in every third stretch only: blocks without them are decided from bytes alone.
    const foreign = Math.floor(i / 1500) % 3 === 1 && pick() < 0.05;
    days.get(day)!.push(foreign ? foreignLine(e, pick) : JSON.stringify(e));
    if (pick() < 0.005) days.get(day)!.push("not json");
  }
  mkdirSync(dir, { recursive: true });
  for (const [day, lines] of days) writeFileSync(join(dir, `${day}.ndjson`), lines.join("\n") + "\n");
}

test("over day files of many blocks, with ties and lines out of order, events and NDJSON are the plain path's", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  denseStore(dir, 11);
  const now = Date.parse("2026-11-25T00:00:00Z");
  const cases: QueryCase[] = [
    { dir },
    { dir, filter: { agent: "haiku-1" } },
    { dir, filter: { agent: 'quo"te' } },
    { dir, filter: { primitive: "bridge" } },
    { dir, filter: { task: "ünïcødé-агент" } },
    { dir, filter: { agent: "haiku-1" }, since: "2026-11-19 23:50", until: "2026-11-20 00:40", utc: true, now },
    { dir, target: "payments" },
    { dir, filter: { agent: "haiku-1" }, limit: 1500, reverse: true },
  ];
  for (const c of cases) {
    const plain = await run({ ...c, plain: true });
    assert.ok(plain.length > 1000, `${JSON.stringify({ ...c, dir: undefined })} matched enough to say something`);
    assert.deepEqual(await run(c), plain, `events: ${JSON.stringify({ ...c, dir: undefined })}`);
    const lines = plain.filter((_, k) => k % 2 === 0);
    assert.equal(await queryText(c), lines.map((l) => l + "\n").join(""), `NDJSON: ${JSON.stringify({ ...c, dir: undefined })}`);
  }
});
