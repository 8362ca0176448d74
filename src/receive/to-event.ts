/**
 * A received span as an event. A span `trace export` wrote (it carries `trace.event_id`)
 * is that event again, byte for byte in what it says; any other span becomes an event by
 * the GenAI conventions and OpenInference's kinds: an agent's invocation a `spawn
 * invoke_agent`, a tool's execution a `tool execute_tool`, a model call an `ai chat`,
 * anything else an `otel` event named after its operation; the agent from
 * `gen_ai.agent.name`, else the resource's `service.name`; the id derived from
 * `traceId` + `spanId`, so that a span sent again is the same event; the parent from
 * `parentSpanId`; the time the span's end (an event is written when it finished) and
 * its length `duration_ms`; the span's name, kind, ids and attributes under
 * `metadata.otel`.
 */
import type { TraceEvent } from "../event/envelope.js";

/** A span as the JSON encoding of OTLP gives it (the protobuf decoder gives the same shape). */
export type SpanIn = Record<string, unknown>;

/** An attribute's value as a plain value. */
export function plainValue(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  if ("stringValue" in o) return o.stringValue;
  if ("boolValue" in o) return o.boolValue;
  if ("intValue" in o) {
    const n = Number(o.intValue);
    return Number.isSafeInteger(n) ? n : String(o.intValue);
  }
  if ("doubleValue" in o) return Number(o.doubleValue);
  if ("arrayValue" in o) return ((o.arrayValue as { values?: unknown[] })?.values ?? []).map(plainValue);
  if ("kvlistValue" in o) return attributesOf((o.kvlistValue as { values?: unknown[] })?.values);
  if ("bytesValue" in o) return o.bytesValue;
  return null;
}

/** Key-values as an object of plain values. */
export function attributesOf(list: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) if (kv !== null && typeof kv === "object" && typeof (kv as { key?: unknown }).key === "string") out[(kv as { key: string }).key] = plainValue((kv as { value?: unknown }).value);
  return out;
}

const HEX = /^[0-9a-f]+$/i;
const KINDS = ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"];

/** An id as lowercase hex of `bytes` bytes, or undefined. */
function hexId(v: unknown, bytes: number): string | undefined {
  return typeof v === "string" && v.length === bytes * 2 && HEX.test(v) && !/^0+$/.test(v) ? v.toLowerCase() : undefined;
}

/** Nanoseconds as a bigint, or undefined. */
function nanos(v: unknown): bigint | undefined {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === "string" && /^\d{1,20}$/.test(v)) return BigInt(v);
  return undefined;
}

/** A UUID-shaped event id from a span's trace and span ids: the same span, the same event. */
export function eventIdOf(traceId: string, spanId: string): string {
  const h = process.getBuiltinModule("node:crypto").createHash("sha256").update(`${traceId}:${spanId}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Dotted keys back into nested objects (`metadata.a.b` → `{a: {b}}`), as the export flattened them. */
function nest(flat: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    if (!key.startsWith(prefix)) continue;
    const path = key.slice(prefix.length).split(".");
    let at = out;
    for (const part of path.slice(0, -1)) at = (at[part] ??= {}) as Record<string, unknown>;
    at[path.at(-1)!] = value;
  }
  return out;
}

/**
 * The event of a span, or why the span cannot be one.
 *
 * @example
 * const made = eventOfSpan(span, { "service.name": "crew" });
 * if (typeof made === "string") rejected.push(made);
 */
export function eventOfSpan(span: SpanIn, resource: Record<string, unknown>): TraceEvent | string {
  const traceId = hexId(span.traceId, 16);
  const spanId = hexId(span.spanId, 8);
  if (traceId === undefined) return "no valid traceId (32 hex digits)";
  if (spanId === undefined) return "no valid spanId (16 hex digits)";
  const end = nanos(span.endTimeUnixNano);
  const start = nanos(span.startTimeUnixNano) ?? end;
  if (end === undefined || start === undefined) return "no endTimeUnixNano";
  if (end < start) return "ends before it starts";
  const parentSpan = typeof span.parentSpanId === "string" && span.parentSpanId !== "" ? hexId(span.parentSpanId, 8) : undefined;
  if (typeof span.parentSpanId === "string" && span.parentSpanId !== "" && parentSpan === undefined) return "a parentSpanId that is not 16 hex digits";
  const a = attributesOf(span.attributes);
  const timestamp = Number(end / 1_000_000n);
  const durationMs = Number((end - start) / 1_000_000n);
  // A span trace itself exported: the event it was, at its end when it lasted (an
  // agent's invocation, which the export stretches to the sleep, is at its start).
  if (typeof a["trace.event_id"] === "string" && typeof a["trace.primitive"] === "string" && typeof a["trace.event_type"] === "string") {
    const metadata = nest(a, "metadata.");
    return {
      id: a["trace.event_id"] as string,
      timestamp: typeof metadata.duration_ms === "number" && metadata.duration_ms > 0 ? timestamp : Number(start / 1_000_000n),
      primitive: a["trace.primitive"] as string,
      event_type: a["trace.event_type"] as string,
      agent_id: typeof a["trace.agent_id"] === "string" ? (a["trace.agent_id"] as string) : null,
      target_id: typeof a["trace.target_id"] === "string" ? (a["trace.target_id"] as string) : null,
      parent_event_id: typeof a["trace.parent_event_id"] === "string" ? (a["trace.parent_event_id"] as string) : null,
      metadata,
    };
  }
  const operation = typeof a["gen_ai.operation.name"] === "string" ? (a["gen_ai.operation.name"] as string) : undefined;
  const kindOf = typeof a["openinference.span.kind"] === "string" ? (a["openinference.span.kind"] as string).toUpperCase() : undefined;
  const agent = (a["gen_ai.agent.name"] ?? resource["service.name"] ?? null) as string | null;
  const conversation = a["gen_ai.conversation.id"] ?? a["session.id"];
  const status = span.status as { code?: unknown; message?: unknown } | undefined;
  const failed = status?.code === 2 || status?.code === "STATUS_CODE_ERROR";
  const kind = typeof span.kind === "number" ? span.kind : Math.max(0, KINDS.indexOf(String(span.kind)));
  const meta: Record<string, unknown> = {
    ...(durationMs > 0 ? { duration_ms: durationMs } : {}),
    ...(conversation !== undefined ? { session_id: conversation } : {}),
    ...(failed ? { status: "error", error: typeof status?.message === "string" && status.message !== "" ? status.message : (a["error.type"] ?? "error") } : {}),
    otel: { name: typeof span.name === "string" ? span.name : "", kind, trace_id: traceId, span_id: spanId, ...(parentSpan ? { parent_span_id: parentSpan } : {}), start_ns: start.toString(), end_ns: end.toString(), attributes: a },
  };
  let primitive = "otel";
  let type = operation ?? "span";
  let target = typeof conversation === "string" ? conversation : null;
  if (operation === "invoke_agent" || operation === "create_agent" || kindOf === "AGENT") {
    [primitive, type, target] = ["spawn", "invoke_agent", agent];
  } else if (operation === "execute_tool" || kindOf === "TOOL") {
    [primitive, type] = ["tool", "execute_tool"];
    meta.tool_name = a["gen_ai.tool.name"] ?? a["tool.name"] ?? span.name;
    if (a["gen_ai.tool.call.id"] !== undefined) meta.tool_call_id = a["gen_ai.tool.call.id"];
  } else if (operation === "chat" || operation === "text_completion" || operation === "generate_content" || kindOf === "LLM") {
    [primitive, type] = ["ai", operation ?? "chat"];
    meta.model = a["gen_ai.request.model"] ?? a["gen_ai.response.model"] ?? a["llm.model_name"];
    if (a["gen_ai.provider.name"] !== undefined) meta.provider = a["gen_ai.provider.name"];
    const input = a["gen_ai.usage.input_tokens"] ?? a["llm.token_count.prompt"];
    const output = a["gen_ai.usage.output_tokens"] ?? a["llm.token_count.completion"];
    if (input !== undefined) meta.input_tokens = input;
    if (output !== undefined) meta.output_tokens = output;
  }
  if (!/^[a-z][a-z0-9_]*$/.test(type)) type = "span";
  return {
    id: eventIdOf(traceId, spanId),
    timestamp,
    primitive,
    event_type: type,
    agent_id: typeof agent === "string" && agent !== "" ? agent : null,
    target_id: target,
    parent_event_id: parentSpan ? eventIdOf(traceId, parentSpan) : null,
    metadata: meta,
  };
}
