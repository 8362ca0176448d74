// Compiles each src/**/*.wat to build/src/**/*.wasm (tsc copies only TypeScript and JSON).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import createWabt from "wabt";

const root = join(dirname(new URL(import.meta.url).pathname), "..");
const wabt = await createWabt();
/** SIMD searches; memory.copy (match.wat's gather); a memory shared with the read-ahead thread. */
const FEATURES = { simd: true, bulk_memory: true, threads: true };
for (const entry of readdirSync(join(root, "src"), { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith(".wat")) continue;
  const source = join(entry.parentPath, entry.name);
  const target = join(root, "build", relative(root, source)).replace(/\.wat$/, ".wasm");
  const module = wabt.parseWat(source, readFileSync(source, "utf8"), FEATURES);
  // validate() takes the features too (its typings omit it): without them a shared memory fails.
  module.validate(FEATURES);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, module.toBinary({}).buffer);
  module.destroy();
}
