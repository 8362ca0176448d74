import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { importSources, query } from "../../src/index.js";
import type { Filter } from "../../src/query/filter.js";
import { tempDir } from "../helpers/cli.js";
import { rng } from "../helpers/rng.js";
import { database, noSqlite, row, type Db } from "../helpers/space.js";

// The filters pushed into SQL read a superset of the rows; the query tests each event.
// The oracle: the same events imported into day files, queried there without sources.
process.env.TRACE_SPACE_TZ = "UTC";

const DAY0 = Date.parse("2025-10-21T00:00:00Z");
const HOUR = 3_600_000;
/** A time over three days, spelt as space-os spells it: isoformat (T), a space, a UTC default (`…Z` never), or an offset. */
function spelt(ms: number, pick: number): string {
  const iso = new Date(ms).toISOString();
  if (pick < 0.5) return iso.replace("Z", "000");
  if (pick < 0.8) return iso.slice(0, 19).replace("T", " ");
  if (pick < 0.95) return iso.slice(0, 23);
  return new Date(ms + 2 * HOUR).toISOString().slice(0, 19) + "+02:00";
}

const AGENTS = [["u-z", "zealot-1"], ["u-h1", "haiku-1"], ["u-h2", "haiku-2"], ["u-o", "operator"]] as const;
const CHANNELS = [["c-p", "payments"], ["c-o", "ops"]] as const;

/** A unified space.db: spawn trees, messages while running, tasks, memories, knowledge, a bad time. */
function fillCurrent(db: Db, random: () => number): void {
  const t = (): number => DAY0 + Math.floor(random() * 72 * HOUR);
  const text = (ms: number): string => spelt(ms, random());
  const agent = (): string => (random() < 0.1 ? "u-ghost" : AGENTS[Math.floor(random() * AGENTS.length)]![0]);
  for (const [id, name] of AGENTS) row(db, "INSERT INTO agents (agent_id, identity, created_at) VALUES (?, ?, ?)", id, name, text(DAY0));
  for (const [id, name] of CHANNELS) row(db, "INSERT INTO channels (channel_id, name, created_at, archived_at) VALUES (?, ?, ?, ?)", id, name, text(t()), random() < 0.5 ? text(t()) : null);
  const spawns: { id: string; ms: number }[] = [];
  for (let i = 0; i < 40; i++) {
    const ms = t();
    const parent = spawns.filter((s) => s.ms < ms)[Math.floor(random() * spawns.length)];
    row(db, "INSERT INTO spawns (id, agent_id, parent_spawn_id, session_id, status, created_at, ended_at) VALUES (?, ?, ?, ?, 'done', ?, ?)", `s${i}`, agent(), random() < 0.6 ? parent?.id ?? null : null, `sess-${i}`, text(ms), random() < 0.7 ? text(ms + HOUR) : null);
    spawns.push({ id: `s${i}`, ms });
  }
  // An agent that only spawns: in its ancestors' timelines through the spawn tree alone.
  row(db, "INSERT INTO agents (agent_id, identity, created_at) VALUES ('u-q', 'quiet-1', ?)", text(DAY0));
  for (const [id, parent] of [["s-q1", "s0"], ["s-q2", "s-q1"], ["s-q3", "s7"]]) row(db, "INSERT INTO spawns (id, agent_id, parent_spawn_id, status, created_at) VALUES (?, 'u-q', ?, 'done', ?)", id, parent, text(DAY0 + 71 * HOUR));
  // A sub-channel whose timer a message set: both causes come from the rows they name.
  row(db, "INSERT INTO channels (channel_id, name, parent_channel_id, created_at, timer_expires_at, timer_set_by_message_id) VALUES ('c-sub', 'payments-eu', 'c-p', ?, ?, 'm5')", text(t()), text(DAY0 + 80 * HOUR));
  for (let i = 0; i < 150; i++) {
    const channel = random() < 0.1 ? "c-gone" : CHANNELS[Math.floor(random() * CHANNELS.length)]![0];
    row(db, "INSERT INTO messages (message_id, channel_id, agent_id, content, created_at) VALUES (?, ?, ?, ?, ?)", `m${i}`, channel, agent(), `message ${i} about task-${i % 7}`, i === 77 ? "yesterday-ish" : text(t()));
  }
  for (let i = 0; i < 30; i++) {
    const ms = t();
    const state = random();
    row(db, "INSERT INTO tasks (task_id, creator_id, agent_id, content, status, created_at, started_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", `task-${i}`, agent(), state < 0.3 ? null : agent(), `task ${i}`, state < 0.6 ? "open" : "done", text(ms), state < 0.3 ? null : text(ms + HOUR), state < 0.6 ? null : text(ms + 2 * HOUR));
  }
  for (let i = 0; i < 20; i++) row(db, "INSERT INTO memories (memory_id, agent_id, topic, message, created_at, archived_at) VALUES (?, ?, 'payments', ?, ?, ?)", `mem-${i}`, agent(), `note ${i}`, text(t()), random() < 0.3 ? text(t()) : null);
  for (let i = 0; i < 20; i++) row(db, "INSERT INTO knowledge (knowledge_id, agent_id, domain, content, created_at, archived_at) VALUES (?, ?, 'architecture', ?, ?, ?)", `k-${i}`, agent(), `fact ${i}`, text(t()), random() < 0.3 ? text(t()) : null);
}

/** The per-primitive files of 2025-10-22: spawn tasks, identity wakes, messages, superseding memories. */
function fillLegacy(space: string, random: () => number): void {
  const t = (): number => DAY0 + Math.floor(random() * 72 * HOUR);
  const utc = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace("T", " ");
  const agent = (): string => (random() < 0.1 ? "u-ghost" : AGENTS[Math.floor(random() * AGENTS.length)]![0]);
  const name = (id: string): string => AGENTS.find(([a]) => a === id)?.[1] ?? id;
  database(join(space, "spawn.db"), "layout-2025-10-22/spawn.sql", (db) => {
    for (const [id, n] of AGENTS) row(db, "INSERT INTO agents (id, name) VALUES (?, ?)", id, n);
    for (let i = 0; i < 30; i++) {
      const ms = t();
      row(db, "INSERT INTO tasks (uuid7, identity, channel, input, created_at, completed_at) VALUES (?, ?, 'payments', ?, ?, ?)", `spawn-${i}`, name(agent()), `do ${i}`, utc(ms), random() < 0.7 ? utc(ms + HOUR) : null);
    }
  });
  database(join(space, "events.db"), "layout-2025-10-22/events.sql", (db) => {
    for (let i = 0; i < 60; i++) {
      const type = ["wake", "sleep", "agent.create", "entry.write"][i % 4]!;
      row(db, "INSERT INTO events (id, source, agent_id, event_type, data, timestamp) VALUES (?, ?, ?, ?, ?, ?)", `e${i}`, i % 4 < 2 ? "identity" : "cli", agent(), type, i % 3 === 0 ? '{"n":1}' : "free text", Math.floor(t() / 1000));
    }
  });
  database(join(space, "bridge.db"), "layout-2025-10-22/bridge.sql", (db) => {
    for (const [id, n] of CHANNELS) row(db, "INSERT INTO channels (id, name, created_at) VALUES (?, ?, ?)", id, n, utc(t()));
    for (let i = 0; i < 120; i++) row(db, "INSERT INTO messages (id, channel_id, agent_id, content, created_at) VALUES (?, ?, ?, ?, ?)", `m${i}`, random() < 0.1 ? "c-gone" : CHANNELS[i % 2]![0], agent(), `message ${i}`, utc(t()));
    for (let i = 0; i < 20; i++) row(db, "INSERT INTO notes (note_id, channel_id, agent_id, content, created_at) VALUES (?, ?, ?, ?, ?)", `n${i}`, CHANNELS[i % 2]![0], agent(), `note ${i}`, utc(t()));
  });
  database(join(space, "memory.db"), "layout-2025-10-22/memory.sql", (db) => {
    for (let i = 0; i < 25; i++) {
      row(db, "INSERT INTO memories (memory_id, agent_id, topic, message, timestamp, created_at, archived_at, supersedes) VALUES (?, ?, 'payments', ?, 'x', ?, ?, ?)", `mem-${i}`, agent(), `note ${i}`, Math.floor(t() / 1000), random() < 0.3 ? Math.floor(t() / 1000) : null, i > 0 && random() < 0.4 ? `mem-${Math.floor(random() * i)}` : null);
      if (i > 1 && random() < 0.4) row(db, "INSERT INTO memory_links (link_id, memory_id, parent_id, kind, created_at) VALUES (?, ?, ?, 'derived', 0)", `l${i}`, `mem-${i}`, `mem-${i - 2}`);
    }
  });
  database(join(space, "knowledge.db"), "layout-2025-10-22/knowledge.sql", (db) => {
    for (let i = 0; i < 15; i++) row(db, "INSERT INTO knowledge (knowledge_id, domain, agent_id, content, created_at, archived_at) VALUES (?, 'architecture', ?, ?, ?, ?)", `k-${i}`, agent(), `fact ${i}`, utc(t()), random() < 0.3 ? Math.floor(t() / 1000) : null);
  });
}

/** Query kinds whose answers must not depend on what SQL was asked. */
function cases(names: readonly string[]): { target?: string; filter?: Omit<Filter, "grep"> }[] {
  const times = [DAY0 - HOUR, DAY0 + 13 * HOUR, DAY0 + 30 * HOUR + 123, DAY0 + 47 * HOUR, DAY0 + 71 * HOUR, DAY0 + 80 * HOUR];
  const out: { target?: string; filter?: Omit<Filter, "grep"> }[] = [{}];
  for (const n of names) out.push({ target: n }, { filter: { agent: n } }, { target: n, filter: { since: times[2] } });
  for (const p of ["spawn", "bridge", "ops", "memory", "knowledge", "cli"]) out.push({ filter: { primitive: p } });
  for (const c of ["payments", "payments-eu", "ops", "c-gone"]) out.push({ filter: { channel: c } }, { target: c });
  for (const [i, since] of times.entries()) {
    out.push({ filter: { since } }, { filter: { until: since } });
    // An --until before --since is a usage error: the ranges that wrap are left out.
    const until = times[(i + 2) % times.length]!;
    if (until >= since) out.push({ filter: { since, until }, target: undefined }, { filter: { agent: "zealot-1", since, until } });
    out.push({ filter: { channel: "payments", since } });
  }
  return out;
}

for (const layout of ["unified", "per-primitive"] as const) {
  test(`a ${layout} workspace answers every query kind as its events in day files do`, { skip: noSqlite }, async (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const space = join(dir, ".space");
    const store = join(space, "trace");
    mkdirSync(store, { recursive: true });
    if (layout === "unified") database(join(space, "space.db"), "layout-current/001_foundation.sql", (db) => fillCurrent(db, rng(17)));
    else fillLegacy(space, rng(23));
    const imported = join(dir, "imported");
    const { imported: added } = await importSources({ dir: imported, sources: { space } });
    assert.ok(added > 300, `${added} events imported`);
    const names = ["quiet-1", "zealot-1", "haiku-1", "haiku-2", "operator", "u-ghost", "task-3", "task-11", "mem-4", "mem-0", "k-2", "spawn-5", "spawn-12", "nobody"];
    const lines = async (dirOf: string, sources: { off?: boolean }, c: { target?: string; filter?: Omit<Filter, "grep"> }): Promise<string[]> => {
      const out: string[] = [];
      for await (const { line } of query({ target: c.target, ...c.filter }, { dir: dirOf, sources })) out.push(line);
      return out;
    };
    if (layout === "unified") {
      const all = (await lines(store, {}, {})).map((l) => JSON.parse(l) as { id: string; event_type: string; target_id: string; parent_event_id: string | null; metadata: Record<string, unknown> });
      const timer = all.find((e) => e.event_type === "set_timer")!;
      assert.equal(timer.parent_event_id, all.find((e) => e.metadata.message_id === "m5" && e.event_type === "send")!.id, "the message that set the timer");
      const sub = all.find((e) => e.event_type === "create_channel" && e.target_id === "payments-eu")!;
      assert.equal(sub.parent_event_id, all.find((e) => e.event_type === "create_channel" && e.target_id === "payments")!.id, "the parent channel's creation");
    }
    let compared = 0;
    for (const c of cases(names)) {
      const fromSql = await lines(store, {}, c);
      const fromFiles = await lines(imported, { off: true }, c);
      assert.deepEqual(fromSql, fromFiles, JSON.stringify(c));
      compared += fromSql.length;
    }
    assert.ok(compared > 2000, `${compared} events compared`);
  });
}
