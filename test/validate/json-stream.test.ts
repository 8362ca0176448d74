import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createWriteStream, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { linesOrElements } from "../../src/validate/json-stream.js";
import { BIN, have, lines, tempDir, trace } from "../helpers/cli.js";

const TOOL = { type: "tool_call", tool_name: "fmt", resolved_source: "binding", entry: "x:y", runner: "local", python_env: "s", python_path: "/p", deps_source: "none", status: "ok", duration_ms: 1, timeout_ms: 5, protocol_version: 1 };

async function collect(chunks: (string | Buffer)[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of linesOrElements(Readable.from(chunks))) out.push(item);
  return out;
}

test("an array is cut into its elements across chunk boundaries, strings and nesting respected", async () => {
  const text = '  [\n {"a":"x,]\\"y"}, [1,[2]] ,\n"s" , 3\n]\n';
  for (let cut = 1; cut < text.length; cut++) {
    const got = await collect([text.slice(0, cut), text.slice(cut)]);
    assert.deepEqual(got, [
      { text: '{"a":"x,]\\"y"}', line: 2 },
      { text: "[1,[2]]", line: 2 },
      { text: '"s"', line: 3 },
      { text: "3", line: 3 },
    ], `cut at ${cut}`);
  }
  assert.deepEqual(await collect(['{"a":1}\n', "{\"b\":2}\r\n", "x"]), ['{"a":1}', '{"b":2}', "x"]);
  assert.deepEqual((await collect(["[1,2"])).at(-1), { problem: "the array is not closed", line: 1 });
  assert.deepEqual((await collect(["[1]\n{}"])).at(-1), { problem: "unexpected content after the array", line: 2 });
});

test("validate reads a 30 MB one-line JSON array as a stream: every trace counted, memory flat", { skip: !have("/usr/bin/time") && "no /usr/bin/time" }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const file = join(dir, "big.json");
  const out = createWriteStream(file);
  out.write("[");
  const n = 150_000;
  for (let i = 0; i < n; i++) out.write((i > 0 ? "," : "") + JSON.stringify({ ...TOOL, duration_ms: i, pad: "z".repeat(120) }));
  await new Promise<void>((done) => out.end("]", () => done()));
  const r = spawnSync("/usr/bin/time", ["-f", "%M", BIN, "validate", file], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`${n} traces, ${n} valid, 0 invalid`));
  const peakMb = Number(r.stderr.trim().split("\n").at(-1)) / 1024;
  assert.ok(peakMb < 150, `peak RSS ${peakMb.toFixed(0)} MB for a 30 MB array`);
});

test("a malformed array is named with its line, the elements before it still checked", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const file = join(dir, "broken.json");
  writeFileSync(file, `[\n${JSON.stringify(TOOL)},\n${JSON.stringify({ ...TOOL, status: "maybe" })},\n{"type":"tool_call",`);
  const r = await trace(["validate", file]);
  assert.equal(r.code, 2);
  assert.match(r.stdout, /broken\.json\[1\]: tool_call: status/);
  assert.match(r.stderr, /broken\.json:4: not valid JSON \(the array is not closed\)/);
  assert.equal(lines(r.stderr).length, 1);
});
