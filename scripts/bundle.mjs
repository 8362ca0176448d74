// Bundles the CLI into CommonJS files in build/cli: main.cjs parses the command line and
// runs `--version` and usage errors alone; each module main.ts imports on demand (a
// command: query.cjs, causality.cjs, emit.cjs …) is a bundle of its own, loaded by
// bin/load.cjs when the command runs; so is build-thread.cjs, the body of `trace index`'s
// builder threads. Node loads a script by `require` faster than it
// links some thirty ES modules (or a handful of chunks), and a part holds only what its
// command uses: see docs/performance.md (Start-up). The library stays unbundled ES
// modules in build/src.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, sep } from "node:path";
import { build } from "esbuild";

const root = join(dirname(new URL(import.meta.url).pathname), "..");
const outdir = join(root, "build/cli");
// Earlier builds left chunk files here: start clean.
rmSync(outdir, { recursive: true, force: true });
const BUILD_ID = randomBytes(16).toString("hex");
const common = {
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  // The PostgreSQL client is an optional dependency, loaded from node_modules when a database is named.
  external: ["pg", "pg-copy-streams"],
  logLevel: "warning",
  // Fewer bytes to read and a smaller code cache: 5 ms of each start. TRACE_DEBUG's stacks
  // come from the unbundled modules (bin/trace), which keep their names.
  minify: true,
  // wasm/load.ts finds its .wasm file beside the module that loads it: here, the bundle.
  define: { "import.meta.url": "__bundleUrl" },
  // The build id ties each file's code cache to this build (bin/load.cjs).
  banner: { js: `//build:${BUILD_ID}\nconst __bundleUrl = require('node:url').pathToFileURL(__filename).href;` },
};
/** main.js's `import("./x.js")` becomes `require("./x.cjs")`, which bin/load.cjs answers with that part's bundle. */
const parts = new Set();
const asParts = {
  name: "parts",
  setup(b) {
    b.onResolve({ filter: /^\.\/[a-z-]+\.js$/ }, (a) => {
      if (a.kind !== "dynamic-import" || !a.importer.endsWith(`${sep}cli${sep}main.js`)) return undefined;
      const name = a.path.slice(2, -3);
      parts.add(name);
      return { path: name, namespace: "part" };
    });
    b.onLoad({ filter: /.*/, namespace: "part" }, (a) => ({ contents: `module.exports = require("./${a.path}.cjs");`, loader: "js" }));
    b.onResolve({ filter: /\.cjs$/, namespace: "part" }, (a) => ({ path: a.path, external: true }));
  },
};
await build({ ...common, entryPoints: [join(root, "build/src/cli/main.js")], outfile: join(outdir, "main.cjs"), plugins: [asParts] });
// `trace index`'s builder threads load a bundle of their own, found beside the part that starts them (day-index/build-lanes.ts).
const threads = [{ in: join(root, "build/src/day-index/build-thread.js"), out: "build-thread" }];
await build({ ...common, entryPoints: [...[...parts].map((name) => ({ in: join(root, `build/src/cli/${name}.js`), out: name })), ...threads], outdir, outExtension: { ".js": ".cjs" } });
// The WebAssembly module is found beside the module that loads it: here, the bundle.
const { ENGINE_WASM } = await import(join(root, "build/src/engine/wasm/modules.js"));
copyFileSync(join(root, "build/src/engine/wasm", `${ENGINE_WASM}.wasm`), join(outdir, `${ENGINE_WASM}.wasm`));

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
