/**
 * Three stores over three days for the database's differential tests: a task's chain
 * that crosses days and stores, a parent and child in one millisecond (the child's id
 * sorting first), a bad line, a private event, a secret the policy masks.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

/** An event line. */
export const line = (id: string, t: number, primitive: string, type: string, agent: string | null, target: string | null, parent: string | null, metadata: Record<string, unknown> = {}): string =>
  JSON.stringify({ id, timestamp: t, primitive, event_type: type, agent_id: agent, target_id: target, parent_event_id: parent, metadata }) + "\n";

/** The n-th test id. */
export const uid = (n: number): string => `019a0000-0000-7000-8000-${n.toString(16).padStart(12, "0")}`;

/**
 * Writes the three stores under `root` (a tombstone is the test's to add).
 *
 * @example
 * const { dirs, ids } = writeStores(dir);
 */
export function writeStores(root: string): { dirs: string[]; ids: { root: string; tie: string; tieChild: string; cross: string; late: string; secret: string; hidden: string } } {
  const dirs = ["alpha", "beta", "gamma"].map((name) => join(root, name, ".space", "trace"));
  for (const d of dirs) mkdirSync(d, { recursive: true });
  const day = (d: number): number => Date.parse(`2025-11-0${d}T09:00:00Z`);
  const ids = { root: uid(100), tie: uid(101), tieChild: uid(50), cross: uid(200), late: uid(300), secret: uid(400), hidden: uid(500) };
  const put = (store: number, d: number, text: string): void => appendFileSync(join(dirs[store]!, `2025-11-0${d}.ndjson`), text);
  put(0, 1, line(ids.root, day(1), "bridge", "send", "operator", "payments", null, { text: "build payments" }));
  put(0, 1, line(ids.tie, day(1) + 5000, "ops", "claim_task", "haiku-1", "task-42", ids.root));
  put(0, 1, line(ids.tieChild, day(1) + 5000, "tool", "tool_call", "haiku-1", "task-42", ids.tie, { status: "error", error: "exit 1", duration_ms: 10 }));
  put(0, 1, "{not json\n");
  put(1, 2, line(ids.cross, day(2), "ai", "ai_call", "sonnet-2", "task-42", ids.tieChild, { model: "m", input_tokens: 10 }));
  put(1, 2, line(uid(201), day(2) + 10, "spawn", "wake", "sonnet-2", "sonnet-2", null, { channel: "payments" }));
  put(2, 3, line(ids.late, day(3), "ops", "complete_task", "haiku-1", "task-42", ids.cross, { title: "Build payments" }));
  put(2, 3, line(ids.secret, day(3) + 20, "tool", "tool_call", "haiku-1", "task-7", null, { api_key: "sk-live-abcdefghijklmnop", status: "ok" }));
  put(2, 3, line(ids.hidden, day(3) + 30, "memory", "write", "haiku-1", "task-7", null, { redacted: true, reason: "customer data", digest: "sha256:00" }));
  put(2, 3, line(uid(501), day(3) + 40, "spawn", "wake", "haiku-1", "haiku-1", null, {}));
  for (let i = 0; i < 40; i++) put(i % 3, 1 + (i % 3), line(uid(1000 + i), day(1 + (i % 3)) + 60_000 + i * 7, i % 2 ? "tool" : "ai", i % 2 ? "tool_call" : "ai_call", `agent-${i % 4}`, `task-${i % 5}`, null, { n: i }));
  return { dirs, ids };
}
