import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { openWriter } from "../../src/index.js";
import { EXAMPLE, have, lines, tempDir, trace } from "../helpers/cli.js";

/**
 * Renders DOT with Graphviz: the `dot` program where it is installed (.ci/run installs
 * Debian's), else Graphviz compiled to WebAssembly from npm, so the tests never skip.
 * The SVG, or a failure with what Graphviz said.
 */
async function render(dot: string): Promise<string> {
  if (!have("dot")) {
    const { Graphviz } = await import("@hpcc-js/wasm-graphviz");
    return (await Graphviz.load()).dot(dot, "svg");
  }
  const r = spawnSync("dot", ["-Tsvg"], { input: dot, encoding: "utf8" });
  assert.equal(r.status, 0, `dot -Tsvg: ${r.stderr}`);
  assert.equal(r.stderr, "", "no warnings either");
  return r.stdout;
}

/** A store whose labels hold everything DOT and Mermaid must escape. */
function hostileStore(dir: string): string {
  const w = openWriter({ dir });
  const root = w.emit({ primitive: "bridge", event_type: "send", agent_id: 'a"b', target_id: "chan]{x}", metadata: { message_id: "1", text: 'say "hi" \\ [x] {y} <b>&amp; #35; `t`' } });
  w.emit({ primitive: "ops", event_type: "create_task", target_id: 'task"]; X [label="pwned', parent_event_id: root.id });
  w.emit({ primitive: "ops", event_type: "create_task", target_id: "two\nlines\ttab\u0007\u001b[31m", parent_event_id: root.id });
  w.emit({ primitive: "ops", event_type: "create_task", target_id: "é — 漢字 🙂", parent_event_id: root.id });
  w.close();
  return root.id;
}

test("DOT of the seed's tree renders with Graphviz; the focus is marked, cut branches are '… N more' nodes", async () => {
  const r = await trace(["export", "--format", "dot", "--causality", "task-abc123", "--dir", EXAMPLE]);
  assert.equal(r.code, 0, r.stderr);
  const svg = await render(r.stdout);
  assert.match(svg, /<svg/);
  assert.match(svg, /\[root\] bridge message #payments:42 \(&quot;we need payments&quot;\)/);
  assert.equal((r.stdout.match(/ -> /g) ?? []).length, 9, "nine edges for ten events");
  const id = JSON.parse(lines((await trace(["task-sub1", "--json", "--dir", EXAMPLE])).stdout)[0]!).id as string;
  const cut = await trace(["export", "--format", "dot", "--causality", id, "--depth", "3", "--max-children", "1", "--dir", EXAMPLE]);
  assert.match(cut.stdout, /label="… 2 more", shape=plaintext/);
  assert.match(cut.stdout, /label="… 2 more below", shape=plaintext/);
  assert.match(cut.stdout, /penwidth=3/, "the event named by id is marked");
  await render(cut.stdout);
});

test("DOT and Mermaid escape hostile labels: quotes, backslashes, brackets, newlines, control characters", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const root = hostileStore(dir);
  const dot = await trace(["export", "--format", "dot", "--causality", root, "--dir", dir]);
  assert.equal(dot.code, 0, dot.stderr);
  const svg = await render(dot.stdout);
  assert.match(svg, /say &quot;hi&quot; \\ \[x\] \{y\} &lt;b&gt;&amp;amp; #35; `t`/, "the text as written");
  assert.match(svg, /ops task&quot;\]; X \[label=&quot;pwned created/);
  assert.match(svg, /ops two\\nlines\\ttab\\x07\\x1b\[31m created/, "control characters spelt out");
  assert.match(svg, /ops é — 漢字 🙂 created/);
  assert.equal((svg.match(/<g id="node/g) ?? []).length, 4, "one node per event: no label broke out into a node of its own");
  const mermaid = await trace(["export", "--format", "mermaid", "--causality", root, "--dir", dir]);
  assert.equal(mermaid.code, 0, mermaid.stderr);
  const out = lines(mermaid.stdout);
  assert.equal(out[0], "graph TD");
  for (const line of out.slice(1, -2)) {
    assert.match(line, /^ {2}(n\d+\["[^"\n]*"\](:::focus)?|m\d+\("[^"\n]*"\):::more|n\d+ (-->|-\. inferred \.->) [nm]\d+)$/, line);
  }
  assert.ok(out.some((l) => l.includes("say #quot;hi#quot; #92; [x] {y} #lt;b#gt;#amp;amp; #35;35; #96;t#96;")), mermaid.stdout);
  assert.ok(out.some((l) => l.includes("ops two#92;nlines#92;ttab#92;x07#92;x1b[31m created")));
  assert.equal(out.filter((l) => / --> /.test(l)).length, 3);
});

test("Mermaid of the seed's tree: graph TD, inferred edges dashed", async (t) => {
  const r = await trace(["export", "--format", "mermaid", "task-abc123", "--dir", EXAMPLE]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(lines(r.stdout)[0], "graph TD");
  assert.match(r.stdout, /n0\["\[root\] bridge message #35;payments:42 \(#quot;we need payments#quot;\)"\]/);
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const w = openWriter({ dir });
  w.emit({ primitive: "spawn", event_type: "wake", agent_id: "z", target_id: "z", metadata: { session_id: 7 }, timestamp: 10_000 });
  w.emit({ primitive: "ops", event_type: "create_task", agent_id: "z", target_id: "task-i", metadata: { session_id: 7 }, timestamp: 12_000 });
  w.close();
  const inferred = await trace(["export", "--format", "mermaid", "--causality", "task-i", "--infer", "--dir", dir]);
  assert.match(inferred.stdout, /n0 -\. inferred \.-> n1/);
  const dot = await trace(["export", "--format", "dot", "--causality", "task-i", "--infer", "--dir", dir]);
  assert.match(dot.stdout, /n0 -> n1 \[style=dashed, label="inferred"\]/);
});

test("DOT reads left to right, a colour per agent, failures red; a wide tree groups each agent's nodes in a cluster, and Graphviz renders it", async () => {
  const { dir, cleanup } = tempDir();
  const w = openWriter({ dir });
  const root = w.emit({ primitive: "bridge", event_type: "send", agent_id: "operator", target_id: "swarm", metadata: { text: "go" } });
  for (let a = 1; a <= 3; a++) {
    const wake = w.emit({ primitive: "spawn", event_type: "wake", agent_id: `agent-${a}`, parent_event_id: root.id });
    for (let c = 0; c < 8; c++) w.emit({ primitive: "tool", event_type: "lookup", agent_id: `agent-${a}`, parent_event_id: wake.id, metadata: { duration_ms: 120, ...(a === 2 && c === 3 ? { status: "error", error: "exit code 1" } : {}) } });
  }
  w.close();
  const r = await trace(["export", "--format", "dot", "--causality", root.id, "--dir", dir]);
  cleanup();
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /graph \[rankdir=LR/);
  assert.equal((r.stdout.match(/subgraph cluster_\d+ \{/g) ?? []).length, 4, "a cluster per agent: operator and three");
  const colours = new Map<string, Set<string>>();
  for (const m of r.stdout.matchAll(/subgraph cluster_\d+ \{\n\s+label="([^"]+)";[^\n]*\n((?:\s+n\d+ \[[^\n]*\n)+)/g)) {
    colours.set(m[1]!, new Set([...m[2]!.matchAll(/ color="(#[0-9a-f]{6})"/g)].map((c) => c[1]!)));
  }
  assert.deepEqual([...colours.keys()].sort(), ["agent-1", "agent-2", "agent-3", "operator"]);
  assert.equal(colours.get("agent-1")!.size, 1, "one colour for all of an agent's nodes");
  assert.equal(colours.get("agent-2")!.size, 2, "the failure red beside its agent's colour");
  assert.ok(colours.get("agent-2")!.has("#e5484d"));
  assert.equal(new Set([...colours.values()].map((c) => [...c].find((x) => x !== "#e5484d"))).size, 4, "a different colour per agent");
  assert.equal((r.stdout.match(/color="#e5484d", fillcolor="#e5484d33"/g) ?? []).length, 1, "one failure, red");
  assert.match(await render(r.stdout), /<svg/);
});
