import { statSync } from "node:fs";
import { UsageError } from "../errors.js";
import type { Output } from "./output.js";

/** What a command needs from the process: the store, output streams, environment. */
export interface CliContext {
  dir: string;
  out: Output;
  stdout: { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** One line on stderr, prefixed `trace: `. */
  warn(message: string): void;
}

/** Fails with exit 2 when the store folder is not there, or is not a folder: most likely a wrong --dir or TRACE_DIR. */
export function requireStore(dir: string): void {
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st) throw new UsageError(`${dir}: no such store folder (set --dir or TRACE_DIR, or emit an event first)`);
  if (!st.isDirectory()) throw new UsageError(`${dir}: not a folder (--dir and TRACE_DIR name the store folder)`);
}
