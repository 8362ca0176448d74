"use strict";
// Loads the bundled CLI (build/cli/main.cjs) with the V8 code cache the build wrote
// beside it (main.cjs.cache): a start skips parsing and compiling the functions that
// the build's sample commands ran. Node 20 has no compile cache of its own for this.
const { readFileSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const vm = require("node:vm");

const DIR = join(__dirname, "../build/cli");
const FILE = join(DIR, "main.cjs");
const CACHE = `${FILE}.cache`;
/** The bundle's first line is `//build:<id>` (scripts/bundle.mjs); a cache starts with the id it belongs to. */
const ID = /^\/\/build:([0-9a-f]{32})\n/;

/** The bundle compiled as a CommonJS module body; `cached` uses the build's code cache when it is this bundle's. */
function compile(cached) {
  const source = readFileSync(FILE, "utf8");
  const id = ID.exec(source)?.[1];
  let cachedData;
  if (cached && id !== undefined) {
    try {
      const cache = readFileSync(CACHE);
      // V8 checks a cache against the source's length only: the id ties it to this build.
      if (cache.toString("latin1", 0, id.length) === id) cachedData = cache.subarray(id.length);
    } catch {
      // No cache (a build without one): V8 compiles as usual.
    }
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  return { id, script: new vm.Script(wrapped, { filename: FILE, cachedData }) };
}

/** Runs a compiled bundle and returns its exports (`main`). */
function run(script) {
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, FILE, DIR);
  return module.exports;
}

/** The CLI's exports, loaded with the code cache when there is one. */
function loadCli() {
  return run(compile(true).script);
}

/**
 * Runs each argument list through the CLI in this process, then writes the code cache
 * of everything compiled so far (the build calls it, with its output sent nowhere).
 */
async function writeCodeCache(runs) {
  const { id, script } = compile(false);
  if (id === undefined) throw new Error(`${FILE}: no //build: line`);
  const cli = run(script);
  for (const args of runs) await cli.main(args);
  writeFileSync(CACHE, Buffer.concat([Buffer.from(id, "latin1"), script.createCachedData()]));
}

module.exports = { loadCli, writeCodeCache };
