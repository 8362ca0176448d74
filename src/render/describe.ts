import type { TraceEvent } from "../event/envelope.js";
import { clip } from "./text.js";

/** Whose view a timeline takes: the focus is left out of each description. */
export interface View {
  target?: string | undefined;
  agent?: string | undefined;
  /** The agent of every row is shown in a column of its own: no description names its own actor. */
  agentColumn?: boolean | undefined;
}

type Meta = Record<string, unknown>;
const text = (m: Meta, key: string): string | undefined => {
  const v = m[key];
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
};

/** A message's text: `text`, else the keys other tools write it under. */
const messageText = (m: Meta): string | undefined => text(m, "text") ?? text(m, "message") ?? text(m, "content");

/** An ops verb: its past tense, and a suffix. Every lifecycle row names its actor ("claimed by X") unless the view is the actor's. */
interface OpsVerb {
  done: string;
  suffix?: (m: Meta) => string;
}

const OPS: Record<string, OpsVerb> = {
  create_task: { done: "created" },
  claim_task: { done: "claimed", suffix: (m) => (m.retry === true ? " (retry)" : "") },
  complete_task: { done: "completed" },
  block_task: { done: "blocked", suffix: (m) => (text(m, "reason") ? ` (reason: ${text(m, "reason")})` : "") },
  reduce_task: { done: "reduced" },
  decompose_task: { done: "decomposed", suffix: (m) => (Array.isArray(m.subtasks) ? ` into ${m.subtasks.length} subtasks` : "") },
};

function describeOps(e: TraceEvent, view: View, verb: OpsVerb): string {
  const suffix = verb.suffix?.(e.metadata) ?? "";
  const target = e.target_id !== null && e.target_id !== view.target ? e.target_id : undefined;
  if (e.agent_id !== null && e.agent_id === view.agent && !view.agentColumn) return `${verb.done}${target ? ` ${target}` : ""}${suffix}`;
  const by = e.agent_id !== null && !view.agentColumn ? ` by ${e.agent_id}` : "";
  return `${target ? `${target} ` : ""}${verb.done}${by}${suffix}`;
}

/** `: "text"` for a message that has one, else nothing. */
const quoted = (s: string | undefined): string => (s === undefined ? "" : `: "${clip(s)}"`);

/** Descriptions phrased from the agent's side; `who` is prepended unless the agent is the focus. */
const ACTS: Record<string, (e: TraceEvent, view: View) => string> = {
  "bridge.send": (e, view) =>
    e.agent_id !== null && e.agent_id === view.agent && !view.agentColumn
      ? `sent message to #${e.target_id ?? "?"}`
      : `${view.agentColumn ? "" : `${e.agent_id ?? "someone"} `}posted to #${e.target_id ?? "?"}${quoted(messageText(e.metadata))}`,
  "bridge.recv": (e) => `read #${e.target_id ?? "?"}${text(e.metadata, "unread") ? ` (${text(e.metadata, "unread")} unreads)` : ""}`,
  "bridge.note": (e) => `noted in #${e.target_id ?? "?"}${quoted(messageText(e.metadata))}`,
  "memory.add_entry": (e) => `added "${clip(text(e.metadata, "title") ?? e.target_id ?? "")}"`,
  "memory.load": (e) => `loaded ${text(e.metadata, "count") ?? "?"} entries${text(e.metadata, "topic") ? ` (topic: ${text(e.metadata, "topic")})` : ""}`,
  "memory.archive_entry": (e) => `archived ${e.target_id ?? "an entry"}`,
  "knowledge.add_discovery": (e) => `added domain=${text(e.metadata, "domain") ?? "?"}`,
  "knowledge.archive_discovery": (e) => `archived ${e.target_id ?? "a discovery"}`,
  "spawn.wake": (e) => `woke${text(e.metadata, "session_id") ? ` (session ${text(e.metadata, "session_id")})` : ""}`,
  "spawn.sleep": () => "sleep",
  // A spawn.db task (2025-10-22) is the spawn: its input is what it was spawned for.
  "spawn.spawn": (e) => (text(e.metadata, "text") ? `spawned for "${clip(text(e.metadata, "text")!)}"` : `spawned ${e.target_id ?? "an agent"}`),
  "spawn.spawn_done": (e) => `spawn done${text(e.metadata, "output") ? `: "${clip(text(e.metadata, "output")!)}"` : ""}`,
};

/** The words that are there, joined by spaces. */
const words = (...parts: (string | undefined | false)[]): string => parts.filter((p): p is string => typeof p === "string" && p !== "").join(" ");
/** `1,234 ms` of `duration_ms`, when there is one. */
const took = (m: Meta): string | undefined => (typeof m.duration_ms === "number" ? `${m.duration_ms.toLocaleString("en-US")} ms` : text(m, "duration_ms") ? `${text(m, "duration_ms")} ms` : undefined);
/** A tool's or step's name, from the keys writers use. */
const nameOf = (m: Meta): string | undefined => text(m, "tool_name") ?? text(m, "tool") ?? text(m, "name");
/** Tokens in and out, `1,200→340 tokens`, or a total. */
function tokens(m: Meta): string | undefined {
  const n = (k: string): string | undefined => (typeof m[k] === "number" ? (m[k] as number).toLocaleString("en-US") : text(m, k));
  const [i, o] = [n("input_tokens") ?? n("prompt_tokens"), n("output_tokens") ?? n("completion_tokens")];
  if (i !== undefined || o !== undefined) return `${i ?? "?"}→${o ?? "?"} tokens`;
  return n("tokens") ?? n("total_tokens") ? `${n("tokens") ?? n("total_tokens")} tokens` : undefined;
}

/** Descriptions by `event_type`, from what the metadata holds (schema v1 traces, AI calls). */
const TRACES: Record<string, (m: Meta) => string> = {
  tool_call: (m) => {
    const where = [text(m, "resolved_source"), text(m, "runner")].filter((x) => x !== undefined);
    return words("tool_call", nameOf(m), where.length > 0 && `(${where.join(", ")})`, text(m, "status"), took(m));
  },
  capability_check: (m) =>
    `capability_check ${text(m, "capability") ?? "?"} ${m.allowed === true ? "allowed" : `denied${text(m, "reason") ? `: ${text(m, "reason")}` : ""}`}`,
  ai_call: (m) => words("ai_call", text(m, "model"), tokens(m), took(m), text(m, "status")),
};

/** The fields that tell most of an event no description knows: its name, status, error, duration. */
function telling(type: string, m: Meta): string {
  const error = text(m, "error") ?? (typeof m.error === "object" && m.error !== null ? text(m.error as Meta, "message") : undefined);
  // An error's text says more than its status.
  return words(type, nameOf(m), text(m, "model"), error === undefined ? text(m, "status") : `${text(m, "status") ?? "error"}: ${clip(error, 60)}`, took(m));
}

/**
 * A short readable description of an event, from the view of a timeline's focus.
 *
 * @example
 * describe(claimEvent, { target: "task-abc123" }); // "task-sub1 claimed by haiku-1"
 */
export function describe(e: TraceEvent, view: View = {}): string {
  // Hidden metadata (`emit --private`) is said to be hidden, not shown as empty.
  if (e.metadata.redacted === true && typeof e.metadata.digest === "string") {
    const reason = text(e.metadata, "reason");
    return `${describe({ ...e, metadata: {} }, view).replace(/:? ""$/, "")} [private${reason ? `: ${reason}` : ""}]`;
  }
  const ops = e.primitive === "ops" ? OPS[e.event_type] : undefined;
  if (ops) return describeOps(e, view, ops);
  const act = ACTS[`${e.primitive}.${e.event_type}`];
  if (act) {
    const phrase = act(e, view);
    const named = e.primitive === "bridge" && e.event_type === "send" && e.agent_id !== view.agent;
    return e.agent_id === null || e.agent_id === view.agent || named || view.agentColumn ? phrase : `${e.agent_id} ${phrase}`;
  }
  const trace = TRACES[e.event_type] ?? (/_(end|error)$/.test(e.event_type) ? (m: Meta) => telling(e.event_type, m) : undefined);
  const by = e.agent_id !== null && e.agent_id !== view.agent && !view.agentColumn ? ` by ${e.agent_id}` : "";
  if (trace) return trace(e.metadata) + by;
  const title = text(e.metadata, "title");
  if (title) return `${e.event_type}: ${clip(title)}`;
  const target = e.target_id !== null && e.target_id !== view.target ? ` ${e.target_id}` : "";
  const more = telling("", e.metadata);
  return `${e.event_type}${target}${by}${more ? ` (${more})` : ""}`;
}

/**
 * The node label of an event in a causality tree, as the seed draws them.
 *
 * @example
 * label(sendEvent); // 'bridge message #payments:42 ("we need payments")'
 */
export function label(e: TraceEvent): string {
  const m = e.metadata;
  if (e.primitive === "bridge" && e.event_type === "send") {
    const id = text(m, "message_id");
    const about = text(m, "summary") ?? messageText(m);
    return `bridge message #${e.target_id ?? "?"}${id ? `:${id}` : ""}${about === undefined ? "" : ` ("${clip(about, 60)}")`}`;
  }
  if (e.primitive === "memory" && e.target_id !== null && !e.event_type.startsWith("memory_")) {
    const about = text(m, "title") ?? text(m, "topic");
    return `memory entry ${e.target_id}${about ? ` ("${clip(about, 60)}")` : ""}`;
  }
  if (e.primitive === "ops" && e.target_id !== null) {
    const verb = OPS[e.event_type];
    if (e.event_type === "claim_task") return `ops ${e.target_id} (claimed by ${e.agent_id ?? "?"})`;
    return `ops ${e.target_id} ${verb ? verb.done : e.event_type}`;
  }
  return `${e.primitive} ${describe(e)}`;
}
