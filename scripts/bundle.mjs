// Bundles the CLI into one CommonJS file, build/cli/main.cjs: Node loads one script by
// `require` faster than it links some thirty ES modules (or a handful of chunks), see the
// README's Performance section for what it saved. Commands load lazily all the
// same: esbuild defers each `import()`ed module's body to its first use. The library
// stays unbundled ES modules in build/src.
import { copyFileSync, rmSync } from "node:fs";
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
  logLevel: "warning",
  // simd.ts finds its .wasm files beside the module that loads them: here, the bundle.
  define: { "import.meta.url": "__bundleUrl" },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
for (const wasm of ["needle.wasm", "event-check.wasm", "peek.wasm"]) copyFileSync(join(root, "build/src/query", wasm), join(outdir, wasm));
