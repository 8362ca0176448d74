/** What is not a regular file where trace expects one is skipped with one line: a FIFO never hangs a query, a folder never empties one. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { EXAMPLE, tempDir, trace } from "../helpers/cli.js";

const mkfifo = (path: string): void => void assert.equal(spawnSync("mkfifo", [path]).status, 0, `mkfifo ${path}`);
const OFF = { TRACE_INDEX: "off" };

test("a FIFO or a folder named like an index, or like a source database, is skipped with one line; the answer is --no-index's", { timeout: 60_000 }, async (t) => {
  const { dir: root, cleanup } = tempDir();
  t.after(cleanup);
  const store = join(root, "w", ".space", "trace");
  mkdirSync(store, { recursive: true });
  cpSync(join(EXAMPLE, "2025-10-22.ndjson"), join(store, "2025-10-22.ndjson"));
  const want = await trace(["--dir", store, "--json", "--agent", "zealot-1", "--no-index"], { env: OFF });
  assert.equal(want.code, 0, want.stderr);
  mkdirSync(join(store, ".index"));
  for (const make of [(p: string) => mkfifo(p), (p: string) => mkdirSync(p)]) {
    const index = join(store, ".index", "2025-10-22.ndjson.idx");
    make(index);
    for (const args of [["--agent", "zealot-1"], ["task-abc123"], ["--causality", "task-abc123"]]) {
      const r = await trace(["--dir", store, "--json", ...args], { env: OFF });
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(r.stdout, (await trace(["--dir", store, "--json", "--no-index", ...args], { env: OFF })).stdout, args.join(" "));
      assert.match(r.stderr, /2025-10-22\.ndjson\.idx: not a regular file; ignored/);
      assert.equal(r.stderr.split("\n").filter(Boolean).length, 1, r.stderr);
    }
    assert.equal((await trace(["--dir", store, "--json", "--agent", "zealot-1"], { env: OFF })).stdout, want.stdout);
    spawnSync("rm", ["-rf", index]);
  }
  // A FIFO named like the workspace's space.db.
  mkfifo(join(root, "w", ".space", "space.db"));
  const r = await trace(["--dir", store, "--json", "--agent", "zealot-1"], { env: OFF });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, want.stdout);
  assert.match(r.stderr, /space\.db: not a regular file; skipped/);
  const named = await trace(["--dir", store, "--space", join(root, "w", ".space", "space.db"), "--agent", "zealot-1"], { env: OFF });
  assert.equal(named.code, 2);
  assert.match(named.stderr, /^trace: --space .*space\.db: not a database file or a folder\n$/);
});

test(".index a symbolic link: queries ignore it, trace index refuses to write through it (exit 2)", async (t) => {
  const { dir: root, cleanup } = tempDir();
  t.after(cleanup);
  const store = join(root, "store");
  const elsewhere = join(root, "elsewhere");
  mkdirSync(store);
  mkdirSync(elsewhere);
  cpSync(join(EXAMPLE, "2025-10-22.ndjson"), join(store, "2025-10-22.ndjson"));
  symlinkSync(elsewhere, join(store, ".index"));
  const built = await trace(["index", "--dir", store], { env: OFF });
  assert.equal(built.code, 2, built.stderr);
  assert.match(built.stderr, /^trace: .*\.index: not a plain folder \(a symbolic link\?\); trace writes indexes only inside the store\n$/);
  assert.deepEqual(readdirSync(elsewhere), [], "nothing written through the link");
  assert.ok(lstatSync(join(store, ".index")).isSymbolicLink());
  const r = await trace(["--dir", store, "--json", "--agent", "zealot-1"], { env: OFF });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, (await trace(["--dir", store, "--json", "--agent", "zealot-1", "--no-index"], { env: OFF })).stdout);
  assert.ok(!existsSync(join(elsewhere, "2025-10-22.ndjson.idx")));
});
