/**
 * The unified `space.db` (space-os `001_foundation.sql`) as events. Its text times are
 * the application's `datetime.now().isoformat()`: naive local time (`TRACE_SPACE_TZ`);
 * a time with a zone is read with it. The mapping, table by table, is in the README.
 */
import type { TraceEvent } from "../event/envelope.js";
import { agentName, emitEntry, emitRow, pick, rowsOf, str, type RowContext } from "./rows.js";
import type { Database } from "./sqlite.js";

const T = "local-text" as const;
const LOCAL = { added: T, archived: T };

/**
 * Every event the database's rows record.
 *
 * @example
 * currentEvents(db, ctx); // ctx.events filled
 */
export function currentEvents(db: Database, ctx: RowContext): void {
  for (const a of rowsOf(db, ctx, "agents", ["agent_id", "identity"])) ctx.names.set(String(a.agent_id), String(a.identity));
  const channels = new Map<string, string>();
  for (const c of rowsOf(db, ctx, "channels", ["channel_id", "name", "created_at"])) {
    channels.set(String(c.channel_id), String(c.name));
    emitRow(ctx, "channels", c, String(c.channel_id), c.created_at, T, { kind: "created", primitive: "bridge", event_type: "create_channel", agent: null, target: c.name, metadata: pick(c, { topic: "topic" }) });
    emitRow(ctx, "channels", c, String(c.channel_id), c.archived_at, T, { kind: "archived", primitive: "bridge", event_type: "archive_channel", agent: null, target: c.name });
  }
  const sessions = new Map<string, Record<string, unknown>>();
  for (const s of rowsOf(db, ctx, "sessions", ["session_id"])) sessions.set(String(s.session_id), pick(s, { provider: "provider", model: "model", input_tokens: "input_tokens", output_tokens: "output_tokens", tool_count: "tool_count" }));
  spawnEvents(db, ctx, channels, sessions);
  const wakes = wakesByAgent(ctx.events);
  for (const m of rowsOf(db, ctx, "messages", ["message_id", "channel_id", "agent_id", "content", "created_at"])) {
    const agent = agentName(ctx, m.agent_id);
    emitRow(ctx, "messages", m, String(m.message_id), m.created_at, T, {
      kind: "sent",
      primitive: "bridge",
      event_type: "send",
      agent,
      target: channels.get(String(m.channel_id)) ?? m.channel_id,
      metadata: { text: m.content, message_id: m.message_id },
    });
    // A message's cause: the spawn of its agent that was running when it was sent.
    const sent = ctx.events.at(-1);
    if (sent && sent.metadata.message_id === m.message_id) sent.parent_event_id = runningSpawn(wakes, agent, sent.timestamp)?.id ?? null;
  }
  for (const m of rowsOf(db, ctx, "memories", ["memory_id", "agent_id", "topic", "message", "created_at"])) {
    emitEntry(ctx, "memories", m, String(m.memory_id), LOCAL, {
      kind: "added",
      primitive: "memory",
      event_type: "add_entry",
      agent: agentName(ctx, m.agent_id),
      target: m.memory_id,
      metadata: { title: m.message, ...pick(m, { topic: "topic", source: "source", core: "core" }) },
    });
  }
  for (const k of rowsOf(db, ctx, "knowledge", ["knowledge_id", "agent_id", "domain", "content", "created_at"])) {
    emitEntry(ctx, "knowledge", k, String(k.knowledge_id), LOCAL, { kind: "added", primitive: "knowledge", event_type: "add_discovery", agent: agentName(ctx, k.agent_id), target: k.knowledge_id, metadata: { domain: k.domain, text: k.content } });
  }
  for (const t of rowsOf(db, ctx, "tasks", ["task_id", "creator_id", "content", "status", "created_at"])) taskEvents(ctx, t);
}

/** A task's lifecycle: created, claimed (`started_at`), completed with its status; each caused by the one before. */
function taskEvents(ctx: RowContext, t: Record<string, unknown>): void {
  const key = String(t.task_id);
  const created = emitRow(ctx, "tasks", t, key, t.created_at, T, {
    kind: "created",
    primitive: "ops",
    event_type: "create_task",
    agent: agentName(ctx, t.creator_id),
    target: t.task_id,
    metadata: { title: t.content, ...pick(t, { project: "project" }) },
  });
  const claimed = emitRow(ctx, "tasks", t, key, t.started_at, T, { kind: "claimed", primitive: "ops", event_type: "claim_task", agent: agentName(ctx, t.agent_id), target: t.task_id, parent: created ?? null });
  emitRow(ctx, "tasks", t, key, t.completed_at, T, {
    kind: "completed",
    primitive: "ops",
    event_type: "complete_task",
    agent: agentName(ctx, t.agent_id),
    target: t.task_id,
    parent: claimed ?? created ?? null,
    metadata: { status: t.status },
  });
}

/** Spawns as wakes and sleeps; a spawn's wake is caused by its parent spawn's. */
function spawnEvents(db: Database, ctx: RowContext, channels: Map<string, string>, sessions: Map<string, Record<string, unknown>>): void {
  const wakeOf = new Map<string, TraceEvent>();
  const rows = rowsOf(db, ctx, "spawns", ["id", "agent_id", "status", "created_at"]);
  for (const s of rows) {
    const agent = agentName(ctx, s.agent_id);
    const session = str(s.session_id);
    const woke = emitRow(ctx, "spawns", s, String(s.id), s.created_at, T, {
      kind: "woke",
      primitive: "spawn",
      event_type: "wake",
      agent,
      target: agent,
      metadata: {
        spawn_id: s.id,
        status: s.status,
        ...(session ? { session_id: session, ...(sessions.get(session) ?? {}) } : {}),
        ...(s.channel_id ? { channel: channels.get(String(s.channel_id)) ?? s.channel_id } : {}),
      },
    });
    if (woke) wakeOf.set(String(s.id), ctx.events.at(-1)!);
    emitRow(ctx, "spawns", s, String(s.id), s.ended_at, T, { kind: "slept", primitive: "spawn", event_type: "sleep", agent, target: agent, parent: woke ?? null, metadata: { status: s.status } });
  }
  for (const s of rows) {
    const wake = wakeOf.get(String(s.id));
    const parent = s.parent_spawn_id ? wakeOf.get(String(s.parent_spawn_id)) : undefined;
    if (wake && parent) wake.parent_event_id = parent.id;
  }
}

/** Each agent's wakes in time order. */
function wakesByAgent(events: readonly TraceEvent[]): Map<string | null, TraceEvent[]> {
  const by = new Map<string | null, TraceEvent[]>();
  for (const e of events) if (e.event_type === "wake") by.set(e.agent_id, [...(by.get(e.agent_id) ?? []), e]);
  for (const list of by.values()) list.sort((a, b) => a.timestamp - b.timestamp);
  return by;
}

/** The latest wake of `agent` at or before `ms`. */
function runningSpawn(wakes: Map<string | null, TraceEvent[]>, agent: string | null, ms: number): TraceEvent | undefined {
  const list = wakes.get(agent) ?? [];
  let [lo, hi] = [0, list.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.timestamp <= ms) lo = mid + 1;
    else hi = mid;
  }
  return list[lo - 1];
}
