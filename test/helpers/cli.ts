import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (tests run from build/test/). */
export const ROOT = resolve(fileURLToPath(import.meta.url), "../../../..");
/** The shipped example store: the seed's payment-system scenario. */
export const EXAMPLE = join(ROOT, "logs", "payments");
/** The real command, as a user runs it. */
export const BIN = join(ROOT, "bin", "trace");

/** What a finished command printed. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `trace` binary to completion.
 *
 * @example
 * const r = await trace(["--dir", dir, "task-1", "--utc"]);
 */
export function trace(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(BIN, args, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: "1", TRACE_DIR: "", ...options.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/** A fresh temporary folder, removed by the returned function. */
export function tempDir(prefix = "trace-test-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** True when a program is on PATH. */
export function have(program: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${program}`]).status === 0;
}

/** Lines of output without the trailing empty one. */
export function lines(s: string): string[] {
  return s.split("\n").filter((l, i, all) => !(l === "" && i === all.length - 1));
}

/** What a finished Node script printed, and how it ended. */
export interface ScriptRun extends Run {
  signal: NodeJS.Signals | null;
}

/**
 * Runs an ES module script in a new Node process (`args` after it), to completion;
 * `onStart` gets the child (to signal it, say).
 *
 * @example
 * const r = await nodeScript(`console.log(process.argv[1])`, ["hi"]);
 */
export function nodeScript(script: string, args: string[] = [], onStart?: (child: ReturnType<typeof spawn>) => void): Promise<ScriptRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", fail);
    child.on("close", (code, signal) => done({ code, signal, stdout, stderr }));
    onStart?.(child);
  });
}

/** `import { NAMES } from "<built module>"` for a script run by `nodeScript`. */
export function importBuilt(names: string, module = "index.js"): string {
  return `import { ${names} } from ${JSON.stringify(join(ROOT, "build/src", module))};`;
}

/** A tree's facts after a label: `  14:05:00`, `  +6m00s · 1.2 s · ✗ …` (a `◀` mark stays). */
const FACTS = /  (?:[+-]\d\S*|\d{2}:\d{2}:\d{2}|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?: · [^◀]*?)?(?=(?:  ◀)?$)/;

/** A drawn tree's line without its node's facts, for tests of the drawing alone. */
export function untimed(line: string): string {
  return line.replace(FACTS, "");
}
