import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { ROOT } from "./helpers/cli.js";

const SRC = join(ROOT, "src");

/** The layers, lowest first, and what each may import besides itself: imports point down only. */
const LAYERS: Record<string, readonly string[]> = {
  base: [],
  schema: ["base"],
  event: ["base", "schema"],
  store: ["base", "schema", "event"],
  seal: ["base", "event", "store"],
  retention: ["base", "event", "store", "seal"],
  validate: ["base", "schema", "event", "store"],
  engine: ["base", "event", "store"],
  "day-index": ["base", "event", "store", "engine"],
  sources: ["base", "schema", "event", "store"],
  query: ["base", "event", "store", "engine", "day-index", "sources"],
  causality: ["base", "event", "store", "engine", "day-index", "sources", "query"],
  render: ["base", "event", "store", "engine", "query", "causality"],
  // The page's script (browser code): it shares only the agents' colours.
  view: ["render"],
  export: ["base", "event", "store", "engine", "day-index", "sources", "query", "causality", "render", "view"],
  // OTLP/HTTP in: spans as events, written through the store, checked against what it holds.
  receive: ["base", "event", "store", "query"],
  // The central PostgreSQL: connection, schema, batches in, and a backend behind the query layer's interface.
  db: ["base", "event", "store", "query"],
  door: ["base", "schema", "event", "store", "seal", "retention", "validate", "engine", "day-index", "sources", "query", "causality", "render", "export", "receive", "db"],
  api: ["base", "schema", "event", "store", "seal", "retention", "validate", "engine", "day-index", "sources", "query", "causality", "render", "export", "receive", "db", "door"],
  cli: ["api"],
};

/** The library's public entries: the only modules cli/ may import, and modules of re-exports only. */
const ENTRIES = ["index.ts", "api/schema.ts", "api/render.ts"];
/** The facades other layers go through, and how many names each may export at most. */
const FACADES: Record<string, number> = { "engine/facade.ts": 20, "day-index/facade.ts": 16 };

/** A source file's layer, by where it stands in src/. */
function layerOf(file: string): string {
  const [top] = file.split("/");
  if (file === "errors.ts" || file === "time.ts" || file === "version.ts" || file === "suggest.ts") return "base";
  if (file === "index.ts" || top === "api") return "api";
  if (top !== undefined && top in LAYERS && top !== file) return top;
  throw new Error(`src/${file}: in no layer; add it to test/architecture.test.ts`);
}

/** Every relative import of a source text: static, re-exports, type-only and dynamic. */
function importsOf(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.[^"]+)"|\bimport\(\s*"(\.[^"]+)"\s*\)/g)) found.push((m[1] ?? m[2])!);
  return found;
}

/** The import graph of src/: file → files it imports (paths relative to src/, .ts). */
function graph(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const entry of readdirSync(SRC, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const file = relative(SRC, join(entry.parentPath, entry.name));
    // A declaration stands for a module the build writes (view/page-script.js): it imports nothing.
    if (file.endsWith(".d.ts")) {
      edges.set(file.replace(/\.d\.ts$/, ".ts"), []);
      continue;
    }
    const targets = importsOf(readFileSync(join(SRC, file), "utf8"))
      .filter((spec) => !spec.endsWith(".json"))
      .map((spec) => relative(SRC, resolve(dirname(join(SRC, file)), spec)).replace(/\.js$/, ".ts"));
    edges.set(file, targets);
  }
  return edges;
}

/** Edges that break the layer order or pass by the engine's facade. */
export function violations(edges: Map<string, string[]>): string[] {
  const bad: string[] = [];
  for (const [from, targets] of edges) {
    const layer = layerOf(from);
    for (const to of targets) {
      const target = layerOf(to);
      if (target !== layer && !LAYERS[layer]!.includes(target)) bad.push(`${from} (${layer}) imports ${to} (${target})`);
      for (const facade of Object.keys(FACADES)) {
        const room = facade.split("/")[0]!;
        if (layer !== room && target === room && to !== facade) bad.push(`${from} imports ${to}: outside ${room}/, only ${facade}`);
      }
      if (layer === "cli" && target !== "cli" && !ENTRIES.includes(to)) bad.push(`${from} imports ${to}: cli/ imports only the library's public entries (${ENTRIES.join(", ")})`);
    }
  }
  return bad;
}

/** One cycle of the graph, as a path, or undefined. */
function findCycle(edges: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (file: string): string[] | undefined => {
    if (state.get(file) === "done") return undefined;
    if (state.get(file) === "open") return [...path.slice(path.indexOf(file)), file];
    state.set(file, "open");
    path.push(file);
    for (const to of edges.get(file) ?? []) {
      const cycle = visit(to);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(file, "done");
    return undefined;
  };
  for (const file of edges.keys()) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return undefined;
}

test("imports point down the layers only, and outside the engine only its facade is imported", () => {
  const edges = graph();
  assert.ok(edges.size > 40, "src/ was read");
  for (const targets of edges.values()) for (const to of targets) assert.ok(edges.has(to), `an import names a file that is not there: ${to}`);
  assert.deepEqual(violations(edges), []);
});

test("the import graph of src/ has no cycle", () => {
  assert.deepEqual(findCycle(graph()) ?? [], []);
});

test("the checker itself catches an upward edge, a way past a facade, a CLI past the public entry, and a cycle", () => {
  const edges = new Map([
    ["store/write.ts", ["query/scan.ts"]],
    ["query/scan.ts", ["engine/search.ts", "store/write.ts"]],
    ["cli/query.ts", ["door/query.ts", "index.ts", "cli/args.ts"]],
  ]);
  assert.deepEqual(violations(edges), [
    "store/write.ts (store) imports query/scan.ts (query)",
    "query/scan.ts imports engine/search.ts: outside engine/, only engine/facade.ts",
    "cli/query.ts (cli) imports door/query.ts (door)",
    "cli/query.ts imports door/query.ts: cli/ imports only the library's public entries (index.ts, api/schema.ts, api/render.ts)",
  ]);
  assert.deepEqual(findCycle(edges), ["store/write.ts", "query/scan.ts", "store/write.ts"]);
  assert.deepEqual(importsOf('import type { A } from "./a.js";\nexport { b } from "../b.js";\nconst c = await import("./c.js");'), ["./a.js", "../b.js", "./c.js"]);
});

test("no source file is much over 300 lines", () => {
  for (const file of graph().keys()) {
    if (!existsSync(join(SRC, file))) continue;
    const n = readFileSync(join(SRC, file), "utf8").split("\n").length;
    assert.ok(n <= 320, `src/${file}: ${n} lines`);
  }
});

/** The names a module exports (declared or re-exported), types included. */
function exportedNames(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/export (?:type )?\{([^}]*)\}/g)) for (const part of m[1]!.split(",")) if (part.trim()) names.push(part.trim().replace(/^type /, "").split(/\s+as\s+/).at(-1)!);
  for (const m of text.matchAll(/export (?:async )?(?:function\*?|const|class|interface|type|enum) (\w+)/g)) names.push(m[1]!);
  return names;
}

test("each facade stays narrow: a few names between its room and the layers above", () => {
  for (const [facade, most] of Object.entries(FACADES)) {
    const names = exportedNames(readFileSync(join(SRC, facade), "utf8"));
    assert.ok(names.length <= most, `src/${facade} exports ${names.length} names (at most ${most}): ${names.join(", ")}`);
  }
});

test("cli/ imports only the library's public entries, and they only re-export", () => {
  const edges = graph();
  for (const [from, targets] of edges) if (from.startsWith("cli/")) for (const to of targets) if (!to.startsWith("cli/")) assert.ok(ENTRIES.includes(to), `src/${from} imports src/${to}`);
  for (const entry of ENTRIES) {
    const code = readFileSync(join(SRC, entry), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    for (const statement of code.split(";").map((s) => s.trim()).filter(Boolean)) assert.match(statement, /^export (type )?\{[^}]*\} from "[^"]+"$/, `src/${entry}: only re-exports, found ${statement.slice(0, 80)}`);
  }
});
