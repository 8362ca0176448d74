import assert from "node:assert/strict";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir, trace } from "../helpers/cli.js";

const DAY = "2025-10-22";
const T0 = Date.parse(`${DAY}T10:00:00Z`);
const id = (n: number): string => `01a20157-0000-7000-8000-${String(n).padStart(12, "0")}`;
/** An event line as another tool might write it, metadata given as JSON text. */
const line = (n: number, parent: number | null, metadata = "{}"): string =>
  `{"id":"${id(n)}","timestamp":${T0 + n * 1000},"primitive":"ops","event_type":"step","agent_id":"a","target_id":"task-x","parent_event_id":${parent === null ? "null" : `"${id(parent)}"`},"metadata":${metadata}}\n`;

type Span = { spanId: string; parentSpanId?: string; attributes: { key: string; value: Record<string, unknown> }[] };

test("metadata 5,000 levels deep exports: OTLP and Chrome write every event, the deep one flattened to 32 levels and the rest as JSON text", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const deep = '{"a":'.repeat(5000) + "1" + "}".repeat(5000);
  appendFileSync(join(dir, `${DAY}.ndjson`), line(1, null) + line(2, 1, deep) + line(3, 2));
  const otlp = await trace(["export", "--format", "otlp", "--dir", dir]);
  assert.equal(otlp.code, 0, otlp.stderr);
  const spans = (JSON.parse(otlp.stdout) as { resourceSpans: { scopeSpans: { spans: Span[] }[] }[] }).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  assert.equal(spans.length, 3);
  const attrs = spans.flatMap((s) => s.attributes).filter((a) => a.key.startsWith("metadata.a"));
  assert.equal(attrs.length, 1);
  assert.equal(attrs[0]!.key.split(".").length, 1 + 32, "32 levels as dotted keys");
  assert.match(String(attrs[0]!.value.stringValue), /^\{"a":\{"a":/, "below them, the JSON text");
  const chrome = await trace(["export", "--format", "chrome", "--dir", dir]);
  assert.equal(chrome.code, 0, chrome.stderr);
  const slices = (JSON.parse(chrome.stdout) as { traceEvents: { ph: string; args?: { id?: string } }[] }).traceEvents.filter((e) => e.ph === "i" || e.ph === "X");
  assert.equal(slices.length, 3);
});

test("a self-parent and a cycle of parents are cut in OTLP and Chrome, marked, as --causality cuts them", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  // 1 ↔ 2 name each other; 3 names itself; 4 is 1's child.
  appendFileSync(join(dir, `${DAY}.ndjson`), line(1, 2) + line(2, 1) + line(3, 3) + line(4, 1));
  const otlp = await trace(["export", "--format", "otlp", "--dir", dir]);
  assert.equal(otlp.code, 0, otlp.stderr);
  const spans = (JSON.parse(otlp.stdout) as { resourceSpans: { scopeSpans: { spans: Span[] }[] }[] }).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  assert.equal(spans.length, 4);
  const parentOf = new Map(spans.map((s) => [s.spanId, s.parentSpanId]));
  for (const s of spans) {
    assert.notEqual(s.parentSpanId, s.spanId, "no span is its own parent");
    const seen = new Set<string>();
    for (let at: string | undefined = s.spanId; at !== undefined; at = parentOf.get(at)) {
      assert.ok(!seen.has(at), "the parents of every span end");
      seen.add(at);
    }
  }
  const cut = spans.filter((s) => s.attributes.some((a) => a.key === "trace.cycle_cut"));
  assert.equal(cut.length, 2, "one cut in the cycle, one for the self-parent");
  const chrome = await trace(["export", "--format", "chrome", "--dir", dir]);
  assert.equal(chrome.code, 0, chrome.stderr);
  const flows = (JSON.parse(chrome.stdout) as { traceEvents: { ph: string; args?: { cause?: string; effect?: string; cycle_cut?: boolean } }[] }).traceEvents;
  const arrows = flows.filter((e) => e.ph === "f").map((e) => [e.args!.cause!, e.args!.effect!]);
  assert.ok(arrows.every(([c, e]) => c !== e), "no arrow from an event to itself");
  assert.equal(arrows.length, 2, "1 → 4 and one link of the cycle");
  assert.equal(flows.filter((e) => e.args?.cycle_cut).length, 2);
  const tree = await trace(["--causality", id(4), "--json", "--dir", dir]);
  assert.equal(tree.code, 0, tree.stderr);
  assert.match(tree.stdout, /"cycle":true/);
});
