// Builds the script of `trace view`'s page: src/view/ (browser code, type-checked with
// tsconfig.view.json) bundled into one minified script, written as the string that the
// export inlines into every page (build/src/view/page-script.js).
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { build } from "esbuild";

const root = join(dirname(new URL(import.meta.url).pathname), "..");
const checked = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.view.json")], { stdio: "inherit" });
if (checked.status !== 0) process.exit(checked.status ?? 1);
const out = await build({
  entryPoints: [join(root, "src/view/main.ts")],
  bundle: true,
  format: "iife",
  platform: "browser",
  target: ["chrome110", "firefox115", "safari16"],
  minify: true,
  write: false,
  logLevel: "warning",
});
// Inside <script>, "</script" would end the element: no string of the page may spell it.
const code = out.outputFiles[0].text.replace(/<\/(script)/gi, "<\\/$1");
mkdirSync(join(root, "build/src/view"), { recursive: true });
writeFileSync(join(root, "build/src/view/page-script.js"), `/** The page's script, built by scripts/build-page.mjs from src/view/. */\nexport const PAGE_SCRIPT = ${JSON.stringify(code)};\n`);
