import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { openBatchWriter } from "../src/index.js";

/** The shape of a generated store. */
export interface StoreSpec {
  dir: string;
  days: number;
  /** Events per day. */
  perDay: number;
  /** The last event's time (the store ends "now"). */
  end: number;
  seed?: number;
}

const PRIMS = [
  ["ops", ["create_task", "claim_task", "complete_task", "block_task"]],
  ["bridge", ["send", "recv"]],
  ["memory", ["add_entry", "load", "memory_recall"]],
  ["spawn", ["wake", "sleep"]],
  ["knowledge", ["add_discovery"]],
  ["tool", ["tool_call_started"]],
] as const;
const WORDS = "api key payment stripe deploy retry blocked config cache schema review merge test build flaky timeout".split(" ");

/**
 * Writes a realistic store with the batch writer: 60 agents, 2,000 tasks, 12 channels,
 * about half the events caused by a recent one, spread evenly over each day.
 */
export function generateStore(spec: StoreSpec): number {
  rmSync(spec.dir, { recursive: true, force: true });
  mkdirSync(spec.dir, { recursive: true });
  let s = spec.seed ?? 42;
  // mulberry32: small, seeded, and good enough to spread agents and tasks evenly.
  const rand = (): number => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const recent: string[] = [];
  const w = openBatchWriter({ dir: spec.dir, maxBytes: 4 << 20 });
  const total = spec.days * spec.perDay;
  const start = spec.end - spec.days * 86_400_000;
  const step = (spec.days * 86_400_000) / total;
  for (let i = 0; i < total; i++) {
    const [primitive, types] = pick(PRIMS);
    const agent = `agent-${Math.floor(rand() * 60)}`;
    const target = primitive === "bridge" ? `chan-${Math.floor(rand() * 12)}` : primitive === "ops" ? `task-${Math.floor(rand() * 2000)}` : `${agent}:note-${i % 97}`;
    const text = Array.from({ length: 6 + Math.floor(rand() * 10) }, () => pick(WORDS)).join(" ");
    const e = w.emit({
      primitive,
      event_type: pick(types),
      agent_id: agent,
      target_id: target,
      parent_event_id: recent.length > 0 && rand() < 0.5 ? pick(recent) : null,
      metadata: { session_id: Math.floor(i / 500), text, n: i },
      timestamp: Math.floor(start + i * step),
    });
    if (recent.length >= 64) recent[Math.floor(rand() * 64)] = e.id;
    else recent.push(e.id);
  }
  w.close();
  return total;
}

/**
 * Writes one causality tree of `size` events (each node has up to `fanout` children,
 * breadth first) under a root on target `tree-root`, spread over three days.
 */
export function generateTree(dir: string, size: number, end: number, fanout = 8): void {
  rmSync(dir, { recursive: true, force: true });
  const w = openBatchWriter({ dir, maxBytes: 4 << 20 });
  const ids: string[] = [];
  const start = end - 3 * 86_400_000;
  for (let i = 0; i < size; i++) {
    const parent = i === 0 ? null : ids[Math.floor((i - 1) / fanout)]!;
    const e = w.emit({
      primitive: "ops",
      event_type: i === 0 ? "create_task" : "claim_task",
      agent_id: `agent-${i % 50}`,
      target_id: i === 0 ? "tree-root" : `task-t${i}`,
      parent_event_id: parent,
      timestamp: Math.floor(start + (i * 3 * 86_400_000) / size),
    });
    ids.push(e.id);
  }
  w.close();
}

/**
 * Writes one chain `size` deep (each event the child of the one before) under a root on
 * target `chain-root`, spread over three days; returns the deepest event's id.
 */
export function generateChain(dir: string, size: number, end: number): string {
  rmSync(dir, { recursive: true, force: true });
  const w = openBatchWriter({ dir, maxBytes: 4 << 20 });
  const start = end - 3 * 86_400_000;
  let parent: string | null = null;
  for (let i = 0; i < size; i++) {
    parent = w.emit({ primitive: "ops", event_type: "step", agent_id: `agent-${i % 50}`, target_id: i === 0 ? "chain-root" : `task-c${i}`, parent_event_id: parent, timestamp: Math.floor(start + (i * 3 * 86_400_000) / size) }).id;
  }
  w.close();
  return parent!;
}

/**
 * Writes a unified space.db (space-os's schema, from test/fixtures/space-os) of `rows` rows:
 * 60 agents, tasks with their lifecycle, messages on 12 channels; returns its path.
 */
export function generateSpaceDb(dir: string, rows: number, schema: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, ".space", "trace"), { recursive: true });
  const path = join(dir, ".space", "space.db");
  const Database = createRequire(import.meta.url)("better-sqlite3") as new (p: string) => {
    exec(sql: string): void;
    prepare(sql: string): { run(...v: unknown[]): unknown };
    transaction(fn: () => void): () => void;
    close(): void;
  };
  const db = new Database(path);
  db.exec(readFileSync(schema, "utf8"));
  const at = (i: number): string => new Date(Date.parse("2025-10-01T00:00:00Z") + i * 1000).toISOString().replace("Z", "000");
  const agent = db.prepare("INSERT INTO agents (agent_id, identity, created_at) VALUES (?, ?, ?)");
  const channel = db.prepare("INSERT INTO channels (channel_id, name, created_at) VALUES (?, ?, ?)");
  const task = db.prepare("INSERT INTO tasks (task_id, creator_id, agent_id, content, status, created_at, started_at, completed_at) VALUES (?, ?, ?, ?, 'done', ?, ?, ?)");
  const message = db.prepare("INSERT INTO messages (message_id, channel_id, agent_id, content, created_at) VALUES (?, ?, ?, ?, ?)");
  db.transaction(() => {
    for (let a = 0; a < 60; a++) agent.run(`u-${a}`, `agent-${a}`, at(0));
    for (let c = 0; c < 12; c++) channel.run(`c-${c}`, `chan-${c}`, at(0));
    for (let i = 0; i < rows; i++) {
      if (i % 2 === 0) task.run(`task-${i >> 1}`, `u-${i % 60}`, `u-${(i * 7) % 60}`, `task ${i}`, at(i), at(i + 1), at(i + 2));
      else message.run(`m-${i}`, `c-${i % 12}`, `u-${i % 60}`, `message ${i} about task-${i % 997}`, at(i));
    }
  })();
  db.close();
  return path;
}
