/**
 * The per-primitive databases of space-os at 2025-10-22 as events: `spawn.db` (agents
 * and their tasks), `events.db` (passed through: its `source` is the primitive,
 * `identity` wakes and sleeps are spawn events), `bridge.db`, `memory.db`,
 * `knowledge.db`. Their times: `events.timestamp` and the integer `*_at` columns of
 * memory and knowledge are epoch seconds; `TIMESTAMP DEFAULT CURRENT_TIMESTAMP` columns
 * UTC text.
 */
import type { LEGACY_FILES } from "./discover.js";
import { agentName, emitEntry, emitRow, pick, rowsOf, str, type RowContext } from "./rows.js";
import type { Database } from "./sqlite.js";


/**
 * The events of one of the layout's databases.
 *
 * @example
 * legacyEvents("bridge.db", db, ctx);
 */
export function legacyEvents(file: (typeof LEGACY_FILES)[number], db: Database, ctx: RowContext): void {
  ({ "spawn.db": spawn, "events.db": events, "bridge.db": bridge, "memory.db": memory, "knowledge.db": knowledge })[file](db, ctx);
}

function spawn(db: Database, ctx: RowContext): void {
  for (const a of rowsOf(db, ctx, "agents", ["id", "name"])) if (a.name !== null) ctx.names.set(String(a.id), String(a.name));
  for (const t of rowsOf(db, ctx, "tasks", ["uuid7", "identity", "created_at"])) {
    const started = emitRow(ctx, "tasks", t, String(t.uuid7), t.created_at, "utc-text", {
      kind: "started",
      primitive: "spawn",
      event_type: "spawn",
      agent: t.identity,
      target: t.identity,
      metadata: pick(t, { channel: "channel", input: "text" }),
    });
    emitRow(ctx, "tasks", t, String(t.uuid7), t.completed_at, "utc-text", { kind: "completed", primitive: "spawn", event_type: "spawn_done", agent: t.identity, target: t.identity, parent: started ?? null, metadata: pick(t, { output: "output", stderr: "stderr" }) });
  }
}

function events(db: Database, ctx: RowContext): void {
  for (const e of rowsOf(db, ctx, "events", ["id", "source", "event_type", "timestamp"])) {
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
  for (const c of rowsOf(db, ctx, "channels", ["id", "name"])) {
    channels.set(String(c.id), String(c.name));
    emitRow(ctx, "channels", c, String(c.id), c.created_at, "utc-text", { kind: "created", primitive: "bridge", event_type: "create_channel", agent: null, target: c.name, metadata: pick(c, { topic: "topic" }) });
  }
  for (const m of rowsOf(db, ctx, "messages", ["id", "channel_id", "agent_id", "content", "created_at"])) {
    emitRow(ctx, "messages", m, String(m.id), m.created_at, "utc-text", {
      kind: "sent",
      primitive: "bridge",
      event_type: "send",
      agent: agentName(ctx, m.agent_id),
      target: channels.get(String(m.channel_id)) ?? m.channel_id,
      metadata: { text: m.content, message_id: m.id, ...pick(m, { priority: "priority" }) },
    });
  }
  for (const n of rowsOf(db, ctx, "notes", ["note_id", "channel_id", "agent_id", "content", "created_at"])) {
    emitRow(ctx, "notes", n, String(n.note_id), n.created_at, "utc-text", { kind: "noted", primitive: "bridge", event_type: "note", agent: agentName(ctx, n.agent_id), target: channels.get(String(n.channel_id)) ?? n.channel_id, metadata: { text: n.content } });
  }
}

function memory(db: Database, ctx: RowContext): void {
  const rows = rowsOf(db, ctx, "memories", ["memory_id", "agent_id", "topic", "message", "created_at"]);
  const added = new Map<string, string>();
  for (const m of rows) {
    const id = emitEntry(ctx, "memories", m, String(m.memory_id), { added: "epoch-s", archived: "epoch-s" }, {
      kind: "added",
      primitive: "memory",
      event_type: "add_entry",
      agent: agentName(ctx, m.agent_id),
      target: m.memory_id,
      metadata: { title: m.message, ...pick(m, { topic: "topic", source: "source", core: "core", bridge_channel: "channel" }) },
    });
    if (id) added.set(String(m.memory_id), id);
  }
  // A memory's cause: the one it supersedes, else its first link's parent.
  const links = new Map<string, string>();
  for (const l of rowsOf(db, ctx, "memory_links", ["memory_id", "parent_id"])) if (!links.has(String(l.memory_id))) links.set(String(l.memory_id), String(l.parent_id));
  for (const e of ctx.events) {
    if (e.event_type !== "add_entry" || e.primitive !== "memory" || e.target_id === null || !added.has(e.target_id)) continue;
    const row = rows.find((m) => String(m.memory_id) === e.target_id);
    const cause = str(row?.supersedes) ?? links.get(e.target_id);
    if (cause && added.has(cause)) e.parent_event_id = added.get(cause)!;
  }
}

function knowledge(db: Database, ctx: RowContext): void {
  for (const k of rowsOf(db, ctx, "knowledge", ["knowledge_id", "domain", "agent_id", "content", "created_at"])) {
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
