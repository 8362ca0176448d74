#!/usr/bin/env node
// The golden transcript (test/golden/transcript.ts): ~50 commands through the real CLI.
//   node scripts/golden.mjs            compare with test/golden/expected.txt (exit 1 on a difference)
//   node scripts/golden.mjs --update   write it anew (a change of behaviour, made on purpose)
//   node scripts/golden.mjs --out F    write this build's transcript to F (to compare two commits)
// Run `npm run build` first: it runs the built bin/trace.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { goldenTranscript } = await import(join(root, "build/test/golden/transcript.js"));
const expected = join(root, "test/golden/expected.txt");
const text = goldenTranscript();
const at = process.argv.indexOf("--out");
if (process.argv.includes("--update")) writeFileSync(expected, text);
else if (at > 0) writeFileSync(process.argv[at + 1], text);
else {
  const before = readFileSync(expected, "utf8");
  if (before === text) console.log("golden: the same, byte for byte");
  else {
    const a = before.split("\n"), b = text.split("\n");
    const i = a.findIndex((l, k) => l !== b[k]);
    console.error(`golden: differs from line ${i + 1}:\n- ${a[i]}\n+ ${b[i]}`);
    process.exitCode = 1;
  }
}
