// Writes the man page build/man/trace.1 from the manual `--help` prints (src/cli/manual.ts).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const root = join(dirname(new URL(import.meta.url).pathname), "..");
const { manPage } = await import(join(root, "build/src/cli/man.js"));
const { VERSION } = await import(join(root, "build/src/cli/main.js"));
mkdirSync(join(root, "build/man"), { recursive: true });
writeFileSync(join(root, "build/man/trace.1"), manPage(VERSION));
