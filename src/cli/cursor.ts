import { findSources, readCursorFile, UsageError, writeCursorFile } from "../index.js";
import type { Parsed } from "./args.js";
import { sourcesOf, type CliContext } from "./context.js";

/**
 * The cursor the flags ask for: `--after-cursor C`, else what `--cursor-file F` holds;
 * undefined without either (or `--show-cursor`). A cursor reads the day files only: a
 * workspace's sources are said to be left out.
 */
export function cursorOf(p: Parsed, ctx: CliContext): { after?: string | undefined; cursorWhere: string } | undefined {
  const file = p.values["cursor-file"];
  const given = p.values["after-cursor"];
  if (file === "") throw new UsageError("--cursor-file: name a file");
  const asked = file !== undefined || given !== undefined || p.switches["show-cursor"];
  if (asked && findSources(ctx.dir, sourcesOf(p, ctx)).length > 0) ctx.warn("a cursor reads the day files only: the space-os sources are left out (trace import copies them in)");
  if (given !== undefined) return { after: given, cursorWhere: "--after-cursor" };
  if (file !== undefined) return { after: readCursorFile(file), cursorWhere: `--cursor-file ${file}` };
  return p.switches["show-cursor"] ? { cursorWhere: "cursor" } : undefined;
}

/**
 * After a query's output: the position written to `--cursor-file` (unless `write` is
 * false: a follower writes it each round), only when the output
 * was all delivered: a closed pipe may have dropped some), and shown with `--show-cursor`
 * (`-- cursor: …` after the events, on stderr with --json).
 */
export async function saveCursor(p: Parsed, ctx: CliContext, position: string | undefined, write = true): Promise<void> {
  if (position === undefined) return;
  const file = p.values["cursor-file"];
  if (write && file !== undefined && !ctx.out.closed) writeCursorFile(file, position);
  if (!p.switches["show-cursor"]) return;
  if (p.switches.json) ctx.stderrLine(`-- cursor: ${position}`);
  else {
    await ctx.out.line(`-- cursor: ${position}`);
    await ctx.out.flush();
  }
}
