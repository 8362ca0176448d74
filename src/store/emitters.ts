import type { EventInput, TraceEvent } from "../event/envelope.js";
import type { Writer } from "./write.js";

/** The envelope fields a typed emitter still takes: who, on what, caused by what. */
export type Envelope = Pick<EventInput, "agent_id" | "target_id" | "parent_event_id" | "timestamp">;

type Source = "builtin_pack" | "installed_pack" | "binding";
type Runner = "local" | "service" | "container";

/** Where the tool came from: a pack needs pack_id/pack_version, a binding its entry. */
export type ToolSource =
  | { resolved_source: "builtin_pack" | "installed_pack"; pack_id: string; pack_version: string }
  | { resolved_source: "binding"; entry: string };

/** How it ran: each runner brings its own required keys. */
export type ToolRunner =
  | { runner: "local"; python_env: string; python_path: string; deps_source: string }
  | { runner: "service"; service_url: string }
  | { runner: "container"; container_runtime: string; image: string; command: string | string[] };

/** A tool call trace v1 (`type` is added by the emitter). A missing required key is a compile error. */
export type ToolCallTrace = {
  tool_name: string;
  status: "ok" | "error";
  duration_ms: number;
  timeout_ms: number;
  protocol_version: number | string;
  [extra: string]: unknown;
} & ToolSource &
  ToolRunner;

/** A capability check trace v1: a denied check must carry every key; an allowed one need not. */
export type CapabilityCheckTrace =
  | {
      allowed: false;
      tool_name: string;
      resolved_source: Source;
      runner: Runner;
      capability: "filesystem_write" | "filesystem_read" | "network" | "subprocess" | "env_read" | "env_write" | "secrets";
      guarantee_source: "tool" | "pack" | "user" | "policy";
      reason: string;
      protocol_version: number | string;
      duration_ms?: number;
      [extra: string]: unknown;
    }
  | { allowed: true; [extra: string]: unknown };

type Lines = { title: string; lines: string[]; [extra: string]: unknown };
type SpaceLane = { space: string; lane: string; phase_id: string };

/** The memory events whose keys schema v1 lists, with those keys required. */
export interface MemoryTraces {
  memory_budget: Lines & SpaceLane & { owner: string };
  memory_compaction: Lines & { action: string; items_removed_count: number; summary_written: boolean; reason: string };
  memory_cache_hit: Lines & SpaceLane;
  memory_cache_miss: Lines & SpaceLane;
  memory_wake_up_report: Lines & { project_id: string };
  memory_restore_failed: Lines & { project_id: string };
  memory_pack_loaded: Lines & { pack_id: string; pack_version: string };
  memory_pack_merged: Lines;
  memory_pack_overrides: Lines;
}

/**
 * Emits a `tool_call` trace as a `tool` event; the writer checks it against schema v1 too.
 *
 * @example
 * emitToolCall(writer, { tool_name: "format", resolved_source: "binding", entry: "tools.fmt:run", runner: "local",
 *   python_env: "system", python_path: "/usr/bin/python3", deps_source: "none", status: "ok", duration_ms: 12,
 *   timeout_ms: 5000, protocol_version: 1 }, { agent_id: "haiku-1" });
 */
export function emitToolCall(writer: Writer, trace: ToolCallTrace, envelope: Envelope = {}): TraceEvent {
  return writer.emit({ ...envelope, primitive: "tool", event_type: "tool_call", metadata: { type: "tool_call", ...trace } });
}

/**
 * Emits a `capability_check` trace as a `tool` event.
 *
 * @example
 * emitCapabilityCheck(writer, { allowed: false, tool_name: "fetch", resolved_source: "binding", runner: "local",
 *   capability: "network", guarantee_source: "policy", reason: "guarantee_blocked", protocol_version: 1 });
 */
export function emitCapabilityCheck(writer: Writer, trace: CapabilityCheckTrace, envelope: Envelope = {}): TraceEvent {
  return writer.emit({ ...envelope, primitive: "tool", event_type: "capability_check", metadata: { type: "capability_check", ...trace } });
}

/**
 * Emits a memory trace whose keys schema v1 lists, as a `memory` event.
 *
 * @example
 * emitMemoryTrace(writer, "memory_wake_up_report", { title: "Wake-up", lines: ["3 notes"], project_id: "p1" }, { agent_id: "zealot-1" });
 */
export function emitMemoryTrace<T extends keyof MemoryTraces>(writer: Writer, type: T, trace: MemoryTraces[T], envelope: Envelope = {}): TraceEvent {
  return writer.emit({ ...envelope, primitive: "memory", event_type: type, metadata: { type, ...trace } });
}
