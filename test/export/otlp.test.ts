import { test } from "node:test";
import assert from "node:assert/strict";
import { exportTo, openWriter, type TraceEvent } from "../../src/index.js";
import { EXAMPLE, lines, tempDir, trace } from "../helpers/cli.js";
import { span16, spans, throughProtobuf, type Document } from "../helpers/otlp.js";

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
  const other = w.emit({ primitive: "ops", event_type: "create_task", agent_id: "y", target_id: "task-y", timestamp: 12_500 });
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
  assert.deepEqual(new Set(all.map((s) => s.traceId)), new Set([wake.id, other.id].map((id) => id.replaceAll("-", ""))), "two trees, two traces");
  const held = all.find((s) => s.spanId === span16(next.id))!;
  assert.equal(held.parentSpanId, span16(wake.id), "a parentless event of z while z is awake is held by z's invocation");
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
