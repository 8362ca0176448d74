// Compiles the engine's WebAssembly modules (src/engine/wasm/NAME.wat, listed in
// modules.ts) to build/src/engine/wasm/NAME.wasm, filling each `{NAME}` token from the
// memory map in layout.ts: the offsets are written down once. Runs after tsc.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import createWabt from "wabt";

const root = join(dirname(new URL(import.meta.url).pathname), "..");
const built = join(root, "build/src/engine/wasm");
const { WASM_MODULES, WASM_FEATURES } = await import(join(built, "modules.js"));
const { WAT_CONSTANTS } = await import(join(built, "layout.js"));
const wabt = await createWabt();
for (const { name } of WASM_MODULES) {
  const source = join(root, "src/engine/wasm", `${name}.wat`);
  const text = readFileSync(source, "utf8").replace(/\{([A-Z][A-Z0-9_]*)\}/g, (_, key) => {
    if (!(key in WAT_CONSTANTS)) throw new Error(`${source}: {${key}} is not a constant of layout.ts`);
    return String(WAT_CONSTANTS[key]);
  });
  const module = wabt.parseWat(source, text, WASM_FEATURES);
  // validate() takes the features too (its typings omit it): without them a shared memory fails.
  module.validate(WASM_FEATURES);
  mkdirSync(built, { recursive: true });
  writeFileSync(join(built, `${name}.wasm`), module.toBinary({}).buffer);
  module.destroy();
}
