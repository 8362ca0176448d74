import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { causality, emit, openBatchWriter, type TraceEvent } from "../../src/index.js";
import { lines, tempDir, trace } from "../helpers/cli.js";

const DAY_MS = 86_400_000;
const START = Date.parse("2026-11-01T00:00:00Z");

/** A chain `n` deep (each event the child of the one before) over three days. */
function chain(dir: string, n: number): TraceEvent[] {
  const w = openBatchWriter({ dir });
  const out: TraceEvent[] = [];
  for (let i = 0; i < n; i++) {
    out.push(w.emit({ primitive: "ops", event_type: "step", agent_id: `a${i % 7}`, target_id: i === 0 ? "chain-root" : `t${i}`, parent_event_id: out[i - 1]?.id ?? null, timestamp: START + Math.floor((i * 3 * DAY_MS) / n) }));
  }
  w.close();
  return out;
}

test("the walk up a 20,000-deep chain finds its root in about one pass, through plain and compressed days", { timeout: 60_000 }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const events = chain(dir, 20_000);
  const tree = await causality({ causality: events.at(-1)!.id }, { dir });
  assert.equal(tree.root.event.id, events[0]!.id);
  assert.equal(tree.focus.id, events.at(-1)!.id);
  let depth = 0;
  for (let node = tree.root; node.children.length > 0; node = node.children[0]!) depth++;
  assert.equal(depth, 19_999);
  // The middle day compressed: its table is built from the .gz.
  const middle = join(dir, new Date(START + DAY_MS).toISOString().slice(0, 10) + ".ndjson");
  writeFileSync(`${middle}.gz`, gzipSync(readFileSync(middle)));
  unlinkSync(middle);
  const again = await trace(["--dir", dir, "--causality", events.at(-1)!.id, "--depth", "1", "--json"]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).event.id, events[0]!.id);
  // The root gone: the deepest event left is an orphan root, its missing parent named.
  const first = join(dir, new Date(START).toISOString().slice(0, 10) + ".ndjson");
  writeFileSync(first, lines(readFileSync(first, "utf8")).slice(1).join("\n") + "\n");
  const orphan = await causality({ causality: events.at(-1)!.id }, { dir });
  assert.equal(orphan.root.event.id, events[1]!.id);
  assert.equal(orphan.missingParent, events[0]!.id);
});

test("a cycle far up a long chain is cut, never walked forever", { timeout: 60_000 }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const a = emit({ primitive: "ops", event_type: "a", timestamp: START }, { dir });
  const events = [a];
  for (let i = 1; i < 50; i++) events.push(emit({ primitive: "ops", event_type: "step", parent_event_id: events[i - 1]!.id, timestamp: START + i }, { dir }));
  // The first event's line rewritten to name the last as its parent: a 50-long loop.
  const file = join(dir, new Date(START).toISOString().slice(0, 10) + ".ndjson");
  const text = readFileSync(file, "utf8").replace(`"parent_event_id":null`, `"parent_event_id":"${events.at(-1)!.id}"`);
  writeFileSync(file, text);
  const tree = await causality({ causality: events.at(-1)!.id }, { dir });
  assert.equal(tree.cycle, true);
});
