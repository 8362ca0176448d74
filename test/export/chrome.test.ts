import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { openBatchWriter, type TraceEvent } from "../../src/index.js";
import { EXAMPLE, lines, tempDir, trace } from "../helpers/cli.js";
import { rng } from "../helpers/rng.js";

type ChromeEvent = { ph: string; name: string; cat?: string; bp?: string; pid: number; tid: number; ts?: number; dur?: number; id?: number; args?: Record<string, unknown> };

/**
 * The slice a flow event binds to, as the viewers bind it: on its own track, of its
 * category, the innermost slice open at its time (Perfetto's topmost open slice;
 * catapult's slice at the flow's time). Undefined when none is open there.
 */
function boundSlice(flow: ChromeEvent, slices: readonly ChromeEvent[]): ChromeEvent | undefined {
  let best: ChromeEvent | undefined;
  for (const s of slices) {
    if (s.pid !== flow.pid || s.tid !== flow.tid || s.cat !== flow.cat) continue;
    if (s.ts! <= flow.ts! && flow.ts! < s.ts! + s.dur! && (best === undefined || s.ts! >= best.ts!)) best = s;
  }
  return best;
}

/**
 * What the viewers draw of every Chrome trace: a slice per event on its agent's track,
 * timed in µs, and an arrow per cause → effect whose start binds to the cause's slice and
 * whose finish (bp "e") to the effect's, paired by category, name and id as Perfetto pairs them.
 */
function checkStructure(doc: { traceEvents: ChromeEvent[] }, events: readonly TraceEvent[]): void {
  const byId = new Map(events.map((e) => [e.id, e]));
  const tracks = new Map<number, string>();
  const slices: ChromeEvent[] = [];
  const byTrack = new Map<number, ChromeEvent[]>();
  for (const c of doc.traceEvents) {
    if (c.ph === "M" && c.name === "thread_name") tracks.set(c.tid, String(c.args!.name));
    assert.notEqual(c.ph, "i", "no instants: a flow cannot bind to one");
    if (c.ph !== "X") continue;
    assert.ok(typeof c.dur === "number" && c.dur > 0, "every slice has a length");
    const e = byId.get(String(c.args!.id))!;
    assert.ok(e, "a slice for an exported event");
    const dur = typeof e.metadata.duration_ms === "number" ? e.metadata.duration_ms : 0;
    if (dur > 0) assert.deepEqual([c.ts, c.dur], [(e.timestamp - dur) * 1000, dur * 1000], "times in µs");
    else assert.ok(c.ts! >= e.timestamp * 1000 && c.ts! < e.timestamp * 1000 + 1000, "a point within its millisecond");
    assert.equal(tracks.get(c.tid), e.agent_id ?? `(${e.primitive})`, "the agent's track");
    slices.push(c);
    byTrack.set(c.tid, [...(byTrack.get(c.tid) ?? []), c]);
  }
  assert.equal(slices.length, events.length);
  const flows = new Map<string, { s?: ChromeEvent; f?: ChromeEvent }>();
  for (const c of doc.traceEvents) {
    if (c.ph !== "s" && c.ph !== "f") continue;
    const key = `${c.cat}\u0000${c.name}\u0000${c.id}`;
    const pair = flows.get(key) ?? {};
    assert.equal(pair[c.ph], undefined, `one ${c.ph} per flow`);
    pair[c.ph] = c;
    flows.set(key, pair);
  }
  const edges = events.filter((e) => e.parent_event_id !== null && byId.has(e.parent_event_id));
  assert.equal(flows.size, edges.length, "an arrow for each cause → effect");
  for (const { s, f } of flows.values()) {
    assert.ok(s && f, "every flow start has its finish, by category, name and id");
    assert.equal(f.bp, "e");
    const effect = byId.get(String(f.args!.effect))!;
    const cause = byId.get(String(f.args!.cause))!;
    assert.equal(effect.parent_event_id, cause.id);
    assert.equal(boundSlice(s, byTrack.get(s.tid) ?? [])?.args?.id, cause.id, "the start binds to the cause's slice");
    assert.equal(boundSlice(f, byTrack.get(f.tid) ?? [])?.args?.id, effect.id, "the finish binds to the effect's slice");
  }
}

test("Chrome trace-event JSON of the seed's tree: tracks per agent, every arrow bound to its cause's and its effect's slices", async () => {
  const r = await trace(["export", "--format", "chrome", "--causality", "task-abc123", "--dir", EXAMPLE]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { traceEvents: ChromeEvent[] };
  const events = lines((await trace(["--json", "--dir", EXAMPLE])).stdout).map((l) => JSON.parse(l) as TraceEvent);
  const tree = new Set<string>();
  for (const stack = [JSON.parse((await trace(["--causality", "task-abc123", "--json", "--dir", EXAMPLE])).stdout)]; stack.length > 0; ) {
    const node = stack.pop();
    tree.add(node.event.id);
    stack.push(...node.children);
  }
  checkStructure(doc, events.filter((e) => tree.has(e.id)));
  assert.equal(doc.traceEvents.filter((c) => c.ph === "f").length, 9);
  assert.deepEqual(doc.traceEvents.find((c) => c.name === "process_name")!.args, { name: "payments" });
});

test("Chrome JSON of a generated 100,000-event store, children before and after their parents, with durations; --out writes it whole", { timeout: 120_000 }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const random = rng(5);
  const w = openBatchWriter({ dir });
  const events: TraceEvent[] = [];
  const start = Date.parse("2026-11-20T00:00:00Z");
  for (let i = 0; i < 100_000; i++) {
    const parent = i > 0 && random() < 0.5 ? events[Math.max(0, i - 1 - Math.floor(random() * 50))]!.id : null;
    const timed = random() < 0.2 ? { duration_ms: Math.floor(random() * 500) + 1 } : {};
    events.push(w.emit({ primitive: ["ops", "tool", "bridge"][i % 3]!, event_type: "step", agent_id: random() < 0.05 ? null : `agent-${i % 40}`, parent_event_id: parent, metadata: { i, ...timed }, timestamp: start + i * 10 - (random() < 0.01 ? 5_000 : 0) }));
  }
  w.close();
  const { dir: elsewhere, cleanup: clean } = tempDir();
  t.after(clean);
  const out = join(elsewhere, "trace.json");
  writeFileSync(out, "the old export");
  const r = await trace(["export", "--format", "chrome", "--out", out, "--dir", dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr, "", "no warning (a listener per drain once passed Node's MaxListeners)");
  assert.deepEqual(readdirSync(elsewhere).filter((f) => f.endsWith(".tmp")), [], "no temporary file left");
  checkStructure(JSON.parse(readFileSync(out, "utf8")) as { traceEvents: ChromeEvent[] }, events);
});

test("bad export flags are one line and exit 2; a failed export leaves the --out file as it was", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const cases: [string[], RegExp][] = [
    [["export"], /^trace: export: --format is required: otlp, chrome, dot, mermaid, html$/],
    [["export", "--format", "svg"], /^trace: --format "svg": expected one of otlp, chrome, dot, mermaid, html$/],
    [["export", "--format", "dot"], /^trace: --format dot draws a causality tree: name it with --causality X \(or a TARGET\)$/],
    [["export", "--format", "otlp", "--infer"], /^trace: --infer needs --causality/],
    [["export", "--format", "otlp", "--out", join(dir, "no", "such", "t.json")], /^trace: --out .*t\.json: ENOENT/],
    [["export", "--format", "otlp", "--depth", "x"], /^trace: --depth/],
    [["export", "--format", "dot", "--causality", "nothing-here"], /nothing-here/],
    // Never over a file of the store it reads, nor beside them.
    [["export", "--format", "otlp", "--out", join(EXAMPLE, "2025-10-22.ndjson")], /^trace: --out .*2025-10-22\.ndjson: inside the store .*payments, which holds only trace's own files/],
    [["export", "--format", "chrome", "--out", join(EXAMPLE, "trace.config.json")], /inside the store/],
  ];
  const day = readFileSync(join(EXAMPLE, "2025-10-22.ndjson"));
  for (const [args, message] of cases) {
    const r = await trace([...args, "--dir", EXAMPLE]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(lines(r.stderr).length, 1, r.stderr);
    assert.match(r.stderr.trim(), message);
  }
  assert.ok(readFileSync(join(EXAMPLE, "2025-10-22.ndjson")).equals(day), "the day file is as it was");
  assert.ok(!existsSync(join(EXAMPLE, "trace.config.json")));
  const out = join(dir, "tree.dot");
  writeFileSync(out, "kept");
  const r = await trace(["export", "--format", "dot", "--causality", "nothing-here", "--out", out, "--dir", EXAMPLE]);
  assert.equal(r.code, 2);
  assert.equal(readFileSync(out, "utf8"), "kept");
  assert.deepEqual(readdirSync(dir), ["tree.dot"]);
  assert.ok(!existsSync(join(dir, "no")));
  const help = await trace(["export", "--help"]);
  assert.match(help.stdout, /--format F/);
});

test("export --out: a folder it may not write is a failure while running (exit 1, one line); a killed export's temporary is removed by the next", async (t) => {
  const denied = await trace(["export", "--format", "otlp", "--out", "/sys/trace-export.json", "--dir", EXAMPLE]);
  assert.equal(denied.code, 1, denied.stderr);
  assert.equal(lines(denied.stderr).length, 1, denied.stderr);
  assert.match(denied.stderr, /EACCES/);
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const out = join(dir, "t.json");
  // What an export killed before its rename leaves: its pid is gone.
  const dead = spawnSync(process.execPath, ["-e", "0"]).pid;
  writeFileSync(join(dir, `.t.json.${dead}.0123456789ab.tmp`), "half an export");
  writeFileSync(join(dir, `.other.json.${dead}.0123456789ab.tmp`), "another file's");
  const r = await trace(["export", "--format", "otlp", "--out", out, "--dir", EXAMPLE]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(dir).sort(), [`.other.json.${dead}.0123456789ab.tmp`, "t.json"]);
});
