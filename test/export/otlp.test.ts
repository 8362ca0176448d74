import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { exportTo, openWriter, type TraceEvent } from "../../src/index.js";
import { EXAMPLE, lines, tempDir, trace } from "../helpers/cli.js";

// OpenTelemetry's own generated protobuf definitions decode what the export writes.
type Message = { [k: string]: unknown };
type MessageType = { fromObject(o: unknown): Message; encode(m: Message): { finish(): Uint8Array }; decode(b: Uint8Array): Message; toObject(m: Message, o: object): Message; verify(o: unknown): string | null };
const root = createRequire(import.meta.url)("@opentelemetry/otlp-transformer/build/src/generated/root.js") as { opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: MessageType } } } } } };
const Request = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

type Span = { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; startTimeUnixNano: string; endTimeUnixNano: string; attributes: { key: string; value: Record<string, unknown> }[]; links?: { traceId: string; spanId: string; attributes: unknown[] }[] };
type Document = { resourceSpans: { resource: { attributes: { key: string; value: { stringValue: string } }[] }; scopeSpans: { scope: { name: string }; spans: Span[] }[] }[] };

const ID_FIELDS = ["traceId", "spanId", "parentSpanId"];
/** The JSON encoding's hex ids as the bytes protobuf holds, and back: the only place OTLP/JSON departs from the proto3 mapping. */
function ids(value: unknown, to: (s: string) => unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => ids(v, to));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ID_FIELDS.includes(k) && typeof v === "string" ? to(v) : ids(v, to)]));
}

/** Decodes the document through the binary protobuf form: what survives is what OpenTelemetry's schema knows. */
function throughProtobuf(doc: Document): Document {
  const message = Request.fromObject(ids(doc, (hex) => Buffer.from(hex, "hex")));
  const decoded = Request.decode(Request.encode(message).finish());
  const object = Request.toObject(decoded, { longs: String, enums: Number, bytes: String });
  return ids(object, (b64) => Buffer.from(b64, "base64").toString("hex")) as Document;
}

const span16 = (id: string): string => createHash("sha256").update(id).digest("hex").slice(0, 16);
const spans = (doc: Document): (Span & { service: string })[] =>
  doc.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((span) => ({ ...span, service: r.resource.attributes.find((a) => a.key === "service.name")!.value.stringValue }))));

test("OTLP/JSON of the seed's payment tree decodes with OpenTelemetry's protobuf definitions: ids, parents, times and attributes event by event", async () => {
  const r = await trace(["export", "--format", "otlp", "--causality", "task-abc123", "--dir", EXAMPLE]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Document;
  assert.deepEqual(throughProtobuf(doc), doc, "every field is one the schema knows, of its type");
  const tree = JSON.parse((await trace(["--causality", "task-abc123", "--json", "--dir", EXAMPLE])).stdout) as { event: TraceEvent; children: unknown[] };
  const events: TraceEvent[] = [];
  for (const stack = [tree]; stack.length > 0; ) {
    const node = stack.pop() as { event: TraceEvent; children: { event: TraceEvent; children: unknown[] }[] };
    events.push(node.event);
    stack.push(...node.children);
  }
  const got = spans(throughProtobuf(doc));
  assert.equal(got.length, events.length);
  assert.equal(events.length, 10);
  const traceId = tree.event.id.replaceAll("-", "");
  for (const e of events) {
    const s = got.find((x) => x.spanId === span16(e.id));
    assert.ok(s, `a span for ${e.id}`);
    assert.equal(s.traceId, traceId, "one tree, one trace, named by its root");
    assert.equal(s.parentSpanId, e.parent_event_id === null ? undefined : span16(e.parent_event_id));
    assert.equal(s.startTimeUnixNano, `${e.timestamp}000000`);
    assert.equal(s.endTimeUnixNano, s.startTimeUnixNano, "an event without a duration is a zero-length span");
    assert.equal(s.name, `${e.primitive} ${e.event_type}`);
    assert.equal(s.kind, 1);
    assert.equal(s.service, e.agent_id ?? e.primitive);
    const attrs = Object.fromEntries(s.attributes.map((a) => [a.key, a.value]));
    assert.deepEqual(attrs["trace.event_id"], { stringValue: e.id });
    assert.deepEqual(attrs["trace.primitive"], { stringValue: e.primitive });
    if (e.target_id !== null) assert.deepEqual(attrs["trace.target_id"], { stringValue: e.target_id });
    for (const [key, value] of Object.entries(e.metadata)) {
      const expected = typeof value === "number" ? { intValue: String(value) } : typeof value === "string" ? { stringValue: value } : undefined;
      if (expected) assert.deepEqual(attrs[`metadata.${key}`], expected, `${e.event_type} metadata.${key}`);
    }
  }
});

test("OTLP: nested metadata flattened with dotted keys and types kept; a duration is the span's length; several trees are several traces; an inferred cause is a link", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const w = openWriter({ dir });
  const wake = w.emit({ primitive: "spawn", event_type: "wake", agent_id: "z", target_id: "z", metadata: { session_id: 7 }, timestamp: 10_000 });
  const call = w.emit({
    primitive: "ai",
    event_type: "ai_call",
    agent_id: "z",
    parent_event_id: wake.id,
    metadata: { model: "haiku", status: "error", duration_ms: 250, ratio: 0.5, ok: false, tags: ["a", 2], nested: { deep: { n: 3 } }, none: null },
    timestamp: 11_000,
  });
  const next = w.emit({ primitive: "ops", event_type: "create_task", agent_id: "z", target_id: "task-i", metadata: { session_id: 7 }, timestamp: 12_000 });
  w.close();
  const whole = JSON.parse((await trace(["export", "--format", "otlp", "--dir", dir])).stdout) as Document;
  assert.deepEqual(throughProtobuf(whole), whole);
  const all = spans(whole);
  const tool = all.find((s) => s.spanId === span16(call.id))!;
  assert.equal(tool.startTimeUnixNano, "10750000000");
  assert.equal(tool.endTimeUnixNano, "11000000000", "ends at its time, began duration_ms before");
  assert.deepEqual((tool as unknown as { status: unknown }).status, { code: 2, message: "error" });
  const attrs = Object.fromEntries(tool.attributes.map((a) => [a.key, a.value]));
  assert.deepEqual(attrs["metadata.duration_ms"], { intValue: "250" });
  assert.deepEqual(attrs["metadata.ratio"], { doubleValue: 0.5 });
  assert.deepEqual(attrs["metadata.ok"], { boolValue: false });
  assert.deepEqual(attrs["metadata.tags"], { arrayValue: { values: [{ stringValue: "a" }, { intValue: "2" }] } });
  assert.deepEqual(attrs["metadata.nested.deep.n"], { intValue: "3" });
  assert.equal(attrs["metadata.none"], undefined, "OTLP has no null");
  assert.deepEqual(new Set(all.map((s) => s.traceId)), new Set([wake.id, next.id].map((id) => id.replaceAll("-", ""))), "two trees, two traces");
  // --infer: the parentless task is caused by the wake, as a link and never a parent.
  const inferred = JSON.parse((await trace(["export", "--format", "otlp", "--causality", "task-i", "--infer", "--dir", dir])).stdout) as Document;
  assert.deepEqual(throughProtobuf(inferred), inferred);
  const task = spans(inferred).find((s) => s.spanId === span16(next.id))!;
  assert.equal(task.parentSpanId, undefined);
  assert.equal(task.traceId, next.id.replaceAll("-", ""));
  assert.deepEqual(task.links, [{ traceId: wake.id.replaceAll("-", ""), spanId: span16(wake.id), attributes: [{ key: "trace.inferred", value: { boolValue: true } }] }]);
  // The library yields the same text.
  let text = "";
  for await (const chunk of exportTo("otlp", {}, { dir })) text += chunk;
  assert.deepEqual(JSON.parse(text), whole);
});

test("OTLP of a filtered export: an event whose parent is not exported still carries its tree's trace id", async () => {
  const r = await trace(["export", "--format", "otlp", "--agent", "haiku-1", "--dir", EXAMPLE]);
  assert.equal(r.code, 0, r.stderr);
  const got = spans(JSON.parse(r.stdout) as Document);
  const root = JSON.parse(lines((await trace(["--json", "--dir", EXAMPLE])).stdout)[0]!) as TraceEvent;
  assert.ok(got.length >= 3);
  assert.ok(got.every((s) => s.service === "haiku-1"));
  assert.ok(got.some((s) => s.traceId === root.id.replaceAll("-", "")), "haiku-1's claim is in the tree that began with the operator's message");
});
