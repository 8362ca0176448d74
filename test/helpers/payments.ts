/**
 * Writes the seed's payment-system scenario (use cases 1–3 of the trace primitive spec)
 * into a store with the project's own writer: `node build/test/helpers/payments.js DIR`.
 * The shipped copy lives in logs/payments/.
 */
import { rmSync } from "node:fs";
import { openWriter, type EventInput } from "../../src/index.js";

const at = (hms: string): number => Date.parse(`2025-10-22T${hms}Z`);

/** One scenario step: the event, and the name later steps use for it as a parent. */
interface Step {
  name: string;
  parent?: string;
  event: EventInput;
}

const SESSION = { session_id: 42 };

/** The scenario, in the order it happened. */
export const STEPS: Step[] = [
  { name: "msg42", event: { timestamp: at("13:59:00"), primitive: "bridge", event_type: "send", agent_id: "operator", target_id: "payments", metadata: { message_id: 42, text: "we need payments" } } },
  { name: "wake", event: { timestamp: at("14:00:00"), primitive: "spawn", event_type: "wake", agent_id: "zealot-1", target_id: "zealot-1", metadata: SESSION } },
  { name: "read", parent: "wake", event: { timestamp: at("14:00:02"), primitive: "bridge", event_type: "recv", agent_id: "zealot-1", target_id: "payments", metadata: { unread: 3, ...SESSION } } },
  { name: "notes", parent: "msg42", event: { timestamp: at("14:00:05"), primitive: "memory", event_type: "load", agent_id: "zealot-1", target_id: "zealot-1:arch-notes", metadata: { count: 12, topic: "payments", title: "design payment flow", ...SESSION } } },
  { name: "create", parent: "notes", event: { timestamp: at("14:00:30"), primitive: "ops", event_type: "create_task", agent_id: "zealot-1", target_id: "task-abc123", metadata: { title: "Build payment system", ...SESSION } } },
  { name: "decompose", event: { timestamp: at("14:01:00"), primitive: "ops", event_type: "decompose_task", target_id: "task-abc123", metadata: { subtasks: ["task-sub1", "task-sub2", "task-sub3"] } } },
  { name: "claim1", parent: "create", event: { timestamp: at("14:05:00"), primitive: "ops", event_type: "claim_task", agent_id: "haiku-1", target_id: "task-sub1" } },
  { name: "claim2", parent: "create", event: { timestamp: at("14:05:20"), primitive: "ops", event_type: "claim_task", agent_id: "haiku-2", target_id: "task-sub2" } },
  { name: "claim3", parent: "create", event: { timestamp: at("14:05:40"), primitive: "ops", event_type: "claim_task", agent_id: "haiku-3", target_id: "task-sub3" } },
  { name: "msg43", parent: "claim1", event: { timestamp: at("14:10:00"), primitive: "bridge", event_type: "send", agent_id: "haiku-1", target_id: "payments", metadata: { message_id: 43, text: "Blocked on API key", summary: "blocked" } } },
  { name: "stripe", parent: "decompose", event: { timestamp: at("14:12:00"), primitive: "memory", event_type: "add_entry", agent_id: "haiku-1", target_id: "haiku-1:stripe-config", metadata: { title: "stripe config issue" } } },
  { name: "block1", parent: "msg43", event: { timestamp: at("14:15:00"), primitive: "ops", event_type: "block_task", agent_id: "haiku-1", target_id: "task-sub1", metadata: { reason: "need API key" } } },
  { name: "msg44", parent: "decompose", event: { timestamp: at("14:17:00"), primitive: "bridge", event_type: "send", agent_id: "zealot-1", target_id: "payments", metadata: { message_id: 44, text: "API key in .env.example", ...SESSION } } },
  { name: "done2", parent: "claim2", event: { timestamp: at("14:18:00"), primitive: "ops", event_type: "complete_task", agent_id: "haiku-2", target_id: "task-sub2" } },
  { name: "arch", event: { timestamp: at("14:19:00"), primitive: "knowledge", event_type: "add_discovery", agent_id: "zealot-1", target_id: "architecture", metadata: { domain: "architecture", ...SESSION } } },
  { name: "sleep", parent: "wake", event: { timestamp: at("14:20:00"), primitive: "spawn", event_type: "sleep", agent_id: "zealot-1", target_id: "zealot-1", metadata: SESSION } },
  { name: "done3", parent: "claim3", event: { timestamp: at("14:24:00"), primitive: "ops", event_type: "complete_task", agent_id: "haiku-3", target_id: "task-sub3" } },
  { name: "retry1", parent: "msg44", event: { timestamp: at("14:25:00"), primitive: "ops", event_type: "claim_task", agent_id: "haiku-1", target_id: "task-sub1", metadata: { retry: true } } },
  { name: "done1", parent: "retry1", event: { timestamp: at("14:30:00"), primitive: "ops", event_type: "complete_task", agent_id: "haiku-1", target_id: "task-sub1" } },
];

/** Writes the scenario into `dir` (emptied first) and returns the ids by step name. */
export function writePayments(dir: string): Map<string, string> {
  rmSync(dir, { recursive: true, force: true });
  const writer = openWriter({ dir });
  const ids = new Map<string, string>();
  for (const step of STEPS) {
    const parent = step.parent === undefined ? null : ids.get(step.parent)!;
    ids.set(step.name, writer.emit({ ...step.event, parent_event_id: parent }).id);
  }
  writer.close();
  return ids;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!) && process.argv[2]) {
  writePayments(process.argv[2]);
}
