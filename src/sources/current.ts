/**
 * The unified `space.db` (space-os `001_foundation.sql`, HEAD 9611ab8) as events. The
 * mapping, table by table, is in docs/space-os.md.
 */
import { agentName, emitEntry, emitRow, idOf, pick, rowsOf, runningSpawn, runsByAgent, str, type RowContext } from "./rows.js";
import { whereOf, type NamedColumn, type TableShape, type Where } from "./select.js";
import { columnsOf, type Database } from "./sqlite.js";
import type { TimeRule } from "./times.js";

/**
 * Each time column's rule, from the code that writes it: SQL's `'now'` default and
 * `CURRENT_TIMESTAMP`, and Python's `utcnow()`, write UTC; the application's
 * `datetime.now().isoformat()` writes naive local time in the writing machine's zone.
 * Two clocks in one database: a message and the spawn that sent it, written in the same
 * second, read hours apart when one rule is used for both.
 */
export const CLOCKS = {
  /** `created_at`: the column's `STRFTIME('%Y-%m-%dT%H:%M:%f', 'now')` default; `archived_at`, `pinned_at`: `CURRENT_TIMESTAMP`; `timer_expires_at`: `utcnow()` plus the timer. */
  channels: { created_at: "utc-text", archived_at: "utc-text", timer_expires_at: "utc-text" },
  /** `created_at`: the column's default (`bridge send` gives no time). */
  messages: { created_at: "utc-text" },
  /** `created_at`: the column's default; `archived_at`: `datetime.now()`. */
  knowledge: { created_at: "utc-text", archived_at: "local-text" },
  /** `add_memory` and `archive_memory`: `datetime.now()`. */
  memories: { created_at: "local-text", archived_at: "local-text" },
  /** `create_spawn` and the spawn's end: `datetime.now()` (the column's UTC default is never used). */
  spawns: { created_at: "local-text", ended_at: "local-text" },
  /** `add_task` and the task commands that start and finish it: `datetime.now()` (the column's UTC default is never used). */
  tasks: { created_at: "local-text", started_at: "local-text", completed_at: "local-text" },
} as const satisfies Record<string, Record<string, TimeRule>>;

const C = CLOCKS;

/**
 * Every event the database's rows record that the selection can want (a superset).
 *
 * @example
 * currentEvents(db, ctx); // ctx.events filled
 */
export function currentEvents(db: Database, ctx: RowContext): void {
  const sel = ctx.select;
  for (const a of rowsOf(db, ctx, "agents")) ctx.names.set(String(a.agent_id), String(a.identity));
  const agents = (column: string): NamedColumn => ({ column, names: ctx.names });
  const channels = new Map<string, string>();
  // A channel's causes, from the rows they name: its parent channel's creation, and the message that set its timer.
  const linked = ["parent_channel_id", "timer_set_by_message_id"].every((c) => columnsOf(db, "channels").has(c));
  const links = linked
    ? {
        columns: ", p.created_at AS _parent_created, m.created_at AS _timer_at, m.agent_id AS _timer_agent",
        joins: "LEFT JOIN channels p ON p.channel_id = t.parent_channel_id LEFT JOIN messages m ON m.message_id = t.timer_set_by_message_id",
      }
    : {};
  for (const c of rowsOf(db, ctx, "channels", links)) {
    channels.set(String(c.channel_id), String(c.name));
    const key = String(c.channel_id);
    const parentMs = c.parent_channel_id ? ctx.time(c._parent_created, C.channels.created_at) : undefined;
    const parent = parentMs === undefined ? null : idOf(ctx, "channels", String(c.parent_channel_id), "created", parentMs);
    emitRow(ctx, "channels", c, key, c.created_at, C.channels.created_at, { kind: "created", primitive: "bridge", event_type: "create_channel", agent: null, target: c.name, parent, metadata: pick(c, { topic: "topic" }) });
    emitRow(ctx, "channels", c, key, c.archived_at, C.channels.archived_at, { kind: "archived", primitive: "bridge", event_type: "archive_channel", agent: null, target: c.name });
    const timerMs = c.timer_set_by_message_id ? ctx.time(c._timer_at, C.messages.created_at) : undefined;
    const expires = ctx.time(c.timer_expires_at, C.channels.timer_expires_at);
    emitRow(ctx, "channels", c, key, c._timer_at, C.messages.created_at, {
      kind: "timer",
      primitive: "bridge",
      event_type: "set_timer",
      agent: agentName(ctx, c._timer_agent),
      target: c.name,
      parent: timerMs === undefined ? null : idOf(ctx, "messages", String(c.timer_set_by_message_id), "sent", timerMs),
      metadata: { ...(expires === undefined ? pick(c, { timer_expires_at: "expires_at" }) : { expires_at: new Date(expires).toISOString() }), ...pick(c, { timer_set_by_message_id: "message_id" }) },
    });
  }
  const sessions = new Map<string, Record<string, unknown>>();
  for (const s of rowsOf(db, ctx, "sessions")) sessions.set(String(s.session_id), pick(s, { provider: "provider", model: "model", input_tokens: "input_tokens", output_tokens: "output_tokens", tool_count: "tool_count" }));
  // A timeline of an agent holds its spawns' child spawns and what their agents sent while running.
  const tree = sel.target === undefined ? undefined : spawnTree(db, sel.target, ctx.names);
  const messageWhere = whereOf(
    sel,
    { primitives: ["bridge"], agents: [agents("agent_id")], targets: [{ column: "channel_id", names: channels }], channels: [{ column: "channel_id", names: channels }], times: [{ column: "created_at", rule: C.messages.created_at }] },
    tree ? { sql: `t.agent_id IN (SELECT agent_id FROM spawns WHERE id IN (${tree.sql}))`, params: tree.params } : undefined,
  );
  const messages = rowsOf(db, ctx, "messages", { where: messageWhere });
  // A message's cause is its agent's running spawn: every spawn of those agents is read.
  const senders = messageWhere && { sql: `t.agent_id IN (SELECT t.agent_id FROM messages t${messageWhere.sql ? ` WHERE ${messageWhere.sql}` : ""})`, params: messageWhere.params };
  const also = [tree && { sql: `t.id IN (${tree.sql})`, params: tree.params }, senders].filter((w): w is Where => !!w);
  spawnEvents(db, ctx, channels, sessions, also.length === 0 ? undefined : { sql: also.map((w) => `(${w.sql})`).join(" OR "), params: also.flatMap((w) => w.params) });
  const runs = runsByAgent(ctx.runs);
  for (const m of messages) {
    const agent = agentName(ctx, m.agent_id);
    const ms = ctx.time(m.created_at, C.messages.created_at);
    emitRow(ctx, "messages", m, String(m.message_id), m.created_at, C.messages.created_at, {
      kind: "sent",
      primitive: "bridge",
      event_type: "send",
      agent,
      target: channels.get(String(m.channel_id)) ?? m.channel_id,
      parent: ms === undefined ? null : (runningSpawn(runs, agent, ms)?.id ?? null),
      metadata: { text: m.content, message_id: m.message_id },
    });
  }
  const entry = (primitive: string, key: string, rules: { created_at: TimeRule; archived_at: TimeRule }): TableShape => ({
    primitives: [primitive],
    agents: [agents("agent_id")],
    targets: [{ column: key }],
    times: [
      { column: "created_at", rule: rules.created_at },
      { column: "archived_at", rule: rules.archived_at },
    ],
  });
  for (const m of rowsOf(db, ctx, "memories", { where: whereOf(sel, entry("memory", "memory_id", C.memories)) })) {
    emitEntry(ctx, "memories", m, String(m.memory_id), { added: C.memories.created_at, archived: C.memories.archived_at }, {
      kind: "added",
      primitive: "memory",
      event_type: "add_entry",
      agent: agentName(ctx, m.agent_id),
      target: m.memory_id,
      metadata: { title: m.message, ...pick(m, { topic: "topic", source: "source", core: "core" }) },
    });
  }
  for (const k of rowsOf(db, ctx, "knowledge", { where: whereOf(sel, entry("knowledge", "knowledge_id", C.knowledge)) })) {
    emitEntry(ctx, "knowledge", k, String(k.knowledge_id), { added: C.knowledge.created_at, archived: C.knowledge.archived_at }, { kind: "added", primitive: "knowledge", event_type: "add_discovery", agent: agentName(ctx, k.agent_id), target: k.knowledge_id, metadata: { domain: k.domain, text: k.content } });
  }
  const taskShape: TableShape = {
    primitives: ["ops"],
    agents: [agents("creator_id"), agents("agent_id")],
    targets: [{ column: "task_id" }],
    times: Object.entries(C.tasks).map(([column, rule]) => ({ column, rule })),
  };
  for (const t of rowsOf(db, ctx, "tasks", { where: whereOf(sel, taskShape) })) taskEvents(ctx, t);
}

/** The spawns of the agent shown as `target` and their descendants, as a subquery of ids. */
function spawnTree(db: Database, target: string, names: ReadonlyMap<string, string>): Where | undefined {
  const ids = [target, ...[...names].filter(([id, name]) => name === target && id !== target).map(([id]) => id)];
  if (!columnsOf(db, "spawns").has("parent_spawn_id")) return undefined;
  const sql = `WITH RECURSIVE tree(id) AS (SELECT id FROM spawns WHERE agent_id IN (${ids.map(() => "?").join(", ")}) UNION SELECT s.id FROM spawns s JOIN tree ON s.parent_spawn_id = tree.id) SELECT id FROM tree`;
  return { sql, params: ids };
}

/** A task's lifecycle: created, claimed (`started_at`), completed with its status; each caused by the one before. */
function taskEvents(ctx: RowContext, t: Record<string, unknown>): void {
  const key = String(t.task_id);
  const created = emitRow(ctx, "tasks", t, key, t.created_at, C.tasks.created_at, {
    kind: "created",
    primitive: "ops",
    event_type: "create_task",
    agent: agentName(ctx, t.creator_id),
    target: t.task_id,
    metadata: { title: t.content, ...pick(t, { project: "project" }) },
  });
  const claimed = emitRow(ctx, "tasks", t, key, t.started_at, C.tasks.started_at, { kind: "claimed", primitive: "ops", event_type: "claim_task", agent: agentName(ctx, t.agent_id), target: t.task_id, parent: created ?? null });
  emitRow(ctx, "tasks", t, key, t.completed_at, C.tasks.completed_at, {
    kind: "completed",
    primitive: "ops",
    event_type: "complete_task",
    agent: agentName(ctx, t.agent_id),
    target: t.task_id,
    parent: claimed ?? created ?? null,
    metadata: { status: t.status },
  });
}

/**
 * Spawns as wakes and sleeps, their runs kept for the messages they sent; a spawn's
 * wake is caused by its parent spawn's (its id made from the parent's row).
 */
function spawnEvents(db: Database, ctx: RowContext, channels: Map<string, string>, sessions: Map<string, Record<string, unknown>>, also: Where | undefined): void {
  const rule = C.spawns;
  const shape: TableShape = {
    primitives: ["spawn"],
    agents: [{ column: "agent_id", names: ctx.names }],
    targets: [{ column: "agent_id", names: ctx.names }],
    channels: [{ column: "channel_id", names: channels }],
    times: [
      { column: "created_at", rule: rule.created_at },
      { column: "ended_at", rule: rule.ended_at },
    ],
  };
  const parented = columnsOf(db, "spawns").has("parent_spawn_id");
  const query = parented ? { columns: ", p.created_at AS _parent_created", joins: "LEFT JOIN spawns p ON p.id = t.parent_spawn_id" } : {};
  for (const s of rowsOf(db, ctx, "spawns", { where: whereOf(ctx.select, shape, also), ...query })) {
    const agent = agentName(ctx, s.agent_id);
    const session = str(s.session_id);
    const parentMs = s.parent_spawn_id ? ctx.time(s._parent_created, rule.created_at) : undefined;
    // The channel it ran in: a channel's view holds its spawns.
    const channel = s.channel_id ? { channel: channels.get(String(s.channel_id)) ?? s.channel_id } : {};
    const woke = emitRow(ctx, "spawns", s, String(s.id), s.created_at, rule.created_at, {
      kind: "woke",
      primitive: "spawn",
      event_type: "wake",
      agent,
      target: agent,
      parent: parentMs === undefined ? null : idOf(ctx, "spawns", String(s.parent_spawn_id), "woke", parentMs),
      metadata: {
        spawn_id: s.id,
        status: s.status,
        ...(session ? { session_id: session, ...(sessions.get(session) ?? {}) } : {}),
        ...channel,
      },
    });
    emitRow(ctx, "spawns", s, String(s.id), s.ended_at, rule.ended_at, { kind: "slept", primitive: "spawn", event_type: "sleep", agent, target: agent, parent: woke ?? null, metadata: { status: s.status, ...channel } });
    if (woke) ctx.runs.push({ agent, id: woke, start: ctx.time(s.created_at, rule.created_at)!, end: ctx.time(s.ended_at, rule.ended_at) });
  }
}
