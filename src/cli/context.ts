import { statSync } from "node:fs";
import { findSources, parseAge, UsageError, type BadReport, type IndexOption, type Question, type Reading } from "../index.js";
import { formatBadReport, outputMode, type OutputMode } from "../api/render.js";
import { parseCount, type Parsed } from "./args.js";
import type { Output } from "./output.js";

/** What a command needs from the process: the store, output streams, environment. */
export interface CliContext {
  dir: string;
  /** Every store the command reads (`--dir` given more than once, or `TRACE_DIR` a `:` list); `dir` is the first. */
  dirs: readonly string[];
  out: Output;
  stdout: { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** One line on stderr, prefixed `trace: `. */
  warn(message: string): void;
  /** One line on stderr as it is (its control characters escaped): `-- cursor: …` beside `--json` output. */
  stderrLine(text: string): void;
}

/** What a command tells of damaged input, and the exit code it makes. */
export interface BadInput {
  onBad(report: BadReport): void;
  /** A problem with a source database; `unreadable` when none of it could be read. */
  onSource(message: string, unreadable?: boolean): void;
  readonly code: number;
}

/**
 * The reader's reports on stderr, one line per file or source problem; `code` is 1 once
 * a file or a database could not be read (the rest still was), else 0.
 */
export function badLines(ctx: CliContext): BadInput {
  let code = 0;
  const told = new Set<string>();
  return {
    onBad(report) {
      // A file read twice (a walk up, then the tree below) is told of once.
      if (told.has(report.file)) return;
      told.add(report.file);
      ctx.warn(formatBadReport(report));
      if (report.unreadable) code = 1;
    },
    onSource(message, unreadable) {
      ctx.warn(message);
      if (unreadable) code = 1;
    },
    get code() {
      return code;
    },
  };
}

/** What a command reads of the sources: `--space`, else `TRACE_SPACE`; none with `--no-sources`; naive local times in `--space-tz`, else `TRACE_SPACE_TZ`. */
export function sourcesOf(p: Parsed, ctx: CliContext): NonNullable<Reading["sources"]> {
  return { space: p.values.space ?? ctx.env.TRACE_SPACE, off: p.switches["no-sources"], zone: p.values["space-tz"] ?? ctx.env.TRACE_SPACE_TZ };
}

/** The reading the flags ask for: every store, the sources, the indexes, masking unless `--no-redact`, reports to `bad`. */
export function readingOf(p: Parsed, ctx: CliContext, bad: BadInput, index?: IndexOption): Reading {
  return { dir: ctx.dirs, sources: sourcesOf(p, ctx), index, redact: !p.switches["no-redact"], plain: p.switches.plain, onBad: bad.onBad, onNote: bad.onSource, db: databaseOf(p, ctx) };
}

/** The central database a question is asked of: `--db`, else `TRACE_DB` (for the commands that take `--db`). */
export function databaseOf(p: Parsed, ctx: CliContext): string | undefined {
  return p.values.db ?? (ctx.env.TRACE_DB === "" ? undefined : ctx.env.TRACE_DB);
}

/** The stores a question reads must be there, unless a central database answers it. */
export function requireStores(p: Parsed, ctx: CliContext): void {
  if (databaseOf(p, ctx) !== undefined) return;
  for (const dir of ctx.dirs) requireStore(dir, sourcesOf(p, ctx));
}

/** The question the words and flags ask (flags a command lacks are simply not there). */
export function questionOf(p: Parsed): Question {
  if (p.words.length > 1) throw new UsageError(`one TARGET at most, got ${p.words.length}: ${p.words.join(" ")}`);
  const window = p.values["infer-window"];
  return {
    target: p.words[0],
    agent: p.values.agent,
    task: p.values.task,
    channel: p.values.channel,
    primitive: p.values.primitive,
    type: p.values.type,
    status: p.values.status,
    grep: p.values.grep,
    since: p.values.since,
    until: p.values.until,
    utc: p.switches.utc,
    limit: parseCount(p.values.n, "-n"),
    reverse: p.switches.reverse,
    causality: p.values.causality,
    infer: p.switches.infer,
    inferWindowMs: window === undefined ? undefined : parseAge(window, "--infer-window"),
    depth: parseCount(p.values.depth, "--depth"),
    maxChildren: parseCount(p.values["max-children"], "--max-children"),
  };
}

/**
 * Fails with exit 2 when the store folder is not there, or is not a folder: most likely
 * a wrong --dir or TRACE_DIR. A folder not made yet is fine where `sources` are found.
 */
export function requireStore(dir: string, sources?: Reading["sources"]): void {
  const st = statSync(dir, { throwIfNoEntry: false });
  // A workspace whose primitives keep only their databases has no day files yet.
  if (!st && sources && !sources.off && findSources(dir, sources).length > 0) return;
  if (!st) throw new UsageError(`${dir}: no such store folder (set --dir or TRACE_DIR, or emit an event first)`);
  if (!st.isDirectory()) throw new UsageError(`${dir}: not a folder (--dir and TRACE_DIR name the store folder)`);
}

/** How rows are printed: `-o MODE` (`--json` is `-o json`), with `--output-fields`. */
export interface Printing {
  mode: OutputMode;
  fields?: string[] | undefined;
}

/** The output mode the flags ask for; a mode that is none, or fields without a JSON or verbose mode, is a usage error. */
export function printingOf(p: Parsed): Printing {
  const mode = p.values.output !== undefined ? outputMode(p.values.output) : p.switches.json ? "json" : "short";
  if (p.values.output !== undefined && p.switches.json && mode !== "json") throw new UsageError(`--json and -o ${mode}: choose one`);
  const fields = p.values["output-fields"]?.split(",").map((f) => f.trim()).filter((f) => f !== "");
  if (fields !== undefined && !["json", "json-pretty", "verbose"].includes(mode)) throw new UsageError(`--output-fields: for -o json, json-pretty or verbose, not ${mode}`);
  return { mode, fields };
}
