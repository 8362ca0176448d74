/**
 * The unified `space.db` (space-os `001_foundation.sql`) as events. Its text times are
 * the application's `datetime.now().isoformat()`: naive local time (`TRACE_SPACE_TZ`);
 * a time with a zone is read with it. The mapping, table by table, is in the README.
 */
import { agentName, emitEntry, emitRow, idOf, pick, rowsOf, runningSpawn, str, wakesByAgent, type RowContext } from "./rows.js";
import { whereOf, type NamedColumn, type TableShape, type Where } from "./select.js";
import { columnsOf, type Database } from "./sqlite.js";

const T = "local-text" as const;
const LOCAL = { added: T, archived: T };

/**
 * Every event the database's rows record that the selection can want (a superset).
 *
 * @example
 * currentEvents(db, ctx); // ctx.events filled
 */
export function currentEvents(db: Database, ctx: RowContext): void {
  const sel = ctx.select;
  for (const a of rowsOf(db, ctx, "agents", ["agent_id", "identity"])) ctx.names.set(String(a.agent_id), String(a.identity));
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
  for (const c of rowsOf(db, ctx, "channels", ["channel_id", "name", "created_at"], links)) {
    channels.set(String(c.channel_id), String(c.name));
    const key = String(c.channel_id);
    const parentMs = c.parent_channel_id ? ctx.time(c._parent_created, T) : undefined;
    const parent = parentMs === undefined ? null : idOf(ctx, "channels", String(c.parent_channel_id), "created", parentMs);
    emitRow(ctx, "channels", c, key, c.created_at, T, { kind: "created", primitive: "bridge", event_type: "create_channel", agent: null, target: c.name, parent, metadata: pick(c, { topic: "topic" }) });
    emitRow(ctx, "channels", c, key, c.archived_at, T, { kind: "archived", primitive: "bridge", event_type: "archive_channel", agent: null, target: c.name });
    const timerMs = c.timer_set_by_message_id ? ctx.time(c._timer_at, T) : undefined;
    emitRow(ctx, "channels", c, key, c._timer_at, T, {
      kind: "timer",
      primitive: "bridge",
      event_type: "set_timer",
      agent: agentName(ctx, c._timer_agent),
      target: c.name,
      parent: timerMs === undefined ? null : idOf(ctx, "messages", String(c.timer_set_by_message_id), "sent", timerMs),
      metadata: pick(c, { timer_expires_at: "expires_at", timer_set_by_message_id: "message_id" }),
    });
  }
  const sessions = new Map<string, Record<string, unknown>>();
  for (const s of rowsOf(db, ctx, "sessions", ["session_id"])) sessions.set(String(s.session_id), pick(s, { provider: "provider", model: "model", input_tokens: "input_tokens", output_tokens: "output_tokens", tool_count: "tool_count" }));
  // A timeline of an agent holds its spawns' child spawns and what their agents sent while running.
  const tree = sel.target === undefined ? undefined : spawnTree(db, sel.target, ctx.names);
  const messageWhere = whereOf(
    sel,
    { primitives: ["bridge"], agents: [agents("agent_id")], targets: [{ column: "channel_id", names: channels }], times: [{ column: "created_at", rule: T }] },
    tree ? { sql: `t.agent_id IN (SELECT agent_id FROM spawns WHERE id IN (${tree.sql}))`, params: tree.params } : undefined,
  );
  const messages = rowsOf(db, ctx, "messages", ["message_id", "channel_id", "agent_id", "content", "created_at"], { where: messageWhere });
  // A message's cause is its agent's running spawn: every spawn of those agents is read.
  const senders = messageWhere && { sql: `t.agent_id IN (SELECT t.agent_id FROM messages t${messageWhere.sql ? ` WHERE ${messageWhere.sql}` : ""})`, params: messageWhere.params };
  const also = [tree && { sql: `t.id IN (${tree.sql})`, params: tree.params }, senders].filter((w): w is Where => !!w);
  spawnEvents(db, ctx, channels, sessions, also.length === 0 ? undefined : { sql: also.map((w) => `(${w.sql})`).join(" OR "), params: also.flatMap((w) => w.params) });
  const wakes = wakesByAgent(ctx.events.filter((e) => e.event_type === "wake"));
  for (const m of messages) {
    const agent = agentName(ctx, m.agent_id);
    emitRow(ctx, "messages", m, String(m.message_id), m.created_at, T, {
      kind: "sent",
      primitive: "bridge",
      event_type: "send",
      agent,
      target: channels.get(String(m.channel_id)) ?? m.channel_id,
      metadata: { text: m.content, message_id: m.message_id },
    });
    const sent = ctx.events.at(-1);
    if (sent && sent.metadata.message_id === m.message_id) sent.parent_event_id = runningSpawn(wakes, agent, sent.timestamp)?.id ?? null;
  }
  const entry = (primitive: string, key: string): TableShape => ({ primitives: [primitive], agents: [agents("agent_id")], targets: [{ column: key }], times: [{ column: "created_at", rule: T }, { column: "archived_at", rule: T }] });
  for (const m of rowsOf(db, ctx, "memories", ["memory_id", "agent_id", "topic", "message", "created_at"], { where: whereOf(sel, entry("memory", "memory_id")) })) {
    emitEntry(ctx, "memories", m, String(m.memory_id), LOCAL, {
      kind: "added",
      primitive: "memory",
      event_type: "add_entry",
      agent: agentName(ctx, m.agent_id),
      target: m.memory_id,
      metadata: { title: m.message, ...pick(m, { topic: "topic", source: "source", core: "core" }) },
    });
  }
  for (const k of rowsOf(db, ctx, "knowledge", ["knowledge_id", "agent_id", "domain", "content", "created_at"], { where: whereOf(sel, entry("knowledge", "knowledge_id")) })) {
    emitEntry(ctx, "knowledge", k, String(k.knowledge_id), LOCAL, { kind: "added", primitive: "knowledge", event_type: "add_discovery", agent: agentName(ctx, k.agent_id), target: k.knowledge_id, metadata: { domain: k.domain, text: k.content } });
  }
  const taskShape: TableShape = {
    primitives: ["ops"],
    agents: [agents("creator_id"), agents("agent_id")],
    targets: [{ column: "task_id" }],
    times: ["created_at", "started_at", "completed_at"].map((column) => ({ column, rule: T })),
  };
  for (const t of rowsOf(db, ctx, "tasks", ["task_id", "creator_id", "content", "status", "created_at"], { where: whereOf(sel, taskShape) })) taskEvents(ctx, t);
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

/** Spawns as wakes and sleeps; a spawn's wake is caused by its parent spawn's (its id made from the parent's row). */
function spawnEvents(db: Database, ctx: RowContext, channels: Map<string, string>, sessions: Map<string, Record<string, unknown>>, also: Where | undefined): void {
  const shape: TableShape = { primitives: ["spawn"], agents: [{ column: "agent_id", names: ctx.names }], targets: [{ column: "agent_id", names: ctx.names }], times: [{ column: "created_at", rule: T }, { column: "ended_at", rule: T }] };
  const parented = columnsOf(db, "spawns").has("parent_spawn_id");
  const query = parented ? { columns: ", p.created_at AS _parent_created", joins: "LEFT JOIN spawns p ON p.id = t.parent_spawn_id" } : {};
  for (const s of rowsOf(db, ctx, "spawns", ["id", "agent_id", "status", "created_at"], { where: whereOf(ctx.select, shape, also), ...query })) {
    const agent = agentName(ctx, s.agent_id);
    const session = str(s.session_id);
    const parentMs = s.parent_spawn_id ? ctx.time(s._parent_created, T) : undefined;
    const woke = emitRow(ctx, "spawns", s, String(s.id), s.created_at, T, {
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
        ...(s.channel_id ? { channel: channels.get(String(s.channel_id)) ?? s.channel_id } : {}),
      },
    });
    emitRow(ctx, "spawns", s, String(s.id), s.ended_at, T, { kind: "slept", primitive: "spawn", event_type: "sleep", agent, target: agent, parent: woke ?? null, metadata: { status: s.status } });
  }
}
