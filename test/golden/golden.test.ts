import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import test from "node:test";
import { ROOT } from "../helpers/cli.js";
import { noSqlite } from "../helpers/space.js";
import { goldenTranscript } from "./transcript.js";

test("the golden transcript: ~50 commands over the example, a damaged store and space-os's databases print what they printed (scripts/golden.mjs --update after a change made on purpose)", { skip: noSqlite }, () => {
  const expected = readFileSync(join(ROOT, "test", "golden", "expected.txt"), "utf8");
  const got = goldenTranscript();
  if (got === expected) return;
  const a = expected.split("\n");
  const b = got.split("\n");
  const i = a.findIndex((line, k) => line !== b[k]);
  const command = a.slice(0, i + 1).findLast((line) => line.startsWith("$ "));
  assert.fail(`differs at line ${i + 1}, in ${command}:\n- ${a[i]}\n+ ${b[i]}`);
});
