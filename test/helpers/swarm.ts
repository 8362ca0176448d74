/**
 * A generated swarm run for the page and its tests: `agents` agents over an hour, each
 * woken by an operator's message, claiming tasks and making tool and AI calls (with
 * durations, tokens, some failures) under them. Lines are written straight into one day
 * file: a hundred thousand in well under a second.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rng } from "./rng.js";

/** What was written: the ids of the first epic's message and of a failed call, the agents. */
export interface Swarm {
  events: number;
  agents: string[];
  rootId: string;
  failedId: string;
  file: string;
}

/**
 * Writes `events` events by `agents` agents into `dir`.
 *
 * @example
 * const run = writeSwarm(dir, 100_000, 20);
 */
export function writeSwarm(dir: string, events: number, agents: number, seed = 7): Swarm {
  mkdirSync(dir, { recursive: true });
  const random = rng(seed);
  const start = Date.parse("2025-11-03T10:00:00Z");
  const hour = 3_600_000;
  const names = Array.from({ length: agents }, (_, i) => `agent-${String(i + 1).padStart(2, "0")}`);
  const lines: { t: number; line: string }[] = [];
  let serial = 0;
  let failedId = "";
  const id = (): string => {
    const hex = (serial++).toString(16).padStart(12, "0");
    return `019a4a3c-0000-7000-8000-${hex}`;
  };
  const add = (t: number, primitive: string, type: string, agent: string | null, target: string | null, parent: string | null, metadata: Record<string, unknown>): string => {
    const own = id();
    lines.push({ t, line: JSON.stringify({ id: own, timestamp: Math.round(t), primitive, event_type: type, agent_id: agent, target_id: target, parent_event_id: parent, metadata }) });
    return own;
  };
  const rootId = add(start, "bridge", "send", "operator", "swarm", null, { message_id: 1, text: "epic-1: build the payment system" });
  const perAgent = Math.floor((events - 1) / agents);
  const extra = (events - 1) % agents;
  names.forEach((agent, a) => {
    let t = start + 1000 + a * 500;
    let budget = perAgent + (a < extra ? 1 : 0);
    const wake = add(t, "spawn", "wake", agent, agent, rootId, { session_id: `s-${a}`, channel: "swarm" });
    budget--;
    let task = 0;
    while (budget > 2) {
      const target = `task-${a + 1}-${++task}`;
      t += 200 + random() * 2000;
      const claim = add(t, "ops", "claim_task", agent, target, wake, { session_id: `s-${a}` });
      budget--;
      const calls = Math.min(budget - 1, 2 + Math.floor(random() * 6));
      for (let c = 0; c < calls; c++) {
        const tool = random() < 0.6;
        const took = Math.round(30 + random() * (tool ? 1500 : 4000));
        t += took + random() * 300;
        const fail = random() < 0.004;
        const meta: Record<string, unknown> = tool
          ? { tool_name: ["read_file", "run_tests", "grep", "write_file"][Math.floor(random() * 4)], duration_ms: took, status: fail ? "error" : "ok", ...(fail ? { error: "exit code 1" } : {}) }
          : { model: "claude-haiku-4-5", input_tokens: 200 + Math.floor(random() * 3000), output_tokens: 20 + Math.floor(random() * 600), duration_ms: took, status: fail ? "error" : "ok", ...(fail ? { error: "rate limited" } : {}) };
        const call = add(t, tool ? "tool" : "ai", tool ? "tool_call" : "ai_call", agent, target, claim, meta);
        if (fail && failedId === "") failedId = call;
        budget--;
      }
      t += 100 + random() * 500;
      add(t, "ops", "complete_task", agent, target, claim, {});
      budget--;
    }
    while (budget-- > 0) add((t += 1000), "spawn", "sleep", agent, agent, wake, { session_id: `s-${a}` });
  });
  const scale = hour / Math.max(1, lines.reduce((hi, l) => Math.max(hi, l.t), 0) - start);
  // Squeezed into the hour, in time order as a writer appends them.
  const text = lines
    .map((l) => ({ t: start + (l.t - start) * Math.min(1, scale), line: l.line }))
    .sort((x, y) => x.t - y.t)
    .map(({ t, line }) => line.replace(/"timestamp":\d+/, `"timestamp":${Math.round(t)}`))
    .join("\n");
  const file = join(dir, "2025-11-03.ndjson");
  writeFileSync(file, `${text}\n`);
  return { events: lines.length, agents: names, rootId, failedId, file };
}
