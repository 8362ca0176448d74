import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXAMPLE, lines, tempDir, trace } from "../helpers/cli.js";

const T = Date.parse("2026-12-04T13:55:15.000Z");
const ev = (n: number, at: number, primitive: string, type: string, agent: string, metadata: object): string =>
  JSON.stringify({ id: `01a24156-0000-7000-8000-${String(n).padStart(12, "0")}`, timestamp: at, primitive, event_type: type, agent_id: agent, target_id: "task-42", parent_event_id: null, metadata });

/** A store of an AI call, a failed tool call's end, a private memory and an unknown step. */
function store(t: { after(fn: () => void): void }): string {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "2026-12-04.ndjson"),
    [
      ev(1, T, "ai", "ai_call", "coder-1", { model: "claude-sonnet-4-5", input_tokens: 1200, output_tokens: 340, duration_ms: 2300 }),
      ev(2, T + 1000, "tool", "tool_call_end", "agent-01", { tool: "web_search", status: "error", error: "rate limit", duration_ms: 812 }),
      ev(3, T + 2000, "memory", "add_entry", "a", { redacted: true, reason: "customer data", digest: "sha256:00" }),
      ev(4, T + 3123, "ops", "step", "a", { name: "deploy", status: "failed" }),
    ].join("\n") + "\n",
  );
  return dir;
}

test("rows say what a person needs: the model, tokens and time of an AI call, the tool and error of a failed step, that a payload is private", async (t) => {
  const dir = store(t);
  const r = await trace(["--dir", dir, "--utc"]);
  assert.deepEqual(lines(r.stdout), [
    "2026-12-04 13:55:15 | ai        | coder-1    | ai_call claude-sonnet-4-5 1,200→340 tokens 2,300 ms",
    "2026-12-04 13:55:16 | tool      | agent-01   | tool_call_end web_search error: rate limit 812 ms",
    "2026-12-04 13:55:17 | memory    | a          | added \"task-42\" [private: customer data]",
    "2026-12-04 13:55:18 | ops       | a          | step task-42 (deploy failed)",
  ]);
  // The actor stays in the words where no column shows it.
  assert.deepEqual(lines((await trace(["--dir", dir, "-o", "cat", "--type", "tool_call_end"])).stdout), ["tool_call_end web_search error: rate limit 812 ms by agent-01"]);
});

test("-o: short-precise, cat, verbose, json, json-pretty, and --output-fields; a mode that is none exits 2 with the nearest", async (t) => {
  const dir = store(t);
  const o = async (...args: string[]): Promise<string[]> => {
    const r = await trace(["--dir", dir, "--utc", ...args]);
    assert.equal(r.code, 0, r.stderr);
    return lines(r.stdout);
  };
  assert.deepEqual(await o("-o", "short-precise", "--type", "step"), ["2026-12-04 13:55:18.123 | ops       | a          | step task-42 (deploy failed)"]);
  assert.deepEqual(await o("-o", "cat", "--agent", "coder-1"), ["ai_call claude-sonnet-4-5 1,200→340 tokens 2,300 ms"]);
  const verbose = await o("--output", "verbose", "--type", "ai_call");
  assert.equal(verbose[0], "2026-12-04 13:55:15.000 | ai        | coder-1    | ai_call claude-sonnet-4-5 1,200→340 tokens 2,300 ms");
  assert.ok(verbose.includes("    agent_id: coder-1") && verbose.includes('      "model": "claude-sonnet-4-5",'), verbose.join("\n"));
  assert.deepEqual(await o("-o", "json", "--type", "step"), lines((await trace(["--dir", dir, "--json", "--type", "step"])).stdout));
  assert.deepEqual(JSON.parse((await o("-o", "json-pretty", "--type", "ai_call")).join("\n")).metadata.model, "claude-sonnet-4-5");
  assert.deepEqual(await o("-o", "json", "--output-fields", "id,metadata.tool", "--type", "tool_call_end"), ['{"id":"01a24156-0000-7000-8000-000000000002","metadata.tool":"web_search"}']);
  const bad = await trace(["--dir", dir, "-o", "jsn"]);
  assert.equal(bad.code, 2);
  assert.deepEqual(lines(bad.stderr), ['trace: -o "jsn": did you mean json?']);
  const fields = await trace(["--dir", dir, "-o", "cat", "--output-fields", "id"]);
  assert.equal(fields.code, 2);
  assert.match(fields.stderr, /^trace: --output-fields: for -o json, json-pretty or verbose, not cat$/m);
  // Follow prints in the mode too.
  const f = await trace(["--dir", dir, "-f", "-o", "cat", "--until", "now", "--type", "step"]);
  assert.deepEqual(lines(f.stdout), ["step task-42 by a (deploy failed)"]);
});

test("filters people reach for: --status error, --grep (case-insensitive unless it has a capital), --type; over the example too", async (t) => {
  const dir = store(t);
  const ids = async (...args: string[]): Promise<string[]> => lines((await trace(["--dir", dir, "--json", ...args])).stdout).map((l) => (JSON.parse(l) as { id: string }).id.slice(-1));
  assert.deepEqual(await ids("--status", "error"), ["2", "4"]);
  assert.deepEqual(await ids("--status", "failed"), ["4"]);
  assert.deepEqual(await ids("-g", "rate LIMIT".toLowerCase()), ["2"]);
  assert.deepEqual(await ids("-g", "Rate"), [], "a capital: case-sensitive");
  assert.deepEqual(await ids("--grep", "sonnet|deploy"), ["1", "4"]);
  assert.deepEqual(await ids("--type", "add_entry"), ["3"]);
  const bad = await trace(["--dir", dir, "--grep", "("]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^trace: --grep "\(": /m);
  // The example: the plain reader agrees with the fast one for each.
  for (const args of [["--grep", "api key"], ["--type", "claim_task"], ["--status", "error"]]) {
    const fast = await trace(["--dir", EXAMPLE, "--json", ...args]);
    const plain = await trace(["--dir", EXAMPLE, "--json", "--plain", ...args]);
    assert.equal(fast.stdout, plain.stdout, args.join(" "));
  }
  assert.equal(lines((await trace(["--dir", EXAMPLE, "--json", "--grep", "api key"])).stdout).length, 3);
});
