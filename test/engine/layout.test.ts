import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ANSWER, AT, MATCH_ANSWERS, PAGES, REC, REGIONS, SLOT_BYTES, SLOTS, SPEC, SPEC_BYTES, WANT, WAT_CONSTANTS } from "../../src/engine/wasm/layout.js";
import { ENGINE_WASM, WASM_MODULES } from "../../src/engine/wasm/modules.js";
import { ROOT } from "../helpers/cli.js";

test("the regions of the WebAssembly memory never overlap and all fit in it", () => {
  let end = 0;
  for (const r of REGIONS) {
    assert.ok(r.bytes > 0, `${r.name} is empty`);
    assert.ok(r.at >= end, `${r.name} starts at ${r.at}, inside the region before it (ends at ${end})`);
    end = r.at + r.bytes;
  }
  assert.ok(end <= PAGES * 65536, `the regions end at ${end}, past the memory's ${PAGES} pages`);
  assert.equal(REGIONS[0]!.bytes, SLOTS * SLOT_BYTES);
  assert.equal(AT.bits % 65536, 0, "the bitset starts on a page of its own");
  const named = Object.fromEntries(REGIONS.map((r) => [r.name, r.at]));
  for (const [name, at] of Object.entries(AT)) assert.equal(named[name], at, `AT.${name} is the start of region ${name}`);
});

test("the records inside the regions fit: the check's record, the filter area, the answers", () => {
  assert.ok(REC.timestamp + 8 <= REC.bytes);
  assert.ok(8 << REC.fieldShift <= REC.timestamp, "eight field entries before the timestamp");
  assert.ok(SPEC.fields + 6 * WANT.bytes < SPEC_BYTES, "the filter area holds the most fields a filter compares");
  assert.ok(ANSWER.timestamp % 8 === 0 && ANSWER.timestamp + 8 <= ANSWER.bytes && ANSWER.bytes % 8 === 0);
  assert.equal(REGIONS.find((r) => r.name === "answers")!.bytes, MATCH_ANSWERS * ANSWER.bytes);
});

test("every brace token in the .wat sources is a constant of the layout, and every constant is used", () => {
  const used = new Set<string>();
  for (const { name } of WASM_MODULES) {
    const text = readFileSync(join(ROOT, "src/engine/wasm", `${name}.wat`), "utf8");
    for (const [, token] of text.matchAll(/\{([A-Z][A-Z0-9_]*)\}/g)) {
      assert.ok(token! in WAT_CONSTANTS, `${name}.wat: {${token}} is not in layout.ts`);
      used.add(token!);
    }
  }
  assert.deepEqual(Object.keys(WAT_CONSTANTS).filter((k) => !used.has(k)), []);
});

test("the build links the sources into one module that imports only the memory and exports what the loader hands out", () => {
  // An imported function costs a compiled wrapper at every start (modules.ts).
  const module = new WebAssembly.Module(readFileSync(join(ROOT, "build/src/engine/wasm", `${ENGINE_WASM}.wasm`)));
  assert.deepEqual(WebAssembly.Module.imports(module), [{ module: "env", name: "mem", kind: "memory" }]);
  assert.deepEqual(WebAssembly.Module.exports(module).map((e) => e.name).sort(), ["check", "child", "collect", "gather", "match", "next", "ordered"]);
  for (const { name, links } of WASM_MODULES) for (const from of Object.values(links)) assert.ok(WASM_MODULES.some((m) => m.name === from.split(".")[0] && m.name !== name), `${name} links to ${from}`);
});
