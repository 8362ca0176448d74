import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname } from "node:path";
import { emit } from "../../src/index.js";
import { BIN, have, tempDir, trace } from "../helpers/cli.js";

/** What bash's completion offers for the words typed, the last being completed. */
function bashComplete(words: string[], env: NodeJS.ProcessEnv): string[] {
  const script = `source <(trace completion bash); COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _trace; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync("bash", ["-c", script], { encoding: "utf8", env: { ...process.env, ...env, PATH: `${dirname(BIN)}:${process.env.PATH}` } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split("\n").filter((l) => l !== "");
}

test("bash completes commands, flags, and agents, targets and channels from the store", { skip: !have("bash") && "no bash" }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  emit({ primitive: "bridge", event_type: "send", agent_id: "haiku-1", target_id: "payments" }, { dir });
  emit({ primitive: "ops", event_type: "claim_task", agent_id: "haiku-2", target_id: "task-sub1" }, { dir });
  emit({ primitive: "ops", event_type: "create_task", agent_id: "zealot-1", target_id: "task-abc123" }, { dir });
  const env = { TRACE_DIR: dir };
  assert.deepEqual(bashComplete(["trace", "em"], env), ["emit"]);
  assert.deepEqual(bashComplete(["trace", "--ag"], env), ["--agent"]);
  assert.deepEqual(bashComplete(["trace", "--agent", "haiku"], env), ["haiku-1", "haiku-2"]);
  assert.deepEqual(bashComplete(["trace", "--channel", ""], env), ["payments"]);
  assert.deepEqual(bashComplete(["trace", "task-"], env), ["task-abc123", "task-sub1"]);
  assert.deepEqual(bashComplete(["trace", "emit", "--f"], env), ["--fsync"]);
  assert.deepEqual(bashComplete(["trace", "completion", ""], env), ["bash", "fish", "zsh"].sort((a, b) => ["bash", "zsh", "fish"].indexOf(a) - ["bash", "zsh", "fish"].indexOf(b)));
  assert.deepEqual(bashComplete(["trace", "export", "--format", ""], env), ["otlp", "chrome", "dot", "mermaid", "html"]);
  // --dir on the line is the store read.
  assert.deepEqual(bashComplete(["trace", "--dir", dir, "--primitive", ""], {}), ["bridge", "ops"]);
});

test("trace completion prints a script for bash, zsh and fish; anything else exits 2", async () => {
  for (const shell of ["bash", "zsh", "fish"]) {
    const r = await trace(["completion", shell]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /trace __complete/);
  }
  const bad = await trace(["completion", "tcsh"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /completion: name one shell: bash, zsh, fish/);
  if (have("zsh")) assert.equal(spawnSync("zsh", ["-n", "-c", (await trace(["completion", "zsh"])).stdout]).status, 0);
  if (have("fish")) assert.equal(spawnSync("fish", ["-n", "-c", (await trace(["completion", "fish"])).stdout]).status, 0);
});
