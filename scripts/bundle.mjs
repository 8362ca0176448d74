// Bundles the CLI into one CommonJS file, build/cli/main.cjs: Node loads one script by
// `require` faster than it links some thirty ES modules (or a handful of chunks), see the
// README's Performance section for what it saved. Commands load lazily all the
// same: esbuild defers each `import()`ed module's body to its first use. The library
// stays unbundled ES modules in build/src.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { build } from "esbuild";

const root = join(dirname(new URL(import.meta.url).pathname), "..");
const outdir = join(root, "build/cli");
// Earlier builds left chunk files here: start clean.
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(root, "build/src/cli/main.js")],
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  outfile: join(outdir, "main.cjs"),
  // The PostgreSQL client is an optional dependency, loaded from node_modules when a database is named.
  external: ["pg", "pg-copy-streams"],
  logLevel: "warning",
  // Fewer bytes to read and a smaller code cache: 5 ms of each start. TRACE_DEBUG's stacks
  // come from the unbundled modules (bin/trace), which keep their names.
  minify: true,
  // wasm/load.ts finds its .wasm files beside the module that loads it: here, the bundle.
  define: { "import.meta.url": "__bundleUrl" },
  // The build id ties the code cache below to this bundle (bin/load.cjs).
  banner: { js: `//build:${randomBytes(16).toString("hex")}\nconst __bundleUrl = require('node:url').pathToFileURL(__filename).href;` },
});
// The WebAssembly modules are found beside the module that loads them: here, the bundle.
const { WASM_MODULES } = await import(join(root, "build/src/engine/wasm/modules.js"));
for (const { name } of WASM_MODULES) copyFileSync(join(root, "build/src/engine/wasm", `${name}.wasm`), join(outdir, `${name}.wasm`));

// V8's code cache for the bundle, written after a few typical commands ran on the
// example store: each start then skips compiling what they used (bin/load.cjs).
const scratch = mkdtempSync(join(tmpdir(), "trace-cache-"));
const store = join(root, "logs/payments");
// A copy with the indexes of its (sealed) days, so that the indexed paths are cached too.
const indexed = join(scratch, "indexed");
cpSync(store, indexed, { recursive: true });
const runs = [
  ["--version"],
  ["--dir", store, "--agent", "zealot-1", "--json"],
  ["--dir", store, "task-abc123", "--utc"],
  ["--dir", store, "--causality", "task-abc123"],
  ["--dir", store, "--since", "2025-10-22T14:10:00Z", "--agent", "zealot-1"],
  ["emit", "ops", "tick", "--dir", scratch],
  ["index", "--dir", indexed],
  ["--dir", indexed, "--agent", "zealot-1", "--json"],
  ["--dir", indexed, "task-abc123", "--json"],
  ["--dir", indexed, "--causality", "task-abc123", "--json"],
];
const loader = join(root, "bin/load.cjs");
const made = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(loader)}).writeCodeCache(${JSON.stringify(runs)})`], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", env: { ...process.env, TRACE_INDEX: "off" } });
rmSync(scratch, { recursive: true, force: true });
if (made.status !== 0) throw new Error(`writing the CLI's code cache failed:\n${made.stderr}`);
