/**
 * The per-primitive databases of space-os at 2025-10-22 as events: `spawn.db` (agents
 * and their tasks), `events.db` (passed through: its `source` is the primitive,
 * `identity` wakes and sleeps are spawn events), `bridge.db`, `memory.db`,
 * `knowledge.db`. Their times: `events.timestamp` and the integer `*_at` columns of
 * memory and knowledge are epoch seconds; `TIMESTAMP DEFAULT CURRENT_TIMESTAMP` columns
 * UTC text.
 */
import { agentName, emitEntry, emitRow, idOf, pick, rowsOf, runningSpawn, runsByAgent, str, type RowContext } from "./rows.js";
import { inColumns, whereOf, type TableShape } from "./select.js";
import type { Kind } from "./shape.js";
import { columnsOf, type Database } from "./sqlite.js";
import type { TimeRule } from "./times.js";

const at = (...columns: [string, TimeRule][]): TableShape["times"] => columns.map(([column, rule]) => ({ column, rule }));

/**
 * The events of one of the layout's databases.
 *
 * @example
 * legacyEvents("bridge.db", db, ctx);
 */
export function legacyEvents(file: Exclude<Kind, "space.db">, db: Database, ctx: RowContext): void {
  ({ "spawn.db": spawn, "events.db": events, "bridge.db": bridge, "memory.db": memory, "knowledge.db": knowledge })[file](db, ctx);
}

function spawn(db: Database, ctx: RowContext): void {
  for (const a of rowsOf(db, ctx, "agents")) if (a.name !== null) ctx.names.set(String(a.id), String(a.name));
  // A message's cause is its sender's running spawn, and bridge.db is read after: spawns
  // are narrowed by agent or primitive only (one row a spawn, few beside the messages).
  const sel = { agent: ctx.select.agent, primitive: ctx.select.primitive === "bridge" ? undefined : ctx.select.primitive };
  const shape: TableShape = { primitives: ["spawn"], agents: [{ column: "identity" }], targets: [{ column: "uuid7" }], channels: [{ column: "channel" }], times: [] };
  for (const t of rowsOf(db, ctx, "tasks", { where: whereOf(sel, shape) })) {
    const started = emitRow(ctx, "tasks", t, String(t.uuid7), t.created_at, "utc-text", {
      kind: "started",
      primitive: "spawn",
      event_type: "spawn",
      agent: t.identity,
      target: t.uuid7,
      metadata: pick(t, { channel: "channel", input: "text" }),
    });
    emitRow(ctx, "tasks", t, String(t.uuid7), t.completed_at, "utc-text", { kind: "completed", primitive: "spawn", event_type: "spawn_done", agent: t.identity, target: t.uuid7, parent: started ?? null, metadata: pick(t, { output: "output", stderr: "stderr", channel: "channel" }) });
    if (started) ctx.runs.push({ agent: str(t.identity), id: started, start: ctx.time(t.created_at, "utc-text")!, end: ctx.time(t.completed_at, "utc-text") });
  }
}

function events(db: Database, ctx: RowContext): void {
  // Wakes and sleeps target their agent (other events nothing: the clause reads a superset).
  const agent = { column: "agent_id", names: ctx.names };
  const shape: TableShape = { primitives: [], agents: [agent], targets: [agent], times: at(["timestamp", "epoch-s"]) };
  for (const e of rowsOf(db, ctx, "events", { where: whereOf(ctx.select, shape) })) {
    const type = String(e.event_type);
    const primitive = e.source === "identity" || type === "wake" || type === "sleep" ? "spawn" : String(e.source).toLowerCase().replace(/[^a-z0-9_-]/g, "_");
    const agent = agentName(ctx, e.agent_id);
    emitRow(ctx, "events", e, String(e.id), e.timestamp, "epoch-s", {
      kind: "event",
      primitive: /^[a-z]/.test(primitive) ? primitive : "space",
      event_type: /^[A-Za-z][A-Za-z0-9_.:-]*$/.test(type) ? type : "event",
      agent,
      target: type === "wake" || type === "sleep" ? agent : null,
      metadata: { ...dataOf(e.data), ...(str(e.session_id) ? { session_id: e.session_id } : {}) },
    });
  }
}

/** A row's `data`: a JSON object as it is, anything else under `data`. */
function dataOf(data: unknown): Record<string, unknown> {
  if (typeof data !== "string" || data === "") return {};
  try {
    const v: unknown = JSON.parse(data);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : { data: v };
  } catch {
    return { data };
  }
}

function bridge(db: Database, ctx: RowContext): void {
  const channels = new Map<string, string>();
  for (const c of rowsOf(db, ctx, "channels")) {
    channels.set(String(c.id), String(c.name));
    if (!whereOf(ctx.select, { primitives: ["bridge"], agents: [], targets: [{ column: "name" }], channels: [{ column: "name" }], times: [] })) continue;
    emitRow(ctx, "channels", c, String(c.id), c.created_at, "utc-text", { kind: "created", primitive: "bridge", event_type: "create_channel", agent: null, target: c.name, metadata: pick(c, { topic: "topic" }) });
  }
  const agent = { column: "agent_id", names: ctx.names };
  const onChannel = { column: "channel_id", names: channels };
  const shape: TableShape = { primitives: ["bridge"], agents: [agent], targets: [onChannel], channels: [onChannel], times: at(["created_at", "utc-text"]) };
  // A spawn's timeline holds what its agent sent while it ran.
  const target = ctx.select.target;
  const spawned = target === undefined ? [] : ctx.events.filter((e) => e.event_type === "spawn" && e.target_id === target).map((e) => e.agent_id ?? "");
  const runs = runsByAgent(ctx.runs);
  for (const m of rowsOf(db, ctx, "messages", { where: whereOf(ctx.select, shape, inColumns([agent], spawned)) })) {
    const sender = agentName(ctx, m.agent_id);
    const ms = ctx.time(m.created_at, "utc-text");
    emitRow(ctx, "messages", m, String(m.id), m.created_at, "utc-text", {
      kind: "sent",
      primitive: "bridge",
      event_type: "send",
      agent: sender,
      target: channels.get(String(m.channel_id)) ?? m.channel_id,
      parent: ms === undefined ? null : (runningSpawn(runs, sender, ms)?.id ?? null),
      metadata: { text: m.content, message_id: m.id, ...pick(m, { priority: "priority" }) },
    });
  }
  for (const n of rowsOf(db, ctx, "notes", { where: whereOf(ctx.select, shape) })) {
    emitRow(ctx, "notes", n, String(n.note_id), n.created_at, "utc-text", { kind: "noted", primitive: "bridge", event_type: "note", agent: agentName(ctx, n.agent_id), target: channels.get(String(n.channel_id)) ?? n.channel_id, metadata: { text: n.content } });
  }
}

function memory(db: Database, ctx: RowContext): void {
  // A memory's cause: the one it supersedes, else its first link's parent; its id is made
  // from the cause's row, so that a memory read alone names the same parent.
  const cause = "COALESCE(t.supersedes, (SELECT l.parent_id FROM memory_links l WHERE l.memory_id = t.memory_id ORDER BY l.rowid LIMIT 1))";
  const linked = columnsOf(db, "memory_links").has("parent_id") && columnsOf(db, "memories").has("supersedes");
  const query = linked ? { columns: `, p.memory_id AS _cause, p.created_at AS _cause_created`, joins: `LEFT JOIN memories p ON p.memory_id = ${cause}` } : {};
  // A timeline of a memory holds the memories that supersede it: every row is read.
  const sel = { ...ctx.select, target: undefined };
  const shape: TableShape = { primitives: ["memory"], agents: [{ column: "agent_id", names: ctx.names }], targets: [{ column: "memory_id" }], times: at(["created_at", "epoch-s"], ["archived_at", "epoch-s"]) };
  for (const m of rowsOf(db, ctx, "memories", { where: whereOf(sel, shape), ...query })) {
    const causeMs = m._cause ? ctx.time(m._cause_created, "epoch-s") : undefined;
    emitEntry(ctx, "memories", m, String(m.memory_id), { added: "epoch-s", archived: "epoch-s" }, {
      kind: "added",
      primitive: "memory",
      event_type: "add_entry",
      agent: agentName(ctx, m.agent_id),
      target: m.memory_id,
      parent: causeMs === undefined ? null : idOf(ctx, "memories", String(m._cause), "added", causeMs),
      metadata: { title: m.message, ...pick(m, { topic: "topic", source: "source", core: "core", bridge_channel: "channel" }) },
    });
  }
}

function knowledge(db: Database, ctx: RowContext): void {
  const shape: TableShape = { primitives: ["knowledge"], agents: [{ column: "agent_id", names: ctx.names }], targets: [{ column: "knowledge_id" }], times: at(["created_at", "utc-text"], ["archived_at", "epoch-s"]) };
  for (const k of rowsOf(db, ctx, "knowledge", { where: whereOf(ctx.select, shape) })) {
    emitEntry(ctx, "knowledge", k, String(k.knowledge_id), { added: "utc-text", archived: "epoch-s" }, {
      kind: "added",
      primitive: "knowledge",
      event_type: "add_discovery",
      agent: agentName(ctx, k.agent_id),
      target: k.knowledge_id,
      metadata: { domain: k.domain, text: k.content, ...pick(k, { confidence: "confidence" }) },
    });
  }
}
