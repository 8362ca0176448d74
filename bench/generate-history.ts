/**
 * A long history for the index bench: days of 100,000 events in which, as in a real
 * swarm, agents work shifts of an hour and tasks live for minutes, so that a task's or
 * an agent's events fill a small part of one day. Each day is made from its own seed,
 * so a store of the last 10 days holds the same 10 day files as one of the last 100,
 * and the same needle has the same answer in both.
 *
 * The second shape, `all-day`, is the one a block index cannot help with: 52 agents all
 * active all day (an agent in every 16 KiB block), and today's file open, unsealed and
 * unindexed, its events from midnight to the minute the bench runs.
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
const VERSION = "history-2";
/** The agents of the `all-day` shape, each active all day. */
const ALL_DAY_AGENTS = 52;

/** How agents share a day: in hourly shifts, or all of them all day. */
export type Shape = "shifts" | "all-day";

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

/** One day's lines, from the day's number (days since 1970); `span` is how much of the day they cover (today's: up to now). */
function dayLines(dayNumber: number, perDay: number, shape: Shape, write: (text: string) => void, span = DAY): void {
  const rand = rng(dayNumber * 7919);
  const start = dayNumber * DAY;
  const step = span / perDay;
  const id = (ts: number): string => `${hex(ts / 65536, 8)}-${hex(ts, 4)}-7${hex(rand() * 4096, 3)}-${hex(8 + rand() * 4, 1)}${hex(rand() * 4096, 3)}-${hex(rand() * 2 ** 24, 6)}${hex(rand() * 2 ** 24, 6)}`;
  const tasks = perDay / EVENTS_PER_TASK;
  let chain: string[] = [];
  let out = "";
  for (let i = 0; i < perDay; i++) {
    const timestamp = Math.floor(start + i * step);
    const t = Math.floor((i / perDay) * tasks);
    const shift = Math.floor((i / perDay) * SHIFTS);
    const agent = shape === "shifts" ? `haiku-${dayNumber}-${shift}-${t % AGENTS_PER_SHIFT}` : `agent-${Math.floor(rand() * ALL_DAY_AGENTS)}`;
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

/** Writes day `d`'s file in `dir`. */
function writeDay(dir: string, d: number, perDay: number, shape: Shape, span?: number): void {
  const fd = openSync(join(dir, `${new Date(d * DAY).toISOString().slice(0, 10)}.ndjson`), "w");
  try {
    dayLines(d, perDay, shape, (text) => void writeSync(fd, text), span);
  } finally {
    closeSync(fd);
  }
}

/**
 * The last `days` days before `endDay` (a day number), `perDay` events each, in `dir`;
 * kept when a store of the same shape and version is there already. The `all-day`
 * shape adds day `endDay` as today's open file, written again at every call (its events
 * end now, so that "2h ago" always finds two hours of them).
 *
 * @example
 * const h = generateHistory("/tmp/h", 100, 100_000, Math.floor(Date.now() / 86_400_000));
 */
export function generateHistory(dir: string, days: number, perDay: number, endDay: number, shape: Shape = "shifts"): History {
  const stamp = join(dir, ".generated");
  const made = JSON.stringify({ VERSION, days, perDay, endDay, shape });
  const needle = endDay - 2;
  // The agent is task 42's own: its shift and its turn in it.
  const shift = Math.floor(((42 * EVENTS_PER_TASK) / perDay) * SHIFTS);
  const agent = shape === "shifts" ? `haiku-${needle}-${shift}-${42 % AGENTS_PER_SHIFT}` : "agent-7";
  const history: History = { dir, events: days * perDay, task: `task-${needle}-42`, agent };
  if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== made) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (let d = endDay - days; d < endDay; d++) writeDay(dir, d, perDay, shape);
    writeFileSync(stamp, made);
  }
  if (shape === "all-day") {
    // Today's file is a whole day's worth of events (a busy day, whatever the hour), from midnight to now.
    const now = Date.now();
    const today = Math.floor(now / DAY);
    writeDay(dir, today, perDay, shape, Math.max(now - today * DAY - 1000, 60_000));
    // A day's file rewritten is what `trace seal` refuses to seal over (its checkpoint of
    // today saw other lines): the store's seal record starts afresh with the file.
    rmSync(join(dir, "seals.ndjson"), { force: true });
    history.events += perDay;
  }
  return history;
}
