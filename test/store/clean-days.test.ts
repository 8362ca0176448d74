import assert from "node:assert/strict";
import { appendFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { indexStore, openWriter } from "../../src/index.js";
import { tempDir, trace } from "../helpers/cli.js";

test("a sealed day noted clean and then edited in place, at the same size, is looked at again: the secret it now holds is masked", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const day = Date.parse("2025-10-20T10:00:00Z");
  const w = openWriter({ dir });
  w.emit({ primitive: "ops", event_type: "step", agent_id: "a", timestamp: day, metadata: { note: "harmless-value-00000000000" } });
  w.close();
  const first = await trace(["--json", "--dir", dir]);
  assert.equal(first.code, 0, first.stderr);
  assert.ok(JSON.parse(readFileSync(join(dir, "redaction-clean.json"), "utf8")).files["2025-10-20.ndjson"], "the day was noted clean");
  const path = join(dir, "2025-10-20.ndjson");
  const before = readFileSync(path, "utf8");
  const edited = before.replace('"note":"harmless-value-00000000000"', '"api_key":"sk-live-4f8a2b7c9d1e0a9"');
  assert.equal(Buffer.byteLength(edited), Buffer.byteLength(before), "the same size");
  const { ino } = statSync(path);
  // Another second on the clock, as an editor's write would have.
  await new Promise((resolve) => setTimeout(resolve, 20));
  writeFileSync(path, edited);
  assert.equal(statSync(path).ino, ino, "edited in place");
  const after = await trace(["--json", "--dir", dir]);
  assert.equal(after.code, 0, after.stderr);
  assert.ok(!after.stdout.includes("sk-live-4f8a2b7c9d1e0a9"), after.stdout);
  assert.match(after.stdout, /"api_key":"\[redacted\]"/);
});

test("the background builder notes each sealed day it has looked at: clean, or holding a secret (then still masked); a changed day is looked at again", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const w = openWriter({ dir });
  w.emit({ primitive: "ops", event_type: "step", agent_id: "a", timestamp: Date.parse("2025-10-20T10:00:00Z"), metadata: { note: "harmless" } });
  w.emit({ primitive: "ops", event_type: "step", agent_id: "a", timestamp: Date.parse("2025-10-21T10:00:00Z"), metadata: { api_key: "sk-live-4f8a2b7c9d1e0a9" } });
  w.close();
  const notes = (): { files: Record<string, unknown>; held: Record<string, unknown> } => JSON.parse(readFileSync(join(dir, "redaction-clean.json"), "utf8"));
  await indexStore(dir, { noteClean: true });
  assert.deepEqual([Object.keys(notes().files), Object.keys(notes().held)], [["2025-10-20.ndjson"], ["2025-10-21.ndjson"]]);
  const shown = await trace(["--json", "--agent", "a", "--dir", dir]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.ok(!shown.stdout.includes("sk-live-4f8a2b7c9d1e0a9"), shown.stdout);
  assert.match(shown.stdout, /"note":"harmless"/);
  // The clean day gains a secret (appended: a late write): its note is void, and the next builder looks again.
  appendFileSync(join(dir, "2025-10-20.ndjson"), readFileSync(join(dir, "2025-10-21.ndjson"), "utf8").replace("2025-10-21", "2025-10-20"));
  const late = await trace(["--json", "--agent", "a", "--dir", dir]);
  assert.ok(!late.stdout.includes("sk-live-4f8a2b7c9d1e0a9"), late.stdout);
  await indexStore(dir, { noteClean: true });
  assert.deepEqual([Object.keys(notes().files), Object.keys(notes().held).sort()], [[], ["2025-10-20.ndjson", "2025-10-21.ndjson"]]);
  // `trace index` itself leaves the notes alone: its reads are for the index only.
  rmSync(join(dir, "redaction-clean.json"));
  await indexStore(dir, { rebuild: true });
  assert.ok(!existsSync(join(dir, "redaction-clean.json")));
});
