import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dayOf } from "../../src/store/layout.js";
import { causality, indexStore, query } from "../../src/index.js";
import { split, type QueryCase } from "../helpers/query.js";
import { tempDir } from "../helpers/cli.js";
import { rng } from "../helpers/rng.js";

const DAY = 86_400_000;

async function lines(options: QueryCase): Promise<string[]> {
  const out: string[] = [];
  for await (const { line } of query(...split({ ...options, onBad: () => undefined }))) out.push(line);
  return out;
}

test("an index cut short or with any byte changed is never trusted past its checks: answers stay the scan's, damage is told, nothing throws", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const day = dayOf(Date.now() - 2 * DAY);
  const start = Date.parse(`${day}T00:00:00Z`);
  const out: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const id = `01a00000-0000-7000-8000-${i.toString(16).padStart(12, "0")}`;
    const parent = i % 4 === 0 ? null : `01a00000-0000-7000-8000-${(i - 1).toString(16).padStart(12, "0")}`;
    out.push(JSON.stringify({ id, timestamp: start + i * 1000, primitive: i % 3 ? "ops" : "bridge", event_type: "send", agent_id: `agent-${Math.floor(i / 300)}`, target_id: `task-${Math.floor(i / 50)}`, parent_event_id: parent, metadata: { text: "y".repeat(60) } }));
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${day}.ndjson`), out.join("\n") + "\n");
  await indexStore(dir);
  const path = join(dir, ".index", `${day}.ndjson.idx`);
  const good = readFileSync(path);
  const cases: QueryCase[] = [{ dir, filter: { agent: "agent-3" } }, { dir, target: "task-17" }, { dir, filter: { id: "01a00000-0000-7000-8000-000000000123" } }, { dir, filter: { primitive: "bridge", task: "task-40" } }, { dir, filter: { primitive: "bridge" } }];
  const want = await Promise.all(cases.map((c) => lines({ ...c, index: false })));
  const tree = JSON.stringify(await causality({ causality: "task-17" }, { dir, index: false }));
  const pick = rng(5);
  let told = 0;
  for (let k = 0; k < 120; k++) {
    const bytes = Buffer.from(good);
    const damaged = k % 3 === 0 ? bytes.subarray(0, Math.floor(pick() * bytes.length)) : bytes;
    if (k % 3 !== 0) {
      const at = k % 3 === 1 ? Math.floor(pick() * Math.min(600, bytes.length)) : Math.floor(pick() * bytes.length);
      damaged[at] = damaged[at]! ^ (1 + Math.floor(pick() * 255));
    }
    writeFileSync(path, damaged);
    const notes: string[] = [];
    // The blocks of every value, and the lines of common ones (a primitive on every page).
    for (const share of [1, 0]) {
      const use = { wholeDayShare: share, onNote: (m: string) => void notes.push(m) };
      for (const [i, c] of cases.entries()) assert.deepEqual(await lines({ ...c, index: use }), want[i], `mutation ${k}: ${JSON.stringify({ ...c, dir: undefined })}, share ${share}`);
    }
    const use = { wholeDayShare: 1, onNote: (m: string) => void notes.push(m) };
    assert.equal(JSON.stringify(await causality({ causality: "task-17" }, { dir, index: use })), tree, `mutation ${k}: --causality`);
    if (notes.length > 0) told++;
    for (const m of notes) assert.ok(m.startsWith(`${path}: `) && m.endsWith("; ignored (trace index rebuilds it)"), m);
  }
  assert.ok(told > 40, `most damage was told (${told} of 120)`);
});
