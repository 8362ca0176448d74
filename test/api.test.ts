import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ROOT } from "./helpers/cli.js";
import * as root from "../src/index.js";

const ENTRIES = ["src/index.ts", "src/api/schema.ts", "src/api/render.ts"];

/** The names an entry re-exports, each with the source file that declares it. */
function exportsOf(entry: string): { name: string; file: string }[] {
  const text = readFileSync(join(ROOT, entry), "utf8");
  const out: { name: string; file: string }[] = [];
  for (const m of text.matchAll(/export (?:type )?\{([^}]*)\} from "([^"]+)"/g)) {
    const file = resolve(dirname(join(ROOT, entry)), m[2]!).replace(/\.js$/, ".ts");
    for (const part of m[1]!.split(",").map((p) => p.trim()).filter(Boolean)) {
      out.push({ name: part.replace(/^type /, ""), file });
    }
  }
  return out;
}

/** The TSDoc right before the declaration of `name` in `file` (following re-exports), and whether it declares a function. */
function docOf(file: string, name: string): { doc: string; fn: boolean } | undefined {
  const text = readFileSync(file, "utf8");
  const decl = new RegExp(`(/\\*\\*(?:(?!\\*/)[\\s\\S])*\\*/)\\s*export (async function|function|const|class|interface|type)\\b\\*? ?${name}\\b`);
  const m = decl.exec(text);
  if (m) return { doc: m[1]!, fn: m[2]!.endsWith("function") };
  const again = new RegExp(`export (?:type )?\\{[^}]*\\b${name}\\b[^}]*\\} from "([^"]+)"`).exec(text);
  return again ? docOf(resolve(dirname(file), again[1]!).replace(/\.js$/, ".ts"), name) : undefined;
}

test("every export of the public entry points has a TSDoc, and every function an example", () => {
  const missing: string[] = [];
  for (const entry of ENTRIES) {
    for (const { name, file } of exportsOf(entry)) {
      const found = docOf(file, name);
      if (!found) missing.push(`${entry}: ${name} has no TSDoc`);
      else if (found.fn && !found.doc.includes("@example")) missing.push(`${entry}: ${name} has no @example`);
    }
  }
  assert.deepEqual(missing, []);
});

test("the root export is what a user needs: one door for questions (query, causality, follow, export), OTLP in and out (receive, push), the central database (initDatabase, ship, shipStatus, pruneDatabase), writers, the store, prune, index, validate, seal and verify, WHEN, sources, redaction", () => {
  const names = Object.keys(root).sort();
  assert.deepEqual(names, [
    "DEFAULT_POLICY", "DEFAULT_RETENTION", "EXPORT_FORMATS", "UsageError", "VERSION", "causality", "emit", "exportTo", "exportToFile", "findSources", "follow",
    "importSources", "indexStore", "indexWanted", "initDatabase", "isUsageError", "openBatchWriter", "openWriter", "parseAge", "parseDuration", "parseWhen", "policyOf", "prune", "pruneDatabase", "push", "query",
    "readCursorFile", "readStoreConfig", "rebuildTombstones", "receive", "recentValues", "redactEvent", "resolveStoreDir", "resolveStoreDirs", "seal", "ship", "shipStatus", "summarizeSources", "updatePolicy",
    "validate", "validateSources", "verify", "writeCursorFile", "writeStoreConfig",
  ]);
});
