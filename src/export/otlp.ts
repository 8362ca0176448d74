/**
 * OTLP/JSON traces (the opentelemetry-proto JSON encoding): `resourceSpans` →
 * `scopeSpans` → `spans`, streamed a batch at a time (several `resourceSpans` of one
 * service are as valid as one). Each tree is a trace, each event a span; `service.name`
 * is the event's agent (its primitive when it has none): the tracing UIs list services,
 * and in a swarm the agents are what acted. An event with `duration_ms` is a span that
 * long, ending at its timestamp (it was written when it finished); any other event is a
 * zero-length span, not a span event, so that it can still be the parent of others.
 * Names, kinds and `gen_ai.*` attributes follow the GenAI conventions (genai.ts): a wake
 * is an agent's invocation, a span that lasts until the agent's next sleep (held back
 * until then), and parents the agent's parentless events in between.
 */
import type { TraceEvent } from "../event/envelope.js";
import { failureOf } from "../event/status.js";
import { VERSION } from "../version.js";
import { anyValue, capDepth, toAttributes, type KeyValue } from "./attributes.js";
import { closesAgent, genAiOf, opensAgent } from "./genai.js";
import { spanIdOf, traceIdOf } from "./ids.js";
import { cutsCycle, durationOf, type ExportItem } from "./item.js";

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
  const genAi = genAiOf(e);
  const parent = e.parent_event_id !== null && !cut ? e.parent_event_id : item.heldBy;
  return {
    traceId: traceIdOf(item.root),
    spanId: spanIdOf(e.id),
    ...(parent !== undefined ? { parentSpanId: spanIdOf(parent) } : {}),
    name: genAi.name,
    kind: genAi.kind,
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
      ...genAi.attributes,
    ],
    ...(item.inferred ? { links: [{ traceId: traceIdOf(item.inferred.root), spanId: spanIdOf(item.inferred.id), attributes: [{ key: "trace.inferred", value: { boolValue: true } }] }] } : {}),
    ...(status ? { status } : {}),
  };
}

/** The service an event's span belongs to. */
const serviceOf = (e: TraceEvent): string => e.agent_id ?? e.primitive;

/**
 * The export as OTLP/JSON text, a chunk per batch of events (an agent's invocation when
 * it ends: at its sleep, its next wake, or the end of the export).
 *
 * @example
 * for await (const chunk of otlpChunks(batches)) process.stdout.write(chunk);
 */
export async function* otlpChunks(batches: AsyncIterable<readonly ExportItem[]>): AsyncGenerator<string> {
  yield '{"resourceSpans":[';
  let first = true;
  // Each agent's open invocation (its wake's span), held until the agent sleeps.
  const invoking = new Map<string, Record<string, unknown>>();
  const chunkOf = (spans: [string, Record<string, unknown>][]): string => {
    let chunk = "";
    for (const resourceSpans of byService(spans)) {
      chunk += `${first ? "" : ","}${JSON.stringify(resourceSpans)}`;
      first = false;
    }
    return chunk;
  };
  for await (const batch of batches) {
    const ready: [string, Record<string, unknown>][] = [];
    for (const item of batch) {
      const e = item.event;
      const span = spanOf(item);
      const agent = e.agent_id;
      const open = agent === null ? undefined : invoking.get(agent);
      if (open && e.timestamp * 1e6 >= Number(open.endTimeUnixNano)) open.endTimeUnixNano = span.endTimeUnixNano;
      if (agent !== null && (opensAgent(e) || closesAgent(e))) {
        // A new wake, or a sleep, ends the invocation before it.
        if (open) ready.push([agent, open]);
        invoking.delete(agent);
        if (opensAgent(e)) {
          invoking.set(agent, span);
          continue;
        }
      }
      ready.push([serviceOf(e), span]);
    }
    const chunk = chunkOf(ready);
    if (chunk !== "") yield chunk;
  }
  const rest = chunkOf([...invoking].map(([agent, span]) => [agent, span]));
  yield `${rest}]}\n`;
}

/** Spans grouped by their service, as `resourceSpans`. */
function byService(spans: readonly [string, Record<string, unknown>][]): Record<string, unknown>[] {
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const [service, span] of spans) {
    const list = groups.get(service);
    if (list) list.push(span);
    else groups.set(service, [span]);
  }
  return [...groups].map(([service, list]) => ({ resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] }, scopeSpans: [{ scope: { name: "swarm-trace", version: VERSION }, spans: list }] }));
}

/**
 * One OTLP/JSON request (`ExportTraceServiceRequest`) of a batch, every span as it stands:
 * an agent's invocation is sent at its wake, as long as nothing yet (a push cannot hold
 * a span back past the cursor that says it was sent).
 *
 * @example
 * await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: otlpRequest(items) });
 */
export function otlpRequest(items: readonly ExportItem[]): string {
  return JSON.stringify({ resourceSpans: byService(items.map((item) => [serviceOf(item.event), spanOf(item)])) });
}
