import { UsageError } from "../errors.js";
import type { QueryCursor } from "../query/cursor.js";
import type { QuerySources } from "../query/sources.js";
import { findSources } from "../sources/discover.js";
import { decodeCursor, readCursorFile, writeCursorFile } from "../store/cursor.js";
import type { Parsed } from "./args.js";
import type { CliContext } from "./context.js";

/**
 * The cursor the flags ask for: `--after-cursor C`, else what `--cursor-file F` holds;
 * undefined without either (or `--show-cursor`). A cursor reads the day files only: a
 * workspace's sources are said to be left out.
 */
export function cursorOf(p: Parsed, ctx: CliContext, sources: QuerySources): QueryCursor | undefined {
  const file = p.values["cursor-file"];
  const given = p.values["after-cursor"];
  if (file === "") throw new UsageError("--cursor-file: name a file");
  const asked = file !== undefined || given !== undefined || p.switches["show-cursor"];
  if (asked && findSources(ctx.dir, sources).length > 0) ctx.warn("a cursor reads the day files only: the space-os sources are left out (trace import copies them in)");
  if (given !== undefined) {
    decodeCursor(given, "--after-cursor");
    return { after: given, where: "--after-cursor" };
  }
  if (file !== undefined) return { after: readCursorFile(file), where: `--cursor-file ${file}` };
  return p.switches["show-cursor"] ? { where: "cursor" } : undefined;
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
  if (p.switches.json) process.stderr.write(`-- cursor: ${position}\n`);
  else {
    await ctx.out.line(`-- cursor: ${position}`);
    await ctx.out.flush();
  }
}
