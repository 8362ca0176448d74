// Compiles the engine's WebAssembly sources (src/engine/wasm/NAME.wat, listed in
// modules.ts), filling each `{NAME}` token from the memory map in layout.ts (the offsets
// are written down once), and links them into build/src/engine/wasm/engine.wasm: one
// module whose only import is the memory (modules.ts says why). Runs after tsc.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import createWabt from "wabt";

const root = join(dirname(new URL(import.meta.url).pathname), "..");
const built = join(root, "build/src/engine/wasm");
const { WASM_MODULES, WASM_FEATURES, ENGINE_WASM } = await import(join(built, "modules.js"));
const { WAT_CONSTANTS } = await import(join(built, "layout.js"));
const wabt = await createWabt();
const MEMORY = /^[ \t]*\(import "env" "mem" \(memory [^\n]*\)\)[ \t]*\n/m;

/** The module's text with its tokens filled; throws naming the source when it does not compile alone. */
function source(name) {
  const path = join(root, "src/engine/wasm", `${name}.wat`);
  const text = readFileSync(path, "utf8").replace(/\{([A-Z][A-Z0-9_]*)\}/g, (_, key) => {
    if (!(key in WAT_CONSTANTS)) throw new Error(`${path}: {${key}} is not a constant of layout.ts`);
    return String(WAT_CONSTANTS[key]);
  });
  compile(path, text).destroy();
  return { path, text };
}

function compile(path, text) {
  const module = wabt.parseWat(path, text, WASM_FEATURES);
  // validate() takes the features too (its typings omit it): without them a shared memory fails.
  module.validate(WASM_FEATURES);
  return module;
}

/** The fields of a source's module, less its memory import and the imports `links` names (defined by an earlier source). */
function fields({ path, text }, links, defined) {
  let body = text.slice(text.indexOf("(module") + "(module".length, text.lastIndexOf(")"));
  if (!MEMORY.test(body)) throw new Error(`${path}: no (import "env" "mem" (memory …)) line`);
  body = body.replace(MEMORY, "");
  for (const [as, from] of Object.entries(links)) {
    const fn = from.split(".")[1];
    if (as !== fn) throw new Error(`${path}: imports ${from} as ${as}: a link keeps the export's name`);
    if (!defined.has(from)) throw new Error(`${path}: links to ${from}, which no earlier source defines as (func $${fn} (export "${fn}") …)`);
    const line = new RegExp(`^[ \\t]*\\(import "env" "${as}" \\(func \\$${as} [^\\n]*\\)\\)[ \\t]*\\n`, "m");
    if (!line.test(body)) throw new Error(`${path}: no (import "env" "${as}" (func $${as} …)) line for its link to ${from}`);
    body = body.replace(line, "");
  }
  return body;
}

const defined = new Set();
let linked = "";
for (const { name, links } of WASM_MODULES) {
  const s = source(name);
  linked += `\n;; ${name}.wat\n${fields(s, links, defined)}`;
  for (const [, fn] of s.text.matchAll(/\(func \$([A-Za-z]+) \(export "\1"\)/g)) defined.add(`${name}.${fn}`);
}
const module = compile(join(built, `${ENGINE_WASM}.wat`), `(module\n  (import "env" "mem" (memory 1 65536 shared))${linked})\n`);
mkdirSync(built, { recursive: true });
writeFileSync(join(built, `${ENGINE_WASM}.wasm`), module.toBinary({}).buffer);
module.destroy();
