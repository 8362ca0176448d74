// Bundles the CLI into build/cli: one file per command path instead of some thirty
// modules to resolve and load at every start (about 20 ms of a query's 450 on the
// project's machine). The library stays unbundled in build/src.
import { copyFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { build } from "esbuild";

const root = join(dirname(new URL(import.meta.url).pathname), "..");
const outdir = join(root, "build/cli");
// Chunk names carry a hash: clear out the last build's.
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(root, "build/src/cli/main.js")],
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outdir,
  logLevel: "warning",
  // split2 and chokidar's dependencies are CommonJS and require Node's modules.
  banner: { js: "import { createRequire as __traceRequire } from 'node:module'; const require = __traceRequire(import.meta.url);" },
});
for (const wasm of ["needle.wasm", "event-check.wasm", "peek.wasm"]) copyFileSync(join(root, "build/src/query", wasm), join(outdir, wasm));
