/**
 * A long history for the index bench: days of 100,000 events in which, as in a real
 * swarm, agents work shifts of an hour and tasks live for minutes, so that a task's or
 * an agent's events fill a small part of one day. Each day is made from its own seed,
 * so a store of the last 10 days holds the same 10 day files as one of the last 100,
 * and the same needle has the same answer in both.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";

const DAY = 86_400_000;
const SHIFTS = 24;
const AGENTS_PER_SHIFT = 16;
const EVENTS_PER_TASK = 40;
const PRIMS = [["ops", "claim_task"], ["tool", "tool_call_started"], ["ai", "ai_call"], ["bridge", "send"], ["memory", "memory_recall"], ["knowledge", "add_discovery"]] as const;
const WORDS = "api key payment stripe deploy retry blocked config cache schema review merge test build flaky timeout".split(" ");
/** Changes whenever what is generated changes: a kept store of another version is made again. */
const VERSION = "history-1";

/** What a generated history holds, and the needles the bench asks for. */
export interface History {
  dir: string;
  events: number;
  /** A task and an agent of the day before the last. */
  task: string;
  agent: string;
}

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (n: number, width: number): string => Math.floor(n).toString(16).padStart(width, "0").slice(-width);

/** One day's lines, from the day's number (days since 1970). */
function dayLines(dayNumber: number, perDay: number, write: (text: string) => void): void {
  const rand = rng(dayNumber * 7919);
  const start = dayNumber * DAY;
  const step = DAY / perDay;
  const id = (ts: number): string => `${hex(ts / 65536, 8)}-${hex(ts, 4)}-7${hex(rand() * 4096, 3)}-${hex(8 + rand() * 4, 1)}${hex(rand() * 4096, 3)}-${hex(rand() * 2 ** 24, 6)}${hex(rand() * 2 ** 24, 6)}`;
  const tasks = perDay / EVENTS_PER_TASK;
  let chain: string[] = [];
  let out = "";
  for (let i = 0; i < perDay; i++) {
    const timestamp = Math.floor(start + i * step);
    const t = Math.floor((i / perDay) * tasks);
    const shift = Math.floor((i / perDay) * SHIFTS);
    const agent = `haiku-${dayNumber}-${shift}-${t % AGENTS_PER_SHIFT}`;
    if (i % EVENTS_PER_TASK === 0) chain = [];
    const [primitive, type] = i % EVENTS_PER_TASK === 0 ? (["ops", "create_task"] as const) : PRIMS[Math.floor(rand() * PRIMS.length)]!;
    const target = primitive === "bridge" ? `chan-${Math.floor(rand() * 12)}` : `task-${dayNumber}-${t}`;
    const e = id(timestamp);
    const parent = chain.length === 0 ? null : chain[Math.floor(rand() * chain.length)]!;
    chain.push(e);
    const text = Array.from({ length: 4 + Math.floor(rand() * 8) }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(" ");
    out += `{"id":"${e}","timestamp":${timestamp},"primitive":"${primitive}","event_type":"${type}","agent_id":"${agent}","target_id":"${target}","parent_event_id":${parent === null ? "null" : `"${parent}"`},"metadata":{"session_id":${dayNumber * 100 + shift},"text":"${text}","n":${i}}}\n`;
    if (out.length > 1 << 20) {
      write(out);
      out = "";
    }
  }
  write(out);
}

/**
 * The last `days` days before `endDay` (a day number), `perDay` events each, in `dir`;
 * kept when a store of the same shape and version is there already.
 *
 * @example
 * const h = generateHistory("/tmp/h", 100, 100_000, Math.floor(Date.now() / 86_400_000));
 */
export function generateHistory(dir: string, days: number, perDay: number, endDay: number): History {
  const stamp = join(dir, ".generated");
  const shape = JSON.stringify({ VERSION, days, perDay, endDay });
  const needle = endDay - 2;
  // The agent is task 42's own: its shift and its turn in it.
  const shift = Math.floor(((42 * EVENTS_PER_TASK) / perDay) * SHIFTS);
  const history: History = { dir, events: days * perDay, task: `task-${needle}-42`, agent: `haiku-${needle}-${shift}-${42 % AGENTS_PER_SHIFT}` };
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === shape) return history;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (let d = endDay - days; d < endDay; d++) {
    const fd = openSync(join(dir, `${new Date(d * DAY).toISOString().slice(0, 10)}.ndjson`), "w");
    try {
      dayLines(d, perDay, (text) => void writeSync(fd, text));
    } finally {
      closeSync(fd);
    }
  }
  writeFileSync(stamp, shape);
  return history;
}
