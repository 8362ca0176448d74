import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { lines, tempDir, trace } from "../helpers/cli.js";

const T = Date.parse("2026-12-03T10:00:00.000Z");
const id = (n: number): string => `01900000-0000-7000-8000-${String(n).padStart(12, "0")}`;
const ev = (n: number, ts: number, parent: number | null, type: string, target: string | null = null): string =>
  JSON.stringify({ id: id(n), timestamp: ts, primitive: "tool", event_type: type, agent_id: "a1", target_id: target, parent_event_id: parent === null ? null : id(parent), metadata: {} });

/**
 * A day whose lines stand far from their causes: a grandchild and a child written megabytes
 * before their parent (as an OTLP receiver and an import can write them), the child's own
 * child after the parent, and filler between, so that each stands in a block of its own.
 */
function store(t: { after(fn: () => void): void }): string {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const filler = (from: number): string[] => Array.from({ length: 12_000 }, (_, i) => ev(from + i, T + 500, null, "noise", `other-${i}`).replace('"metadata":{}', `"metadata":{"pad":"${"x".repeat(120)}"}`));
  const day = [
    ev(4, T + 3000, 3, "grandchild"), // written first: its parent, the child, stands later
    ...filler(100_000),
    ev(3, T + 2000, 2, "child"), // the root's child, a block before the root
    ev(6, T + 500, 2, "older-than-its-cause"), // a clock behind: its place and time never decide whether it belongs
    ...filler(200_000),
    ev(2, T + 1000, null, "root", "task-42"),
    ...filler(300_000),
    ev(5, T + 4000, 3, "second-child"), // after the root: found in the pass
  ];
  writeFileSync(join(dir, "2026-12-03.ndjson"), day.join("\n") + "\n");
  return dir;
}

test("a child written megabytes before its parent is in the timeline, in time order, and in the tree; with an index too", async (t) => {
  const dir = store(t);
  const expectTimeline = ["older-than-its-cause", "root", "child", "grandchild", "second-child"];
  for (const extra of [[], ["--plain"], ["--no-index"]]) {
    const r = await trace(["--dir", dir, "task-42", "--json", ...extra]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout).map((l) => JSON.parse(l).event_type), expectTimeline, `timeline ${extra.join(" ")}`);
  }
  const tree = async (...extra: string[]): Promise<string[]> => {
    const r = await trace(["--dir", dir, "--causality", id(4), ...extra]);
    assert.equal(r.code, 0, r.stderr);
    return lines(r.stdout).map((l) => l.replace(/^[\s│├└─>]*/, "").replace(/^\[root\] /, "").split(" ")[1]!);
  };
  const drawn = ["", "root", "older-than-its-cause", "child", "grandchild", "second-child"];
  assert.deepEqual((await tree()).slice(1), drawn.slice(1));
  assert.deepEqual((await tree("--no-index")).slice(1), drawn.slice(1));
  // The day is sealed: its index (a reader may have built it already) names the blocks that hold the children.
  const built = await trace(["index", "--dir", dir, "--json"]);
  assert.equal(built.code, 0, built.stderr);
  assert.ok(["built", "fresh"].includes(JSON.parse(lines(built.stdout)[0]!).state), built.stdout);
  assert.deepEqual((await tree()).slice(1), drawn.slice(1));
  const indexed = await trace(["--dir", dir, "task-42", "--json"]);
  assert.deepEqual(lines(indexed.stdout).map((l) => JSON.parse(l).event_type), expectTimeline);
  // A filter on what is printed leaves membership whole.
  const only = await trace(["--dir", dir, "task-42", "--type", "grandchild", "--json"]);
  assert.deepEqual(lines(only.stdout).map((l) => JSON.parse(l).event_type), ["grandchild"]);
});
