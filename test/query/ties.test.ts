import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createIdSource } from "../../src/event/id.js";
import { lines, nodeScript, tempDir, trace } from "../helpers/cli.js";

const T = Date.parse("2026-12-04T13:55:15.000Z");
/** An id of another writer: the time of `T`, a random tail (no counter), as any UUIDv7 library makes them. */
const foreignId = (): string => {
  const h = randomBytes(10).toString("hex");
  return `${T.toString(16).padStart(12, "0").replace(/^(.{8})/, "$1-")}-7${h.slice(0, 3)}-${"89ab"[parseInt(h[3]!, 16) & 3]}${h.slice(4, 7)}-${h.slice(7, 19)}`;
};

type Ev = { id: string; parent_event_id: string | null; event_type: string; agent_id: string };

/** A chain wake → ai_call → tool_call → send of `agent`, all in one millisecond. */
function chain(agent: string): Ev[] {
  const types = ["wake", "ai_call", "tool_call", "send"];
  const out: Ev[] = [];
  for (const [i, type] of types.entries()) out.push({ id: foreignId(), parent_event_id: out[i - 1]?.id ?? null, event_type: type, agent_id: agent });
  return out;
}

const line = (e: Ev, store = ""): string =>
  JSON.stringify({ id: e.id, timestamp: T, primitive: e.event_type === "send" ? "bridge" : e.event_type === "wake" ? "spawn" : "tool", event_type: e.event_type, agent_id: e.agent_id, target_id: `task-${e.agent_id}`, parent_event_id: e.parent_event_id, metadata: { store } });

/** Each parent before its children in `events` (by id), for every parent among them. */
function parentsFirst(events: { id: string; parent_event_id: string | null }[], where: string): void {
  const seen = new Set<string>();
  const ids = new Set(events.map((e) => e.id));
  for (const e of events) {
    if (e.parent_event_id !== null && ids.has(e.parent_event_id)) assert.ok(seen.has(e.parent_event_id), `${where}: ${e.id} before its parent ${e.parent_event_id}`);
    seen.add(e.id);
  }
}

test("chains written in one millisecond, children first, by several processes into two stores: every reader puts each parent before its children", { timeout: 120_000 }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const [a, b] = [join(dir, "a"), join(dir, "b")];
  mkdirSync(a);
  mkdirSync(b);
  // Six writer processes; each appends its chains child first (as an OTLP exporter sends spans), and one chain's tail goes to the other store.
  const chains = Array.from({ length: 6 }, (_, k) => chain(`agent-${k}`));
  await Promise.all(
    chains.map((c, k) => {
      const [home, other] = k % 2 === 0 ? [a, b] : [b, a];
      const script = `import { appendFileSync } from "node:fs";
        const [home, other, ...ls] = process.argv.slice(1);
        ls.forEach((l, i) => appendFileSync(i === 0 ? other : home, l + "\\n"));`;
      // The send (last of the chain, written first) in the other store: a cause in one store, its effect in another.
      return nodeScript(script, [join(home, "2026-12-04.ndjson"), join(other, "2026-12-04.ndjson"), ...[...c].reverse().map((e) => line(e))]);
    }),
  );
  const all = chains.flat();
  const both = ["--dir", a, "--dir", b];
  const parse = (stdout: string): Ev[] => lines(stdout).map((l) => JSON.parse(l) as Ev);
  // Filtered listing and --json, across the stores.
  const listed = parse((await trace([...both, "--json"])).stdout);
  assert.equal(listed.length, all.length);
  parentsFirst(listed, "--json over two stores");
  // A timeline of each agent (its own events), and the text rows.
  for (const c of chains) {
    const own = parse((await trace([...both, c[0]!.agent_id, "--json"])).stdout);
    assert.deepEqual(own.map((e) => e.event_type), ["wake", "ai_call", "tool_call", "send"], `timeline of ${c[0]!.agent_id}`);
    const rows = lines((await trace([...both, c[0]!.agent_id, "--utc"])).stdout).slice(1);
    assert.deepEqual(rows.map((r) => /\| (spawn|tool|bridge) /.exec(r)?.[1]), ["spawn", "tool", "tool", "bridge"], rows.join("\n"));
  }
  // The tree around the tool_call: every event of its chain, whichever store and line holds it.
  for (const c of chains) {
    const tree = JSON.parse((await trace([...both, "--causality", c[2]!.id, "--json"])).stdout) as { event: Ev; children: { event: Ev; children: { event: Ev; children: { event: Ev }[] }[] }[] };
    assert.equal(tree.event.id, c[0]!.id);
    assert.equal(tree.children[0]!.event.id, c[1]!.id);
    assert.equal(tree.children[0]!.children[0]!.event.id, c[2]!.id);
    assert.equal(tree.children[0]!.children[0]!.children[0]!.event.id, c[3]!.id);
  }
  // One store: its chains whole, though each child stands before its parent in the file.
  for (const c of chains.filter((_, k) => k % 2 === 0)) {
    const tree = await trace(["--dir", a, "--causality", c[2]!.id]);
    assert.equal(lines(tree.stdout).length, 1 + 3, tree.stdout);
    const timeline = parse((await trace(["--dir", a, "--json", `task-${c[0]!.agent_id}`])).stdout);
    assert.deepEqual(timeline.map((e) => e.event_type), ["wake", "ai_call", "tool_call"]);
  }
  // A follower's backlog, and -n, --reverse.
  const followed = await trace([...both, "-f", "--json", "-n", "100", "--until", "now"]);
  parentsFirst(parse(followed.stdout), "follow");
  parentsFirst(parse((await trace([...both, "--json", "-n", "24"])).stdout), "-n");
  parentsFirst(parse((await trace([...both, "--json", "--reverse"])).stdout).reverse(), "--reverse, read backwards");
  // Exports: Chrome's events in order, each parent before its children.
  const chrome = JSON.parse((await trace(["export", "--format", "chrome", ...both])).stdout) as { traceEvents: { args?: { id?: string; parent_event_id?: string | null } }[] };
  const exported = chrome.traceEvents.filter((e) => e.args?.id !== undefined).map((e) => ({ id: e.args!.id!, parent_event_id: e.args!.parent_event_id ?? null }));
  assert.equal(exported.length, all.length);
  parentsFirst(exported, "export chrome");
});

test("one writer's ids sort in write order, a million of them within a few milliseconds", () => {
  const next = createIdSource();
  const ids = Array.from({ length: 1_000_000 }, () => next());
  let inOrder = 0;
  for (let i = 1; i < ids.length; i++) if (ids[i - 1]! < ids[i]!) inOrder++;
  assert.equal(inOrder, ids.length - 1);
});
