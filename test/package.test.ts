import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXAMPLE, ROOT, tempDir } from "./helpers/cli.js";

/** Runs a command to completion, failing the test with what it said when it fails. */
function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): string {
  const r = spawnSync(command, args, { cwd: options.cwd, encoding: "utf8", env: { ...process.env, ...options.env } });
  assert.equal(r.status, 0, `${command} ${args.join(" ")}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

test("the tarball is the product: installed from it alone, trace runs, queries, emits, and the library imports", { timeout: 180_000 }, (t) => {
  const { dir, cleanup } = tempDir("trace-package-");
  t.after(cleanup);
  // The build is the test's own (npm test built it): packed as it is, scripts not run again.
  const packed = JSON.parse(run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], { cwd: ROOT })) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[];
  const [{ filename, size, unpackedSize, files }] = packed as [(typeof packed)[0]];
  t.diagnostic(`packed ${filename}: ${(size / 1024).toFixed(0)} KiB, ${(unpackedSize / 1024).toFixed(0)} KiB unpacked, ${files.length} files`);
  const paths = files.map((f) => f.path);
  // The library's two run-time dependencies travel inside it (bundleDependencies): it installs offline.
  for (const path of paths) assert.match(path, /^(bin\/|build\/(src|cli|man)\/|node_modules\/(chokidar|readdirp|split2)\/|package\.json$|README\.md$|LICENSE)/, `ships only what runs: ${path}`);
  assert.ok(!paths.some((p) => p.startsWith("build/test") || p.startsWith("src/") || p.startsWith("bench") || p.startsWith("scripts")), "no tests, bench, sources or build tools");
  for (const needed of ["bin/trace", "bin/load.cjs", "build/cli/main.cjs", "build/cli/main.cjs.cache", "build/cli/query.cjs", "build/cli/query.cjs.cache", "build/cli/emit.cjs", "build/cli/engine.wasm", "build/src/index.js", "build/src/engine/wasm/engine.wasm", "build/man/trace.1"]) {
    assert.ok(paths.includes(needed), `ships ${needed}`);
  }

  // Installed offline, from the file alone (its dependencies come from npm's cache).
  const prefix = join(dir, "prefix");
  const install = README_INSTALL.replace("swarm-trace-0.1.0.tgz", join(dir, filename));
  run("sh", ["-c", `${install} --prefix ${JSON.stringify(prefix)} --offline --no-audit --no-fund`], { cwd: dir });
  const bin = join(prefix, "bin", "trace");
  const away = { cwd: dir, env: { TRACE_DIR: "", NO_COLOR: "1" } };
  assert.equal(run(bin, ["--version"], away).trim(), JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
  const store = join(dir, "payments");
  cpSync(EXAMPLE, store, { recursive: true });
  assert.match(run(bin, ["--dir", store, "task-abc123", "--utc"], away), /2025-10-22 14:05:00 \| ops {7}\| haiku-1 {4}\| task-sub1 claimed/);
  const id = run(bin, ["emit", "ops", "tick", "--dir", store], away).trim();
  assert.match(run(bin, ["--dir", store, "--json", "-n", "1"], away), new RegExp(id));
  assert.match(readFileSync(join(prefix, "share", "man", "man1", "trace.1"), "utf8"), /^\.TH TRACE 1/);

  // A scratch project imports the library from the installed package.
  const scratch = join(dir, "scratch");
  mkdirSync(join(scratch, "node_modules"), { recursive: true });
  symlinkSync(join(prefix, "lib", "node_modules", "swarm-trace"), join(scratch, "node_modules", "swarm-trace"));
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(
    join(scratch, "main.js"),
    `import { query } from "swarm-trace";
import { validateTrace } from "swarm-trace/schema";
import { escapeControl } from "swarm-trace/render";
let n = 0;
for await (const { event } of query({ target: "task-abc123" }, { dir: process.argv[2] })) n += event.target_id === null ? 0 : 1;
console.log(n, validateTrace({ type: "tool_call" }).problems.length > 0, escapeControl("\\x1b"));`,
  );
  assert.match(run(process.execPath, ["main.js", store], { cwd: scratch }), /^1\d true \\x1b$/m);
  assert.ok(readdirSync(join(prefix, "lib", "node_modules", "swarm-trace")).includes("build"));
});

/** The install line of the README, as a user types it. */
const README_INSTALL = (() => {
  const line = readFileSync(join(ROOT, "README.md"), "utf8").split("\n").find((l) => l.startsWith("npm pack && npm install -g "));
  assert.ok(line, "the README shows the install line");
  return line.replace(/^npm pack && /, "");
})();
