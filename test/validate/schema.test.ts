import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { kindOf, openInput, emitToolCall, emitCapabilityCheck, emitMemoryTrace, readTraces, validateTrace } from "../../src/api/schema.js";
import { openWriter, UsageError } from "../../src/index.js";
import { BIN, lines, ROOT, tempDir, trace } from "../helpers/cli.js";

const FIXTURES = join(ROOT, "test", "fixtures", "namel3ss");

/** Trace count of every fixture file: together with INVALID, this pins the verdict of every event. */
const COUNTS: Record<string, number> = {
  "agent_merge_trace_golden.json": 6, "memory_agreement_trace_golden.json": 5, "memory_budget_trace_golden.json": 1,
  "memory_cache_hit_trace_golden.json": 1, "memory_cache_miss_trace_golden.json": 1, "memory_change_preview_trace_golden.json": 3,
  "memory_compaction_trace_golden.json": 1, "memory_governance_trace_golden.json": 5, "memory_handoff_trace_golden.json": 4,
  "memory_impact_trace_golden.json": 2, "memory_links_trace_golden.json": 4, "memory_pack_loaded_trace_golden.json": 1,
  "memory_pack_merged_trace_golden.json": 1, "memory_pack_overrides_trace_golden.json": 1, "memory_phase_trace_golden.json": 4,
  "memory_restore_failed_trace_golden.json": 1, "memory_rules_trace_golden.json": 3, "memory_spaces_trace_golden.json": 52,
  "memory_team_summary_trace_golden.json": 1, "memory_trust_trace_golden.json": 18, "memory_wake_up_report_trace_golden.json": 1,
  "tool_call_trace_golden.json": 9, "golden_snapshots/agent_run/traces.json": 53, "golden_snapshots/ai_ask/traces.json": 47,
  "golden_snapshots/tool_basic/traces.json": 1,
};

/**
 * The only events that break v1, and why: the snapshots are canonicalized (duration_ms and
 * project_id were removed from every event), and v1 requires both where they are missing.
 */
const INVALID: Record<string, string[]> = {
  "golden_snapshots/agent_run/traces.json[1].canonical_events[2]": ["project_id missing"],
  "golden_snapshots/agent_run/traces.json[1].memory_events[2]": ["project_id missing"],
  "golden_snapshots/ai_ask/traces.json[0].canonical_events[2]": ["project_id missing"],
  "golden_snapshots/ai_ask/traces.json[0].memory_events[2]": ["project_id missing"],
  "golden_snapshots/tool_basic/traces.json[0]": ["duration_ms missing"],
};

test("every namel3ss fixture gets the verdict the schema text gives, event by event", async () => {
  const files = [...readdirSync(FIXTURES).filter((f) => f.endsWith(".json")), ...readdirSync(join(FIXTURES, "golden_snapshots")).map((d) => `golden_snapshots/${d}/traces.json`)];
  assert.deepEqual(files.sort(), Object.keys(COUNTS).sort(), "every fixture file is covered");
  const invalidSeen: Record<string, string[]> = {};
  for (const file of files) {
    let n = 0;
    for await (const item of readTraces(file, openInput(join(FIXTURES, file)))) {
      assert.ok(!("message" in item), `${file}: unreadable ${JSON.stringify(item)}`);
      n++;
      const verdict = validateTrace(item.trace);
      assert.notEqual(verdict.kind, "unknown", `${item.where}: ${verdict.type} is named by the schema or the AI stream`);
      if (verdict.type.startsWith("memory_")) assert.ok(verdict.kind === "v1" || verdict.kind === "memory", item.where);
      if (verdict.problems.length > 0) invalidSeen[item.where] = verdict.problems.map((p) => `${p.key} ${p.message}`);
    }
    assert.equal(n, COUNTS[file], file);
  }
  assert.deepEqual(invalidSeen, INVALID);
});

test("trace validate over the fixtures: one line per problem, a summary, exit 1", async () => {
  const r = await trace(["validate", "golden_snapshots/tool_basic/traces.json", "memory_budget_trace_golden.json"], { cwd: FIXTURES });
  assert.equal(r.code, 1);
  const out = lines(r.stdout);
  assert.equal(out[0], "golden_snapshots/tool_basic/traces.json[0]: tool_call: duration_ms missing");
  assert.match(out.at(-1)!, /^trace schema v1: 2 traces, 1 valid, 1 invalid$/);
  const ok = await trace(["validate", "memory_budget_trace_golden.json", "--json"], { cwd: FIXTURES });
  assert.equal(ok.code, 0);
  assert.deepEqual(JSON.parse(ok.stdout).summary.counts, { memory_budget: { kind: "v1", valid: 1, invalid: 0 } });
});

const TOOL = {
  type: "tool_call", tool_name: "format", resolved_source: "binding", entry: "tools.fmt:run", runner: "local",
  python_env: "system", python_path: "/usr/bin/python3", deps_source: "none", status: "ok", duration_ms: 12, timeout_ms: 5000, protocol_version: 1,
};
const problems = (t: Record<string, unknown>): string[] => validateTrace(t).problems.map((p) => `${p.key} ${p.message}`);

test("tool_call: base keys, enums, and the keys each source and runner require", () => {
  assert.deepEqual(problems(TOOL), []);
  for (const key of ["tool_name", "resolved_source", "runner", "status", "duration_ms", "timeout_ms", "protocol_version"]) {
    assert.deepEqual(problems({ ...TOOL, [key]: undefined }).filter((p) => p.startsWith(key)), [`${key} missing`], key);
  }
  assert.deepEqual(problems({ ...TOOL, status: "maybe" }), ['status "maybe" is not one of ok, error']);
  assert.deepEqual(problems({ ...TOOL, runner: "lambda" }), ['runner "lambda" is not one of local, service, container']);
  assert.deepEqual(problems({ ...TOOL, resolved_source: "web" }), ['resolved_source "web" is not one of builtin_pack, installed_pack, binding']);
  assert.deepEqual(problems({ ...TOOL, duration_ms: "12" }), ['duration_ms "12" is not a number of milliseconds']);
  assert.deepEqual(problems({ ...TOOL, entry: undefined }), ["entry missing (required for binding tools: resolved_source binding)"]);
  for (const source of ["builtin_pack", "installed_pack"]) {
    assert.deepEqual(problems({ ...TOOL, resolved_source: source }), [
      `pack_id missing (required for pack tools: resolved_source ${source})`,
      `pack_version missing (required for pack tools: resolved_source ${source})`,
    ]);
    assert.deepEqual(problems({ ...TOOL, resolved_source: source, pack_id: "base", pack_version: "1.0.0" }), []);
  }
  assert.deepEqual(problems({ ...TOOL, python_path: undefined, deps_source: undefined }), [
    "python_path missing (required for runner local: runner local)",
    "deps_source missing (required for runner local: runner local)",
  ]);
  assert.deepEqual(problems({ ...TOOL, runner: "service" }), ["service_url missing (required for runner service: runner service)"]);
  assert.deepEqual(problems({ ...TOOL, runner: "service", service_url: "http://127.0.0.1:9" }), []);
  assert.deepEqual(problems({ ...TOOL, runner: "container", image: "x" }), [
    "container_runtime missing (required for runner container: runner container)",
    "command missing (required for runner container: runner container)",
  ]);
});

const DENIED = {
  type: "capability_check", tool_name: "fetch", resolved_source: "installed_pack", runner: "service", capability: "network",
  allowed: false, guarantee_source: "policy", reason: "guarantee_blocked", protocol_version: 1,
};

test("capability_check: every denied check carries every key; an allowed one need not", () => {
  assert.deepEqual(problems(DENIED), []);
  assert.deepEqual(problems({ type: "capability_check", allowed: true }), []);
  assert.deepEqual(problems({ type: "capability_check", allowed: false }).length, 7);
  assert.deepEqual(problems({ type: "capability_check" }), ["allowed missing (needed to tell whether the check was denied)"]);
  assert.deepEqual(problems({ ...DENIED, capability: "gpu" }), ['capability "gpu" is not one of filesystem_write, filesystem_read, network, subprocess, env_read, env_write, secrets']);
  assert.deepEqual(problems({ ...DENIED, guarantee_source: "god" }), ['guarantee_source "god" is not one of tool, pack, user, policy']);
  assert.deepEqual(problems({ ...DENIED, reason: "It was blocked!" }), ['reason "It was blocked!" is not a stable code such as guarantee_blocked']);
  assert.deepEqual(problems({ ...DENIED, duration_ms: 3 }), []);
  assert.deepEqual(problems({ ...DENIED, duration_ms: -3 }), ["duration_ms -3 is not a number of milliseconds"]);
});

test("memory events: listed ones are known, those with listed keys require them", () => {
  assert.deepEqual(problems({ type: "memory_recall" }), []);
  assert.equal(kindOf("memory_recall"), "memory");
  assert.deepEqual(problems({ type: "memory_pack_loaded", title: "t", lines: [] }), ["pack_id missing", "pack_version missing"]);
  assert.deepEqual(problems({ type: "memory_budget", space: "s", lane: "l", phase_id: "p", owner: "o", title: "t", lines: [1] }), ["lines is not a list of lines (strings)"]);
  assert.deepEqual(problems({ type: "memory_compaction", title: "t", lines: [] }), ["action missing", "items_removed_count missing", "summary_written missing", "reason missing"]);
  assert.equal(kindOf("ai_call"), "ai");
  assert.equal(kindOf("whatever", { trace_version: "2024-10-01" }), "ai");
  assert.equal(kindOf("whatever"), "unknown");
});

test("unknown types are notes, errors with --strict; malformed lines are reported with their line and the rest validated", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const file = join(dir, "mixed.ndjson");
  writeFileSync(file, [JSON.stringify(DENIED), JSON.stringify({ type: "mystery" }), "{not json", JSON.stringify({ ...TOOL, status: "meh" })].join("\n") + "\n");
  const loose = await trace(["validate", file]);
  assert.equal(loose.code, 2, "malformed input wins over violations");
  assert.ok(loose.stdout.includes(`${file}:2: mystery: type unknown trace type (note)`));
  assert.ok(loose.stdout.includes(`${file}:4: tool_call: status "meh" is not one of ok, error`));
  assert.match(loose.stderr, new RegExp(`${file}:3: not valid JSON`));
  const onlyUnknown = join(dir, "unknown.ndjson");
  writeFileSync(onlyUnknown, JSON.stringify({ type: "mystery" }) + "\n");
  assert.equal((await trace(["validate", onlyUnknown])).code, 0);
  assert.equal((await trace(["validate", onlyUnknown, "--strict"])).code, 1);
  const stdin = await trace(["validate", "-"], { input: JSON.stringify([DENIED, { ...DENIED, reason: undefined }]) });
  assert.equal(stdin.code, 1);
  assert.ok(stdin.stdout.includes("<stdin>[1]: capability_check: reason missing"));
  const found = [];
  for await (const item of readTraces("s", Readable.from([JSON.stringify({ type: "ai_call", canonical_events: [{ type: "memory_budget" }] })]))) found.push(item);
  assert.deepEqual(found.map((f) => f.where), ["s:1", "s:1.canonical_events[0]"]);
});

test("emit refuses a broken v1 trace; typed helpers write valid ones that validate reads back from day files", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const w = openWriter({ dir });
  assert.throws(() => w.emit({ primitive: "tool", event_type: "tool_call", metadata: { ...TOOL, runner: "service" } }), (e: unknown) => e instanceof UsageError && /service_url missing/.test(e.message));
  const { type: _tool, ...toolTrace } = TOOL;
  emitToolCall(w, { ...toolTrace, resolved_source: "binding", runner: "local", status: "ok" }, { agent_id: "haiku-1" });
  const { type: _cap, ...denied } = DENIED;
  emitCapabilityCheck(w, { ...denied, allowed: false, resolved_source: "installed_pack", runner: "service", capability: "network", guarantee_source: "policy" });
  emitMemoryTrace(w, "memory_pack_merged", { title: "Memory packs merged", lines: ["base", "team"] });
  w.emit({ primitive: "ops", event_type: "create_task", target_id: "task-1" });
  const { type: _t, ...untyped } = TOOL;
  assert.equal(w.emit({ primitive: "tool", event_type: "tool_call", metadata: untyped }).metadata.type, "tool_call", "the stored trace gets its type");
  w.close();
  const r = await trace(["validate", "--dir", dir]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^trace schema v1: 4 traces, 4 valid, 0 invalid; 1 other event \(no trace\) skipped$/m);
  const byFolder = await trace(["validate", dir]);
  assert.deepEqual([byFolder.code, byFolder.stdout], [0, r.stdout], "a folder is read as a store");
  mkdirSync(join(dir, "no-days"));
  const empty = await trace(["validate", join(dir, "no-days")]);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /^trace: .*: a folder without day files; name the files in it\n$/);
  const json = await trace(["validate", "--dir", dir, "--json"]);
  assert.equal(JSON.parse(json.stdout.trim().split("\n").at(-1)!).summary.skipped, 1);
  const human = await trace(["--dir", dir, "--utc"]);
  assert.match(human.stdout, /\| tool      \| [^|]+\| tool_call format \(binding, local\) ok 12 ms/);
  assert.match(human.stdout, /\| tool      \| [^|]+\| capability_check network denied: guarantee_blocked/);
  assert.match(human.stdout, /\| memory    \| [^|]+\| memory_pack_merged: Memory packs merged/);
});

test("trace validate quotes no secret: a stored value the policy masks is [redacted] in findings, text and --json, for the store and for files", async (t) => {
  const { dir: root, cleanup } = tempDir();
  t.after(cleanup);
  const dir = join(root, "store");
  mkdirSync(dir);
  const secret = "sk-live-abcdef1234567890abcd";
  const bad = { type: "tool_call", tool_name: "x", resolved_source: secret, runner: "remote", status: "ok", duration_ms: 3, timeout_ms: 10, protocol_version: 1 };
  writeFileSync(join(dir, "2025-10-22.ndjson"), JSON.stringify({ id: "01a20157-0000-7000-8000-000000000001", timestamp: Date.parse("2025-10-22T10:00:00Z"), primitive: "tool", event_type: "tool_call", agent_id: "a", target_id: null, parent_event_id: null, metadata: bad }) + "\n");
  writeFileSync(join(root, "loose-trace.json"), JSON.stringify(bad));
  for (const args of [["validate", "--dir", dir], ["validate", "--dir", dir, "--json"], ["validate", join(root, "loose-trace.json")], ["validate", "--json", join(root, "loose-trace.json")]]) {
    const r = await trace(args);
    assert.equal(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), `${args.join(" ")} printed the secret:\n${r.stdout}`);
    assert.match(r.stdout, /resolved_source/, "the key is still named");
    assert.match(r.stdout, /\[redacted\]/);
  }
});

test("validate /dev/zero: a line past 64 MiB ends the reading with one line, exit 2, in bounded memory", { timeout: 60_000 }, async () => {
  const timed = existsSync("/usr/bin/time");
  const run = spawnSync(timed ? "/usr/bin/time" : BIN, timed ? ["-f", "peak %M", BIN, "validate", "/dev/zero"] : ["validate", "/dev/zero"], { encoding: "utf8", env: { ...process.env, TRACE_DIR: "" } });
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /^trace: \/dev\/zero:1: not valid JSON \(a line longer than 64 MiB; the rest is not read\)$/m);
  if (timed) assert.ok(Number(/peak (\d+)/.exec(run.stderr)![1]) < 400_000, `peak RSS ${/peak (\d+)/.exec(run.stderr)![1]} KB`);
});
