import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openWriter, type TraceEvent } from "../../src/index.js";
import { lines, tempDir, trace } from "../helpers/cli.js";

const json = (out: string): TraceEvent[] => lines(out).map((l) => JSON.parse(l) as TraceEvent);
const SECRET = /k1-secret|abc\.def\.ghi|sk-live1234567890abcdefgh|zzz-escaped|hunter2/;

/** A store with secrets where the policy looks: nested keys, arrays, another case, an escaped key spelling, values that look like keys. */
function secretStore(dir: string): { root: TraceEvent; leaky: TraceEvent } {
  const w = openWriter({ dir });
  const root = w.emit({ primitive: "ops", event_type: "create_task", agent_id: "zealot-1", target_id: "task-1", metadata: { title: "Build payments" } });
  const leaky = w.emit({
    primitive: "tool",
    event_type: "call",
    agent_id: "haiku-1",
    target_id: "task-1",
    parent_event_id: root.id,
    metadata: { auth: { api_key: "k1-secret", note: "sent Bearer abc.def.ghi" }, list: [{ PASSWORD: "hunter2" }, "key sk-live1234567890abcdefgh"], ok: 1 },
  });
  w.close();
  // A line another writer wrote, with the key's underscore escaped.
  const day = readFileSync(join(dir, `${new Date(leaky.timestamp).toISOString().slice(0, 10)}.ndjson`), "utf8");
  assert.ok(day.length > 0);
  appendFileSync(join(dir, `${new Date(leaky.timestamp).toISOString().slice(0, 10)}.ndjson`), `{"id":"01a20157-3b8b-7347-9952-0b0637d3beee","timestamp":${leaky.timestamp + 1},"primitive":"tool","event_type":"call","agent_id":"haiku-1","target_id":"task-1","parent_event_id":"${root.id}","metadata":{"api\\u005fkey":"zzz-escaped"}}\n`);
  return { root, leaky };
}

test("trace emit --private stores a digest of the payload and keeps the skeleton; --redact hides just those keys", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const meta = { prompt: "a customer's address", n: 1 };
  const priv = await trace(["emit", "ai", "ai_call", "--agent", "haiku-1", "--target", "task-1", "--private", "--reason", "customer data", "--meta", JSON.stringify(meta), "--json", "--dir", dir]);
  assert.equal(priv.code, 0, priv.stderr);
  const e = JSON.parse(priv.stdout) as TraceEvent;
  assert.deepEqual(e.metadata, { redacted: true, reason: "customer data", digest: `sha256:${createHash("sha256").update(JSON.stringify(meta)).digest("hex")}` }, "the holder of the original can prove it");
  assert.equal(e.agent_id, "haiku-1");
  assert.equal(e.target_id, "task-1");
  const some = JSON.parse((await trace(["emit", "ai", "ai_call", "--redact", "prompt", "--meta", JSON.stringify({ prompt: "x", deep: { prompt: "y" }, n: 2 }), "--json", "--dir", dir])).stdout) as TraceEvent;
  assert.deepEqual(some.metadata, { prompt: { redacted: true, digest: `sha256:${createHash("sha256").update('"x"').digest("hex")}` }, deep: { prompt: { redacted: true, digest: `sha256:${createHash("sha256").update('"y"').digest("hex")}` } }, n: 2 });
  assert.equal(json((await trace(["--json", "--dir", dir])).stdout).length, 2, "never dropped");
  const stored = readFileSync(join(dir, `${new Date(e.timestamp).toISOString().slice(0, 10)}.ndjson`), "utf8");
  assert.doesNotMatch(stored, /customer's address/, "the plain file never held it");
  for (const [args, message] of [
    [["--reason", "x"], /--reason goes with --private/],
    [["--private", "--redact", "a"], /--private hides the whole metadata/],
    [["--redact", ","], /--redact: name the keys/],
  ] as const) {
    const r = await trace(["emit", "ai", "x", ...args, "--dir", dir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, message);
  }
});

test("the default policy masks secrets in every output: text, --json, the tree, OTLP, Chrome, DOT; --no-redact shows the stored bytes", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const { leaky } = secretStore(dir);
  const outputs: [string, string[]][] = [
    ["--json", ["--json"]],
    ["timeline", ["task-1"]],
    ["follow", ["-f", "--json", "--until", "now"]],
    ["tree --json", ["--causality", "task-1", "--json"]],
    ["otlp", ["export", "--format", "otlp"]],
    ["chrome", ["export", "--format", "chrome"]],
    ["dot", ["export", "--format", "dot", "--causality", "task-1"]],
    ["mermaid", ["export", "--format", "mermaid", "--causality", "task-1"]],
  ];
  for (const [name, args] of outputs) {
    const r = await trace([...args, "--dir", dir]);
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    assert.doesNotMatch(r.stdout, SECRET, name);
  }
  const shown = json((await trace(["--json", "--dir", dir])).stdout);
  assert.deepEqual(shown.find((e) => e.id === leaky.id)!.metadata, { auth: { api_key: "[redacted]", note: "sent [redacted]" }, list: [{ PASSWORD: "[redacted]" }, "key [redacted]"], ok: 1 });
  assert.deepEqual(shown.at(-1)!.metadata, { api_key: "[redacted]" }, "an escaped spelling is the same key");
  const raw = await trace(["--json", "--no-redact", "--dir", dir]);
  assert.match(raw.stdout, /k1-secret/);
  assert.match(raw.stdout, /"api\\u005fkey":"zzz-escaped"/, "the stored bytes, as stored");
  const noFlag = await trace(["export", "--format", "otlp", "--no-redact", "--dir", dir]);
  assert.equal(noFlag.code, 2, "exports fail closed: there is no way to export unmasked");
});

test("the store's policy: keys and patterns added, the defaults and masking turned off, a bad pattern in the config is one line", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  openWriter({ dir }).emit({ primitive: "ops", event_type: "x", metadata: { customer_email: "a@b.c", id: "cus_abc123", api_key: "k" } });
  assert.equal((await trace(["redact", "--add-key", "customer_email", "--add-pattern", "cus_[a-z0-9]+", "--dir", dir])).code, 0);
  assert.deepEqual(json((await trace(["--json", "--dir", dir])).stdout)[0]!.metadata, { customer_email: "[redacted]", id: "[redacted]", api_key: "[redacted]" });
  await trace(["redact", "--without-defaults", "--dir", dir]);
  assert.deepEqual(json((await trace(["--json", "--dir", dir])).stdout)[0]!.metadata, { customer_email: "[redacted]", id: "[redacted]", api_key: "k" });
  const policy = JSON.parse((await trace(["redact", "--show-policy", "--json", "--dir", dir])).stdout);
  assert.deepEqual(policy, { off: false, defaults: false, keys: ["customer_email"], patterns: ["cus_[a-z0-9]+"] });
  await trace(["redact", "--off", "--dir", dir]);
  assert.deepEqual(json((await trace(["--json", "--dir", dir])).stdout)[0]!.metadata.customer_email, "a@b.c");
  const bad = await trace(["redact", "--add-pattern", "(", "--dir", dir]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^trace: --add-pattern "\(": not a regular expression/);
  writeFileSync(join(dir, "trace.config.json"), JSON.stringify({ redact: { patterns: ["[z-a]"] } }));
  const broken = await trace(["--json", "--dir", dir]);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /trace\.config\.json: redact\.patterns: "\[z-a\]" is not a regular expression/);
  assert.equal(lines(broken.stderr).length, 1);
});

test("trace redact ID: a tombstone every reader applies, in every output; the event and its place in the tree stay; nothing is rewritten", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const { root, leaky } = secretStore(dir);
  const before = readFileSync(join(dir, `${new Date(leaky.timestamp).toISOString().slice(0, 10)}.ndjson`), "utf8");
  const r = await trace(["redact", leaky.id.slice(-12), "--reason", "leaked a key", "--agent", "operator", "--dir", dir]);
  assert.equal(r.code, 0, r.stderr);
  const tombstone = r.stdout.trim();
  assert.ok(readFileSync(join(dir, `${new Date(leaky.timestamp).toISOString().slice(0, 10)}.ndjson`), "utf8").startsWith(before), "appended, never rewritten");
  const hidden = { redacted: true, reason: "leaked a key", by: "operator", tombstone };
  const all = json((await trace(["--json", "--dir", dir])).stdout);
  assert.deepEqual(all.find((e) => e.id === leaky.id)!.metadata, hidden);
  assert.equal(all.find((e) => e.id === tombstone)!.parent_event_id, leaky.id, "the tombstone is an event of the history too");
  const tree = JSON.parse((await trace(["--causality", root.id, "--json", "--dir", dir])).stdout);
  assert.deepEqual(tree.children[0].event.metadata, hidden);
  assert.equal(tree.children[0].event.parent_event_id, root.id);
  const otlp = (await trace(["export", "--format", "otlp", "--dir", dir])).stdout;
  assert.match(otlp, /"key":"metadata\.reason","value":\{"stringValue":"leaked a key"\}/);
  assert.doesNotMatch(otlp, SECRET);
  const timeline = await trace(["task-1", "--dir", dir]);
  assert.match(timeline.stdout, /trace +\| operator +\| redact/);
  // Written by other means, the registry is rebuilt from the day files.
  writeFileSync(join(dir, "redactions.ndjson"), "");
  assert.notDeepEqual(json((await trace(["--json", "--dir", dir])).stdout).find((e) => e.id === leaky.id)!.metadata, hidden, "without its registry entry a tombstone is not seen");
  assert.match((await trace(["redact", "--rebuild", "--dir", dir])).stdout, /^1 tombstone in the registry$/m);
  assert.deepEqual(json((await trace(["--json", "--dir", dir])).stdout).find((e) => e.id === leaky.id)!.metadata, hidden);
  const missing = await trace(["redact", "0123456789ab", "--reason", "x", "--dir", dir]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^trace: redact 0123456789ab: no event with that id/);
  assert.equal((await trace(["redact", leaky.id, "--dir", dir])).code, 2, "a reason is required");
});

test("a sealed day read whole and found clean goes out untouched after; a late secret in it, or another policy, makes the note void", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const old = Date.now() - 3 * 86_400_000;
  const w = openWriter({ dir });
  for (let i = 0; i < 5; i++) w.emit({ primitive: "ops", event_type: "x", metadata: { i }, timestamp: old + i });
  w.close();
  await trace(["--json", "--dir", dir]);
  const note = JSON.parse(readFileSync(join(dir, "redaction-clean.json"), "utf8"));
  assert.deepEqual(Object.keys(note.files), [`${new Date(old).toISOString().slice(0, 10)}.ndjson`]);
  openWriter({ dir }).emit({ primitive: "ops", event_type: "late", metadata: { token: "t0k" }, timestamp: old + 10 });
  assert.doesNotMatch((await trace(["--json", "--dir", dir])).stdout, /t0k/, "the day changed: its note is void");
  await trace(["redact", "--add-key", "i", "--dir", dir]);
  assert.match((await trace(["--json", "--dir", dir])).stdout, /"i":"\[redacted\]"/, "another policy: every note void");
});

test("compaction notes a compressed day clean, so the first query of it sends its lines out untouched; a day with a secret is not noted", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const day = (n: number): number => Date.now() - n * 86_400_000;
  const w = openWriter({ dir });
  w.emit({ primitive: "ops", event_type: "x", metadata: { n: 1 }, timestamp: day(3) });
  w.emit({ primitive: "ops", event_type: "x", metadata: { password: "p4ss" }, timestamp: day(2) });
  w.close();
  assert.equal((await trace(["prune", "--compress-after", "1d", "--dir", dir])).code, 0);
  const note = JSON.parse(readFileSync(join(dir, "redaction-clean.json"), "utf8"));
  assert.deepEqual(Object.keys(note.files), [`${new Date(day(3)).toISOString().slice(0, 10)}.ndjson.gz`]);
  const out = (await trace(["--json", "--dir", dir])).stdout;
  assert.doesNotMatch(out, /p4ss/);
  assert.match(out, /"n":1/);
});

test("a secret is masked wherever it stands in a block: across the pieces the quick look decodes, at the end of a line longer than one", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const day = new Date().toISOString().slice(0, 10);
  const T = Date.now() - 60_000;
  const line = (n: number, metadata: object): string =>
    JSON.stringify({ id: `01900000-0000-7000-8000-${String(n).padStart(12, "0")}`, timestamp: T + n, primitive: "tool", event_type: "call", agent_id: "a", target_id: "t", parent_event_id: null, metadata });
  const out: string[] = [];
  // Lines of about 1,000 bytes with a secret every 200, none in a block's first 60 KiB: found only by looking at every piece.
  for (let n = 0; n < 3000; n++) out.push(line(n, n % 200 === 150 ? { pad: "x".repeat(900 + (n % 37)), api_key: `k1-secret-${n}` } : { pad: "x".repeat(900 + (n % 37)) }));
  out.push(line(3000, { pad: "y".repeat(200_000), note: "token Bearer abc.def.ghi" }));
  writeFileSync(join(dir, `${day}.ndjson`), out.join("\n") + "\n");
  const r = await trace(["--dir", dir, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const events = json(r.stdout);
  assert.equal(events.length, 3001);
  assert.doesNotMatch(r.stdout, SECRET);
  assert.equal(events.filter((e) => (e.metadata as { api_key?: string }).api_key === "[redacted]").length, 15);
});
