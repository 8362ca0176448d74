import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { causality, openWriter, query, type TraceEvent } from "../../src/index.js";
import { BIN, lines, tempDir, trace, untimed } from "../helpers/cli.js";
import { rng } from "../helpers/rng.js";
import { storeNames } from "../../src/query/stores.js";

const T0 = Date.parse("2026-11-28T23:59:00Z");

/** Three hosts' stores, clocks interleaved over a day boundary; a chain that crosses stores (a → b → c → a); one event held by two stores. */
function hosts(root: string): { dirs: string[]; all: TraceEvent[]; chain: TraceEvent[] } {
  const dirs = ["host-a", "host-b", "host-c"].map((h) => join(root, h, ".space", "trace"));
  for (const d of dirs) mkdirSync(d, { recursive: true });
  const writers = dirs.map((dir) => openWriter({ dir }));
  const random = rng(11);
  const all: TraceEvent[] = [];
  // Each host's clock runs forward; the hosts' clocks interleave (some in the same millisecond).
  const clocks = [0, 0, 0];
  for (let i = 0; i < 300; i++) {
    const k = Math.floor(random() * 3);
    clocks[k]! += Math.floor(random() * 800);
    all.push(writers[k]!.emit({ primitive: ["ops", "bridge", "tool"][i % 3]!, event_type: "step", agent_id: `agent-${k}-${i % 4}`, target_id: `task-${i % 9}`, metadata: { i }, timestamp: T0 + clocks[k]! }));
  }
  const chain: TraceEvent[] = [];
  for (const [k, at] of [[0, 200_000], [1, 200_001], [2, 200_001], [0, 200_002]] as const) {
    chain.push(writers[k]!.emit({ primitive: "ops", event_type: "hop", agent_id: `hop-${k}`, target_id: chain.length === 0 ? "task-cross" : `sub-${chain.length}`, parent_event_id: chain.at(-1)?.id ?? null, timestamp: T0 + at }));
  }
  for (const w of writers) w.close();
  all.push(...chain);
  // The same event in two stores (an import run on two hosts): shown once.
  const twice = openWriter({ dir: dirs[0]! }).emit({ primitive: "ops", event_type: "imported", agent_id: "agent-0-0", timestamp: T0 + 300_000 });
  const day = readdirSync(dirs[0]!).filter((f) => f.endsWith(".ndjson")).sort().at(-1)!;
  appendFileSync(join(dirs[1]!, day), readFileSync(join(dirs[0]!, day), "utf8").trimEnd().split("\n").at(-1)! + "\n");
  all.push(twice);
  return { dirs, all, chain };
}

const order = (a: TraceEvent, b: TraceEvent): number => a.timestamp - b.timestamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** In time order, each parent before its children (within a millisecond too), each event of `all` once. */
function inCausalOrder(got: readonly TraceEvent[], all: readonly TraceEvent[]): void {
  assert.deepEqual([...got].sort(order).map((e) => e.id), [...all].sort(order).map((e) => e.id), "each event once");
  const seen = new Set<string>();
  const ids = new Set(got.map((e) => e.id));
  got.forEach((e, i) => {
    if (i > 0) assert.ok(got[i - 1]!.timestamp <= e.timestamp, `time order at ${e.id}`);
    if (e.parent_event_id !== null && ids.has(e.parent_event_id)) assert.ok(seen.has(e.parent_event_id), `${e.id} before its parent`);
    seen.add(e.id);
  });
}

test("several --dir read as one history: time order, causes before effects, each event once, its store named in the text, --json lines as stored", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const { dirs, all } = hosts(dir);
  const args = dirs.flatMap((d) => ["--dir", d]);
  const r = await trace(["--json", ...args]);
  assert.equal(r.code, 0, r.stderr);
  const got = lines(r.stdout);
  inCausalOrder(got.map((l) => JSON.parse(l) as TraceEvent), all);
  const stored = new Set(dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith(".ndjson")).flatMap((f) => readFileSync(join(d, f), "utf8").split("\n"))));
  assert.ok(got.every((l) => stored.has(l)), "each line as stored");
  const text = lines((await trace(["--utc", ...args])).stdout);
  assert.equal(text.length, all.length);
  assert.ok(text.every((l) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \| host-[abc] \| /.test(l)), text[0]);
  // TRACE_DIR as a : list, and the library.
  const env = await trace(["--json", "--agent", "agent-1-1"], { env: { TRACE_DIR: dirs.join(":") } });
  inCausalOrder(lines(env.stdout).map((l) => JSON.parse(l) as TraceEvent), all.filter((e) => e.agent_id === "agent-1-1"));
  const stores = new Map<string, string>();
  for await (const { event, store } of query({ primitive: "ops" }, { dir: dirs })) stores.set(event.id, store!);
  assert.equal(stores.size, all.filter((e) => e.primitive === "ops").length);
  assert.deepEqual(new Set(stores.values()), new Set(["host-a", "host-b", "host-c"]));
});

test("a timeline and a tree cross stores: a cause in one store, its effects in the others, back and forth", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const { dirs, chain } = hosts(dir);
  const args = dirs.flatMap((d) => ["--dir", d]);
  const timeline = await trace(["task-cross", "--json", ...args]);
  inCausalOrder(lines(timeline.stdout).map((l) => JSON.parse(l) as TraceEvent), chain);
  const tree = await causality({ causality: chain.at(-1)!.id }, { dir: dirs });
  assert.equal(tree.root.event.id, chain[0]!.id, "the walk up finds each parent in its store");
  const path: string[] = [];
  for (let node = tree.root; ; node = node.children[0]!) {
    path.push(`${node.store}:${node.event.id}`);
    if (node.children.length === 0) break;
  }
  assert.deepEqual(path, chain.map((e, i) => `host-${"abca"[i]}:${e.id}`));
  const drawn = lines((await trace(["--causality", "task-cross", ...args])).stdout);
  assert.deepEqual(drawn.slice(1, 3).map(untimed), ["[root] host-a: ops task-cross hop", "  └─> host-b: ops sub-1 hop"]);
  const exported = JSON.parse((await trace(["export", "--format", "otlp", "--causality", "task-cross", ...args])).stdout);
  const traceIds = new Set(exported.resourceSpans.flatMap((r: { scopeSpans: { spans: { traceId: string }[] }[] }) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.traceId))));
  assert.equal(traceIds.size, 1, "one tree, one trace, across the stores");
  const v = await trace(["validate", ...args]);
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /306 other events/, "each store's day files, the copy too");
});

test("trace -f over several stores: what each writer appends, tagged with its store, masked lines too", { timeout: 30_000 }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const dirs = ["a", "b"].map((h) => join(dir, h));
  for (const d of dirs) mkdirSync(d, { recursive: true });
  const child = spawn(BIN, ["-f", "-n", "0", "--utc", ...dirs.flatMap((d) => ["--dir", d])]);
  t.after(() => child.kill("SIGKILL"));
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  await new Promise((r) => setTimeout(r, 700));
  openWriter({ dir: dirs[0]! }).emit({ primitive: "ops", event_type: "from_a", agent_id: "x" });
  openWriter({ dir: dirs[1]! }).emit({ primitive: "ops", event_type: "from_b", agent_id: "y" });
  // A line the policy masks is a new line: it keeps its store's tag.
  openWriter({ dir: dirs[1]! }).emit({ primitive: "tool", event_type: "secret", agent_id: "y", metadata: { api_key: "sk-live-abcdefghijklmnop" } });
  for (const deadline = Date.now() + 5000; lines(out).length < 3 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(lines(out).map((l) => l.split(" | ").slice(1, 2)[0]).sort(), ["a", "b", "b"], out);
  assert.ok(!out.includes("sk-live"), "masked");
  assert.equal((await trace(["--cursor-file", join(dir, "c"), "--dir", dirs[0]!, "--dir", dirs[1]!])).code, 2, "a cursor reads one store");
});

test("stores whose folders share names get tags that differ: a folder more from above until none is shared", () => {
  assert.deepEqual(storeNames(["/h/a/.space/trace", "/h/b/.space/trace"]), ["a", "b"]);
  assert.deepEqual(storeNames(["/x/a/logs", "/y/b/logs"]), ["a/logs", "b/logs"]);
  const same = storeNames(["/host1/w/.space/trace", "/host2/w/.space/trace", "/host3/other"]);
  assert.equal(new Set(same).size, 3, same.join(" "));
  assert.deepEqual(same, ["host1/w/.space/trace", "host2/w/.space/trace", "other"]);
  assert.deepEqual(storeNames(["/a/s", "/b/s", "/b/c/s"]), ["a/s", "b/s", "c/s"]);
});
