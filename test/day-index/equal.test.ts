import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { createIdSource } from "../../src/event/id.js";
import { dayOf } from "../../src/store/layout.js";
import { compressDay } from "../../src/retention/compact.js";
import { causality, indexStore, query, type TraceEvent } from "../../src/index.js";
import { openDayIndex } from "../../src/day-index/facade.js";
import { split, type QueryCase } from "../helpers/query.js";
import { tempDir } from "../helpers/cli.js";
import { rng } from "../helpers/rng.js";

const AGENTS = ["haiku-1", "haiku-2", "zealot-1", "ünïcødé-агент", 'quo"te', "back\\slash", "emoji-🚀", "sage-3"];
const DAY = 86_400_000;

/** Another writer's spelling: spaces, escaped letters (`\u0068aiku-1`), keys reordered. */
function foreignLine(e: TraceEvent, pick: () => number): string {
  const r = pick();
  if (r < 0.33) return JSON.stringify(e).replace(/":/g, '": ').replace(/,"/g, ', "');
  if (r < 0.66) return JSON.stringify(e).replace(/[a-z]/g, (c) => (pick() < 0.3 ? `\\u00${c.charCodeAt(0).toString(16)}` : c));
  const { metadata, ...rest } = e;
  return JSON.stringify({ metadata, ...Object.fromEntries(Object.entries(rest).reverse()) });
}

/**
 * A store of five sealed days and today: agents that work in shifts, tasks that live an
 * hour or two with chains of causes (some reaching into later days), foreign spellings,
 * bad lines, CRLF, bytes that are not UTF-8.
 */
function randomStore(dir: string, seed: number): { ids: string[]; tasks: string[] } {
  const pick = rng(seed);
  const nextId = createIdSource();
  const choose = <T>(xs: readonly T[]): T => xs[Math.floor(pick() * xs.length)]!;
  const today = dayOf(Date.now());
  const start = Date.parse(`${today}T00:00:00Z`) - 5 * DAY;
  const ids: string[] = [];
  const tasks: string[] = [];
  const byTask = new Map<string, string[]>();
  mkdirSync(dir, { recursive: true });
  let clock = start;
  for (let i = 0; clock < start + 5 * DAY + 3_600_000; i++) {
    clock += Math.floor(pick() * 150_000);
    const hour = Math.floor((clock - start) / 3_600_000);
    // A task every few minutes; an agent's shift is a few hours.
    const task = `task-${Math.floor((clock - start) / 400_000)}`;
    if (!byTask.has(task)) (byTask.set(task, []), tasks.push(task));
    const chain = byTask.get(task)!;
    const older = pick() < 0.03 && ids.length > 0 ? choose(ids) : undefined;
    const e: TraceEvent = {
      id: nextId(),
      timestamp: clock - Math.floor(pick() * 5_000),
      primitive: choose(["ops", "bridge", "memory", "spawn", "tool"]),
      event_type: choose(["send", "claim_task", "wake", "complete"]),
      agent_id: pick() < 0.1 ? null : AGENTS[(Math.floor(hour / 3) + Math.floor(pick() * 2)) % AGENTS.length]!,
      target_id: pick() < 0.1 ? null : pick() < 0.7 ? task : choose(AGENTS),
      parent_event_id: older ?? (chain.length > 0 && pick() < 0.7 ? choose(chain.slice(-5)) : null),
      metadata: { text: "x".repeat(Math.floor(pick() * 200)), n: i },
    };
    ids.push(e.id);
    chain.push(e.id);
    const r = pick();
    const line = r < 0.08 ? foreignLine(e, pick) : JSON.stringify(e);
    const file = join(dir, `${dayOf(e.timestamp)}.ndjson`);
    appendFileSync(file, r > 0.98 ? `${line}\r\n` : `${line}\n`);
    if (pick() < 0.01) appendFileSync(file, choose(['{"id":"torn', "not json", "[]", '{"id":"x","timestamp":"1"}']) + "\n");
    if (pick() < 0.005) appendFileSync(file, Buffer.concat([Buffer.from(JSON.stringify({ ...e, id: nextId(), metadata: { t: "" } }).slice(0, -3)), Buffer.from([0xff, 0xfe]), Buffer.from('"}}\n')]));
  }
  return { ids, tasks };
}

/** The lines a query yields (the bad-line counts of a filtered read depend on which lines its needle made it parse: not compared). */
async function answer(options: QueryCase): Promise<string[]> {
  const out: string[] = [];
  for await (const { line } of query(...split({ ...options, onBad: () => undefined }))) out.push(line);
  return out;
}

/** Every query kind, with the index (always used: `wholeDayShare` 1), without it, and by the plain reader. */
async function compareAll(dir: string, ids: string[], tasks: string[], label: string): Promise<{ matched: number; missing: Set<string>; notes: Set<string> }> {
  const missing = new Set<string>();
  const notes = new Set<string>();
  const use = { wholeDayShare: 1, onMissing: (f: { day: string }) => void missing.add(f.day), onNote: (m: string) => void notes.add(m) };
  const pick = rng(ids.length);
  const some = <T>(xs: readonly T[], n: number): T[] => Array.from({ length: n }, () => xs[Math.floor(pick() * xs.length)]!);
  const now = Date.now();
  const cases: QueryCase[] = [
    ...AGENTS.map((agent) => ({ dir, filter: { agent } })),
    ...some(tasks, 6).map((task) => ({ dir, filter: { task } })),
    ...some(tasks, 6).map((target) => ({ dir, target })),
    ...AGENTS.slice(0, 3).map((target) => ({ dir, target })),
    ...some(ids, 4).map((id) => ({ dir, filter: { id } })),
    { dir, filter: { primitive: "tool" } },
    { dir, filter: { channel: tasks[3]! } },
    { dir, filter: { agent: "haiku-1", primitive: "ops" } },
    { dir, filter: { agent: "haiku-2" }, since: "3 days ago", now },
    { dir, target: tasks[10]!, since: "4 days ago", until: "2 days ago", now },
    { dir, filter: { agent: "zealot-1" }, since: "last wake", now },
    { dir, filter: { agent: "sage-3" }, since: `when ${tasks[20]!} created`, now },
  ];
  let answered = 0;
  for (const c of cases) {
    const what = `${label}: ${JSON.stringify({ ...c, dir: undefined })}`;
    const failed = (e: Error): string[] => [`error ${e.message}`];
    const indexed = await answer({ ...c, index: use }).catch(failed);
    const scanned = await answer({ ...c, index: false }).catch(failed);
    assert.deepEqual(indexed, scanned, what);
    if (label.endsWith("fresh")) assert.deepEqual(scanned, await answer({ ...c, index: false, plain: true }).catch(failed), what);
    if (indexed.length > 0 && !indexed[0]!.startsWith("error")) answered++;
  }
  for (const asked of [...some(ids, 4), ...some(ids, 2).map((id) => id.slice(-10)), ...some(tasks, 3), "haiku-2"]) {
    const indexed = JSON.stringify(await causality({ causality: asked }, { dir, index: use, onBad: () => undefined }).catch((e: Error) => e.message));
    const scanned = JSON.stringify(await causality({ causality: asked }, { dir, index: false, onBad: () => undefined }).catch((e: Error) => e.message));
    assert.equal(indexed, scanned, `${label}: --causality ${asked}`);
  }
  return { matched: answered / cases.length, missing, notes };
}

test("every query kind answers the same with the indexes, without them and by the plain reader", async (t) => {
  const { dir, cleanup } = tempDir();
  if (process.env.KEEP) console.log(dir);
  else t.after(cleanup);
  for (const seed of [1, 2]) {
    const store = join(dir, String(seed));
    const { ids, tasks } = randomStore(store, seed);
    const days = readdirSync(store).filter((n) => n.endsWith(".ndjson")).sort();
    // Day 2 compressed by compaction (gzip members of 64 KiB), day 3 by another tool (one member).
    await compressDay(join(store, days[1]!));
    writeFileSync(join(store, `${days[2]}.gz`), gzipSync(readFileSync(join(store, days[2]!))));
    unlinkSync(join(store, days[2]!));
    const built = await indexStore(store, { openMinBytes: 1 });
    assert.equal(built.days.filter((d) => d.state === "built").length, 6, "the five sealed days are indexed, and today's lines so far");
    assert.ok(statSync(join(store, days[0]!)).size > 100_000, "days of several blocks");
    const fresh = await compareAll(store, ids, tasks, `seed ${seed}, fresh`);
    assert.ok(fresh.matched > 0.8, "most cases matched something");
    assert.deepEqual([...fresh.missing], [], "every sealed day was read through its index");
    // Today grows after its index: the index speaks for its start, the rest is read; a torn last line is not indexed.
    const todayFile = { day: days[5]!.slice(0, 10), path: join(store, days[5]!), gz: false };
    const coveredOf = (): number | undefined => {
      const index = openDayIndex(todayFile);
      index?.close();
      return index?.covered;
    };
    const covered = coveredOf();
    assert.equal(covered, statSync(todayFile.path).size, "today's index covers its lines so far");
    const pick = rng(seed + 100);
    const nextId = createIdSource();
    const grown: string[] = [];
    for (let k = 0; k < 400; k++) {
      const id = nextId();
      const parent = pick() < 0.5 ? ids[Math.floor(pick() * ids.length)]! : grown.length > 0 && pick() < 0.5 ? grown[grown.length - 1]! : null;
      const e = { id, timestamp: Date.parse(`${todayFile.day}T00:30:00Z`) + k * 1000, primitive: "tool", event_type: "call", agent_id: AGENTS[k % AGENTS.length]!, target_id: tasks[Math.floor(pick() * tasks.length)]!, parent_event_id: parent, metadata: { k } };
      appendFileSync(todayFile.path, JSON.stringify(e) + "\n");
      grown.push(id);
    }
    assert.equal(coveredOf(), covered, "an append keeps today's index");
    await compareAll(store, [...ids, ...grown], tasks, `seed ${seed}, today grown`);
    appendFileSync(todayFile.path, '{"id":"torn');
    const again = await indexStore(store, { openMinBytes: 1 });
    assert.equal(again.days.find((d) => d.file === todayFile.path)?.state, "built");
    const whole = coveredOf()!;
    assert.equal(whole, statSync(todayFile.path).size - '{"id":"torn'.length, "whole lines only");
    // Today rewritten rather than grown (a byte changed in the last lines the index saw): the index is not used.
    const bytes = readFileSync(todayFile.path);
    bytes[whole - 10] = bytes[whole - 10] === 0x30 ? 0x31 : 0x30;
    writeFileSync(todayFile.path, bytes);
    assert.equal(coveredOf(), undefined, "a rewritten day's index is not fresh");
    ids.push(...grown);
    // A late event makes day 1's index stale; day 2's index has bytes flipped in its tables (the parts a query reads are checked), day 4's a damaged header, day 5's is truncated.
    const late = { id: "01a00000-0000-7000-8000-00000000late", timestamp: Date.parse(`${days[0]!.slice(0, 10)}T23:59:59Z`), primitive: "ops", event_type: "late", agent_id: "haiku-1", target_id: tasks[0]!, parent_event_id: ids[0]!, metadata: {} };
    appendFileSync(join(store, days[0]!), JSON.stringify(late) + "\n");
    const damage = (day: string, change: (bytes: Buffer) => Buffer): void => {
      const path = join(store, ".index", `${day}.idx`);
      writeFileSync(path, change(readFileSync(path)));
    };
    damage(`${days[1]}.gz`, (bytes) => {
      for (let k = 0; k < 40; k++) {
        const at = Math.floor(bytes.length * 0.2 + k * 331) % bytes.length;
        bytes[at] = bytes[at]! ^ 0x5a;
      }
      return bytes;
    });
    damage(`${days[3]}`, (bytes) => Buffer.concat([bytes.subarray(0, 14), Buffer.from("garbage"), bytes.subarray(21)]));
    damage(`${days[4]}`, (bytes) => bytes.subarray(0, 3000));
    const broken = await compareAll(store, [...ids, late.id], tasks, `seed ${seed}, stale and damaged`);
    for (const k of [0, 3, 4]) assert.ok(broken.missing.has(days[k]!.slice(0, 10)), `day ${k + 1}'s index was not used`);
    for (const [k, why] of [[3, "damaged header"], [4, "truncated"]] as const) assert.ok([...broken.notes].some((m) => m.includes(`${days[k]}.idx: ${why}`)), [...broken.notes].join("\n"));
  }
});
