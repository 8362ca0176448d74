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
