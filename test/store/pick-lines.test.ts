import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createIdSource } from "../../src/event/id.js";
import { dayOf } from "../../src/store/layout.js";
import { indexStore, type TraceEvent } from "../../src/index.js";
import { openDayIndex } from "../../src/day-index/facade.js";
import { queryLines, type QueryCase } from "../helpers/query.js";
import { tempDir, trace } from "../helpers/cli.js";
import { rng } from "../helpers/rng.js";

const DAY = 86_400_000;
const byteLength = (path: string): number => statSync(path).size;
const AGENTS = ["a-1", "a-2", "a-3", "ünï-4", 'q"5'];
const PRIMITIVES = ["ops", "bridge", "tool", "spawn"];
const SPARSE = "s-6";

/** A line as another writer spells it now and then: spaces after colons, an escaped letter, CRLF. */
function spelled(e: TraceEvent, r: number): string {
  const json = JSON.stringify(e);
  if (r < 0.05) return json.replace(/":/g, '": ');
  if (r < 0.1) return json.replace(`"agent_id":"a-`, `"agent_id":"\\u0061-`);
  return r < 0.12 ? `${json}\r` : json;
}

/**
 * Three sealed days and today, every agent and primitive on every page (each day's
 * postings list them), `s-6` on most pages but far apart (its lines are read one by
 * one), a line of it longer than a read buffer on the third day, a sealed day whose
 * last line has no newline; today grows after its index.
 */
function commonStore(dir: string): { today: string; days: string[] } {
  const pick = rng(11);
  const nextId = createIdSource();
  const today = dayOf(Date.now());
  const days = [3, 2, 1].map((k) => dayOf(Date.parse(`${today}T12:00:00Z`) - k * DAY));
  mkdirSync(dir, { recursive: true });
  const event = (day: string, i: number, long: boolean): TraceEvent => ({
    id: nextId(),
    timestamp: Date.parse(`${day}T00:00:00Z`) + i * 20_000,
    primitive: PRIMITIVES[Math.floor(pick() * PRIMITIVES.length)]!,
    event_type: "step",
    agent_id: i % 40 === 20 ? SPARSE : AGENTS[Math.floor(pick() * AGENTS.length)]!,
    target_id: pick() < 0.3 ? AGENTS[Math.floor(pick() * AGENTS.length)]! : `task-${Math.floor(i / 40)}`,
    parent_event_id: null,
    metadata: { text: "z".repeat(Math.floor(pick() * 300)), ...(long && i === 500 ? { long: "L".repeat(1_200_000) } : {}) },
  });
  for (const [k, day] of [...days, today].entries()) {
    const lines = Array.from({ length: 3000 }, (_, i) => spelled(event(day, i, k === 2), pick()));
    writeFileSync(join(dir, `${day}.ndjson`), lines.join("\n") + (k === 1 ? "" : "\n"));
  }
  return { today, days };
}

test("a value on every page is read from its lines alone, with answers the whole read's", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const { today, days } = commonStore(dir);
  await indexStore(dir, { openMinBytes: 1 });
  // The postings name exactly the lines of each common value.
  for (const day of days) {
    const path = join(dir, `${day}.ndjson`);
    const index = openDayIndex({ day, path, gz: false });
    assert.ok(index, `${day} is indexed`);
    const text = readFileSync(path, "utf8");
    const starts = [0];
    for (let at = text.indexOf("\n"); at !== -1 && at + 1 < text.length; at = text.indexOf("\n", at + 1)) starts.push(Buffer.byteLength(text.slice(0, at + 1)));
    const byteText = Buffer.from(text);
    const size = byteLength(path);
    assert.ok(size / index.lineStarts("agent_id", SPARSE)!.length > 8192 && size / index.lineStarts("agent_id", "a-1")!.length < 8192, "lines far apart and close together");
    for (const agent of [...AGENTS, SPARSE]) {
      const listed: number[] = [...(index.lineStarts("agent_id", agent) ?? [])];
      const want = starts.filter((s) => {
        const end = byteText.indexOf(10, s);
        return (JSON.parse(byteText.toString("utf8", s, end === -1 ? byteText.length : end)) as TraceEvent).agent_id === agent;
      });
      assert.deepEqual(listed, want, `${day}: ${agent}'s lines`);
    }
    assert.equal(index.lineStarts("target_id", "task-3"), undefined, "a task on a page or two has no postings");
    index.close();
  }
  // Today grows past what its index covers: those lines are searched whole.
  const more = Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: `01b00000-0000-7000-8000-${i.toString(16).padStart(12, "0")}`, timestamp: Date.parse(`${today}T23:00:00Z`) + i, primitive: "ops", event_type: "late", agent_id: AGENTS[i % AGENTS.length], target_id: null, parent_event_id: null, metadata: {} }));
  appendFileSync(join(dir, `${today}.ndjson`), more.join("\n") + "\n");
  const cases: QueryCase[] = [
    ...[...AGENTS, SPARSE].map((agent) => ({ dir, filter: { agent } })),
    { dir, filter: { primitive: "tool" } },
    { dir, filter: { agent: "a-2", primitive: "bridge" } },
    { dir, target: "a-3" },
    { dir, filter: { channel: "a-1" } },
    { dir, filter: { agent: "a-1" }, since: `${days[1]}T06:00:00Z`, until: `${days[2]}T01:00:00Z` },
  ];
  for (const c of cases) {
    const what = JSON.stringify({ ...c, dir: undefined });
    const whole = await queryLines({ ...c, index: false });
    assert.ok(whole.length > 0, `${what} finds lines`);
    for (const readAhead of [0, Infinity]) assert.deepEqual(await queryLines({ ...c, index: { wholeDayShare: 0 }, readAhead }), whole, `${what}, read ahead ${readAhead}`);
    assert.deepEqual(await queryLines({ ...c, index: false, plain: true }), whole, `${what}, plain`);
  }
  const cli = await trace(["--agent", 'q"5', "--json", "--dir", dir]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.deepEqual(cli.stdout.trimEnd().split("\n"), await queryLines({ dir, filter: { agent: 'q"5' }, index: false }));
});

test("damaged postings are told and the day is read whole", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const { days } = commonStore(dir);
  await indexStore(dir);
  const path = join(dir, ".index", `${days[0]}.ndjson.idx`);
  const bytes = readFileSync(path);
  // The postings are the index's last part: a byte near its end is in the last list.
  bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0x41;
  writeFileSync(path, bytes);
  const index = openDayIndex({ day: days[0]!, path: join(dir, `${days[0]}.ndjson`), gz: false })!;
  const broken = POSSIBLE.find(([field, value]) => {
    try {
      index.lineStarts(field, value);
      return false;
    } catch {
      return true;
    }
  });
  index.close();
  assert.ok(broken, "a list fails its checksum");
  const [field, value] = broken;
  const c: QueryCase = field === "agent_id" ? { dir, filter: { agent: value } } : field === "primitive" ? { dir, filter: { primitive: value } } : { dir, target: value };
  const notes: string[] = [];
  assert.deepEqual(await queryLines({ ...c, index: { wholeDayShare: 0, onNote: (m) => void notes.push(m) } }), await queryLines({ ...c, index: false }));
  assert.deepEqual(notes, [`${path}: postings: checksum mismatch; ignored (trace index rebuilds it)`]);
});

const POSSIBLE = (["agent_id", "target_id", "primitive"] as const).flatMap((field) => [...AGENTS, ...PRIMITIVES].map((v) => [field, v] as const));
