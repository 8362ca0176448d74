"use strict";
// Loads the bundled CLI (build/cli/main.cjs, and the part of it a command needs: query.cjs,
// emit.cjs …) with the V8 code cache the build wrote beside each (main.cjs.cache): a start
// skips parsing and compiling the functions that the build's sample commands ran. Node 20
// has no compile cache of its own for this.
const { readFileSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const vm = require("node:vm");

const DIR = join(__dirname, "../build/cli");
/** Each file's first line is `//build:<id>` (scripts/bundle.mjs); a cache starts with the id it belongs to. */
const ID = /^\/\/build:([0-9a-f]{32})\n/;
/** How main.cjs asks for a part: `require("./query.cjs")`. */
const PART = /^\.\/([a-z-]+)\.cjs$/;

/** A bundle compiled as a CommonJS module body; `cached` uses the build's code cache when it is this build's. */
function compile(name, cached) {
  const file = join(DIR, `${name}.cjs`);
  // Read as bytes, then decoded: one read of the whole file, where reading it as text reads 8 KiB at a time.
  const source = readFileSync(file).toString("utf8");
  const id = ID.exec(source)?.[1];
  let cachedData;
  if (cached && id !== undefined) {
    try {
      const cache = readFileSync(`${file}.cache`);
      // V8 checks a cache against the source's length only: the id ties it to this build.
      if (cache.toString("latin1", 0, id.length) === id) cachedData = cache.subarray(id.length);
    } catch {
      // No cache (a part no sample command ran): V8 compiles as usual.
    }
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  return { file, id, script: new vm.Script(wrapped, { filename: file, cachedData }) };
}

/**
 * A loader of the bundle's files: `load(name)` runs a file once and returns its exports;
 * inside a file, `require("./part.cjs")` loads that part the same way. `compiled` lists
 * what it ran, for the build to write their caches.
 */
function loader(cached) {
  const loaded = new Map();
  const compiled = [];
  const requirePart = (id) => {
    const part = PART.exec(id);
    return part ? load(part[1]) : require(id);
  };
  function load(name) {
    if (!loaded.has(name)) {
      const unit = compile(name, cached);
      const module = { exports: {} };
      compiled.push(unit);
      unit.script.runInThisContext()(module.exports, requirePart, module, unit.file, DIR);
      loaded.set(name, module.exports);
    }
    return loaded.get(name);
  }
  return { load, compiled };
}

/** The CLI's exports, loaded with the code caches where there are some. */
function loadCli() {
  return loader(true).load("main");
}

/**
 * Runs each argument list through the CLI in this process, then writes the code cache
 * of every file it loaded, with everything compiled so far (the build calls it, with its
 * output sent nowhere).
 */
async function writeCodeCache(runs) {
  const { load, compiled } = loader(false);
  const cli = load("main");
  for (const args of runs) await cli.main(args);
  for (const { file, id, script } of compiled) {
    if (id === undefined) throw new Error(`${file}: no //build: line`);
    writeFileSync(`${file}.cache`, Buffer.concat([Buffer.from(id, "latin1"), script.createCachedData()]));
  }
}

module.exports = { loadCli, writeCodeCache };
