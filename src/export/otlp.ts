/**
 * OTLP/JSON traces (the opentelemetry-proto JSON encoding): `resourceSpans` →
 * `scopeSpans` → `spans`, streamed a batch at a time (several `resourceSpans` of one
 * service are as valid as one). Each tree is a trace, each event a span; `service.name`
 * is the event's agent (its primitive when it has none): the tracing UIs list services,
 * and in a swarm the agents are what acted. An event with `duration_ms` is a span that
 * long, ending at its timestamp (it was written when it finished); any other event is a
 * zero-length span, not a span event, so that it can still be the parent of others.
 */
import type { TraceEvent } from "../event/envelope.js";
import { failureOf } from "../event/status.js";
import { VERSION } from "../version.js";
import { anyValue, capDepth, toAttributes, type KeyValue } from "./attributes.js";
import { spanIdOf, traceIdOf } from "./ids.js";
import { cutsCycle, durationOf, type ExportItem } from "./item.js";

/** SPAN_KIND_INTERNAL: work inside the workspace, neither served nor called over a wire. */
const INTERNAL = 1;
/** STATUS_CODE_ERROR. */
const ERROR = 2;

const nanos = (ms: number): string => (BigInt(Math.round(ms * 1000)) * 1000n).toString();

const attr = (key: string, v: unknown): KeyValue[] => {
  const value = anyValue(v);
  return value ? [{ key, value }] : [];
};

/** The span of one event. */
function spanOf(item: ExportItem): Record<string, unknown> {
  const e: TraceEvent = item.event;
  const duration = durationOf(e) ?? 0;
  const cut = cutsCycle(item);
  const failure = failureOf(e);
  const status = failure === undefined ? undefined : { code: ERROR, message: failure };
  return {
    traceId: traceIdOf(item.root),
    spanId: spanIdOf(e.id),
    ...(e.parent_event_id !== null && !cut ? { parentSpanId: spanIdOf(e.parent_event_id) } : {}),
    name: `${e.primitive} ${e.event_type}`,
    kind: INTERNAL,
    startTimeUnixNano: nanos(e.timestamp - duration),
    endTimeUnixNano: nanos(e.timestamp),
    attributes: [
      ...attr("trace.event_id", e.id),
      ...attr("trace.primitive", e.primitive),
      ...attr("trace.event_type", e.event_type),
      ...attr("trace.agent_id", e.agent_id),
      ...attr("trace.target_id", e.target_id),
      ...attr("trace.parent_event_id", e.parent_event_id),
      ...toAttributes(capDepth(e.metadata), "metadata"),
      ...(cut ? [{ key: "trace.cycle_cut", value: { boolValue: true } }] : []),
    ],
    ...(item.inferred ? { links: [{ traceId: traceIdOf(item.inferred.root), spanId: spanIdOf(item.inferred.id), attributes: [{ key: "trace.inferred", value: { boolValue: true } }] }] } : {}),
    ...(status ? { status } : {}),
  };
}

/** The service an event's span belongs to. */
const serviceOf = (e: TraceEvent): string => e.agent_id ?? e.primitive;

/**
 * The export as OTLP/JSON text, a chunk per batch of events.
 *
 * @example
 * for await (const chunk of otlpChunks(batches)) process.stdout.write(chunk);
 */
export async function* otlpChunks(batches: AsyncIterable<readonly ExportItem[]>): AsyncGenerator<string> {
  yield '{"resourceSpans":[';
  let first = true;
  for await (const batch of batches) {
    const byService = new Map<string, Record<string, unknown>[]>();
    for (const item of batch) {
      const service = serviceOf(item.event);
      const spans = byService.get(service);
      if (spans) spans.push(spanOf(item));
      else byService.set(service, [spanOf(item)]);
    }
    let chunk = "";
    for (const [service, spans] of byService) {
      const resource = { attributes: [{ key: "service.name", value: { stringValue: service } }] };
      chunk += `${first ? "" : ","}${JSON.stringify({ resource, scopeSpans: [{ scope: { name: "swarm-trace", version: VERSION }, spans }] })}`;
      first = false;
    }
    if (chunk !== "") yield chunk;
  }
  yield "]}\n";
}
