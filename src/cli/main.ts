import { isUsageError, resolveStoreDirs, UsageError, VERSION } from "../index.js";
import { didYouMean, escapeControl } from "../api/render.js";
import { parseFlags, type FlagSpec, type Parsed } from "./args.js";
import type { Writable } from "node:stream";
import type { CliContext } from "./context.js";
import { COMMAND_FLAGS, QUERY_FLAGS } from "./flags.js";
import { createFdOutput, createOutput, writeNow } from "./output.js";

/** A subcommand: its flags, its page of the manual and what it runs. */
interface Command {
  spec: FlagSpec;
  help: string;
  run(p: Parsed, ctx: CliContext): Promise<number>;
}

// Commands load their modules on demand: `trace emit` must start nearly as fast as node.
const runEmit: Command["run"] = async (p, ctx) => (await import("./emit.js")).runEmit(p, ctx);
const runValidate: Command["run"] = async (p, ctx) => (await import("./validate.js")).runValidate(p, ctx);
const runPrune: Command["run"] = async (p, ctx) => (await import("./prune.js")).runPrune(p, ctx);
const runQuery: Command["run"] = async (p, ctx) => (await import("./query.js")).runQuery(p, ctx);
const runCausality: Command["run"] = async (p, ctx) => (await import("./causality.js")).runCausality(p, ctx);
const runFollow: Command["run"] = async (p, ctx) => (await import("./follow.js")).runFollow(p, ctx);

const runCompletion: Command["run"] = async (p, ctx) => (await import("./completion.js")).runCompletion(p, ctx);
const runSources: Command["run"] = async (p, ctx) => (await import("./sources.js")).runSources(p, ctx);
const runImport: Command["run"] = async (p, ctx) => (await import("./import.js")).runImport(p, ctx);
const runRedact: Command["run"] = async (p, ctx) => (await import("./redact.js")).runRedact(p, ctx);
const runExport: Command["run"] = async (p, ctx) => (await import("./export.js")).runExport(p, ctx);
const runReceive: Command["run"] = async (p, ctx) => (await import("./receive.js")).runReceive(p, ctx);
const runDb: Command["run"] = async (p, ctx) => (await import("./db.js")).runDb(p, ctx);
const runView: Command["run"] = async (p, ctx) => (await import("./view.js")).runView(p, ctx);
const runIndex: Command["run"] = async (p, ctx) => (await import("./index-build.js")).runIndex(p, ctx);
const runSeal: Command["run"] = async (p, ctx) => (await import("./seal.js")).runSeal(p, ctx);
const runShip: Command["run"] = async (p, ctx) => (await import("./ship.js")).runShip(p, ctx);
const runVerify: Command["run"] = async (p, ctx) => (await import("./seal.js")).runVerify(p, ctx);

const COMMANDS: Record<string, Command> = {
  emit: { spec: COMMAND_FLAGS.emit!, help: "emit", run: runEmit },
  validate: { spec: COMMAND_FLAGS.validate!, help: "validate", run: runValidate },
  prune: { spec: COMMAND_FLAGS.prune!, help: "prune", run: runPrune },
  completion: { spec: COMMAND_FLAGS.completion!, help: "completion", run: runCompletion },
  sources: { spec: COMMAND_FLAGS.sources!, help: "sources", run: runSources },
  import: { spec: COMMAND_FLAGS.import!, help: "import", run: runImport },
  export: { spec: COMMAND_FLAGS.export!, help: "export", run: runExport },
  redact: { spec: COMMAND_FLAGS.redact!, help: "redact", run: runRedact },
  view: { spec: COMMAND_FLAGS.view!, help: "view", run: runView },
  receive: { spec: COMMAND_FLAGS.receive!, help: "receive", run: runReceive },
  db: { spec: COMMAND_FLAGS.db!, help: "db", run: runDb },
  ship: { spec: COMMAND_FLAGS.ship!, help: "ship", run: runShip },
  index: { spec: COMMAND_FLAGS.index!, help: "index", run: runIndex },
  seal: { spec: COMMAND_FLAGS.seal!, help: "seal", run: runSeal },
  verify: { spec: COMMAND_FLAGS.verify!, help: "verify", run: runVerify },
};

const QUERY: Command = {
  spec: QUERY_FLAGS,
  help: "trace",
  run: (p, ctx) => (p.values.causality !== undefined ? runCausality(p, ctx) : p.switches.follow ? runFollow(p, ctx) : runQuery(p, ctx)),
};

/** The flags that take a value, in any command: their values are not words. */
const VALUED = new Set(
  [QUERY_FLAGS, ...Object.values(COMMAND_FLAGS)].flatMap((spec) => [
    ...spec.strings.map((s) => (s.length === 1 ? `-${s}` : `--${s}`)),
    ...Object.entries(spec.alias ?? {}).flatMap(([short, long]) => (spec.strings.includes(long) ? [`-${short}`] : [])),
  ]),
);

/**
 * Where the subcommand stands: the first word that is not a flag or a flag's value, when
 * it names one. Global flags may come before it (`trace --dir D validate`); after `--`
 * every word is a TARGET (a target spelled like a command: `trace -- index`).
 */
function commandAt(argv: readonly string[]): number | undefined {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") return undefined;
    if (word.startsWith("-") && word !== "-") {
      if (VALUED.has(word)) i++;
      continue;
    }
    return Object.hasOwn(COMMANDS, word) ? i : undefined;
  }
  return undefined;
}

/**
 * The flags of the command at `at` (none: the query's). A query whose flags do not parse
 * and whose first word is spelled near a command (`trace exprot --format dot`) is that
 * slip, told as such.
 */
function parseOrSlip(argv: string[], at: number | undefined, spec: FlagSpec): Parsed {
  try {
    return parseFlags(at === undefined ? argv : [...argv.slice(0, at), ...argv.slice(at + 1)], spec);
  } catch (err) {
    const word = at === undefined ? argv.find((w, i) => !w.startsWith("-") && !VALUED.has(argv[i - 1] ?? "")) : undefined;
    const near = word === undefined ? undefined : didYouMean(word, Object.keys(COMMANDS));
    if (isUsageError(err) && near) throw new UsageError(`unknown command ${word}; ${near}`);
    throw err;
  }
}

/** Where the CLI writes: streams (made when first asked for), its environment, and whether a line may go straight to fds 1 and 2. */
export interface CliIo {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
  /** The process's own streams: `--version`, `--help` and messages are written with one system call each, and stdout without a stream unless it is a terminal. */
  readonly direct?: boolean;
}

/** The process's streams, made on first use: Node's stdout costs 3–5 ms to make (its stream modules), which `--version` and a usage error need not pay. */
function processIo(): CliIo {
  return {
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
    env: process.env,
    direct: true,
  };
}

/**
 * Runs the command line and returns the exit code. Bad usage prints one line and
 * returns 2; any other failure prints one line and returns 1 (TRACE_DEBUG=1 adds the stack).
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  // Messages name stored ids, paths and arguments: every byte goes through the escaper.
  const toStderr = (text: string): void => {
    const line = `${escapeControl(text)}\n`;
    if (!io.direct) return void io.stderr.write(line);
    try {
      writeNow(2, line);
    } catch {
      // Nowhere left to say it: the exit code still does.
    }
  };
  const warn = (message: string): void => toStderr(`trace: ${message}`);
  try {
    // The shell's completion asks here, with the words typed so far: never an error.
    if (argv[0] === "__complete") return (await import("./completion.js")).runComplete(argv.slice(1), io);
    const at = commandAt(argv);
    const command = at === undefined ? undefined : COMMANDS[argv[at]!];
    const chosen = command ?? QUERY;
    const p = parseOrSlip(argv, at, chosen.spec);
    if (p.switches.help) {
      // The manual loads only when asked for: every other start skips it.
      const page = (await import("./help.js")).helpFor(chosen.help);
      if (io.direct) writeNow(1, page);
      else io.stdout.write(page);
      return 0;
    }
    if (p.switches.version) {
      if (io.direct) writeNow(1, `${VERSION}\n`);
      else io.stdout.write(`${VERSION}\n`);
      return 0;
    }
    const stores = resolveStoreDirs({ dirs: p.lists.dir, env: io.env });
    // The process's stdout, when it is no terminal, is written without Node's stream (output.ts).
    const direct = io.direct ? createFdOutput(1) : undefined;
    const ctx: CliContext = { dir: stores[0]!, dirs: stores, out: direct ?? createOutput(io.stdout), stdout: direct ? { isTTY: false } : io.stdout, env: io.env, warn, stderrLine: toStderr };
    return await chosen.run(p, ctx);
  } catch (err) {
    if (isUsageError(err)) {
      warn(err.message);
      return 2;
    }
    warn(io.env.TRACE_DEBUG ? String((err as Error).stack) : (err as Error).message);
    return 1;
  }
}

export { VERSION };
