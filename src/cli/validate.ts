import { accessSync, constants, statSync } from "node:fs";
import { UsageError } from "../errors.js";
import { checkInputs, type Finding, type ValidationSummary } from "../schema/check.js";
import { openInput } from "../schema/input.js";
import { TRACE_SCHEMA_VERSION } from "../schema/validate.js";
import { escapeControl } from "../format/text.js";
import { listDayFiles } from "../store/layout.js";
import type { Parsed } from "./args.js";
import type { CliContext } from "./context.js";

/**
 * The files a path names: itself, or a store folder's day files. Fails with exit 2
 * naming a path that cannot be read, or a folder without day files.
 */
function filesOf(path: string): string[] {
  if (path === "-") return [path];
  try {
    accessSync(path, constants.R_OK);
    if (!statSync(path).isDirectory()) return [path];
  } catch (err) {
    throw new UsageError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const days = listDayFiles(path).map((f) => f.path);
  if (days.length === 0) throw new UsageError(`${path}: a folder without day files; name the files in it`);
  return days;
}

/** `trace validate [FILE…|DIR…|-]`: schema v1 verdicts, one line per problem, then a summary. */
export async function runValidate(p: Parsed, ctx: CliContext): Promise<number> {
  const paths = p.words.length > 0 ? p.words.flatMap(filesOf) : listDayFiles(ctx.dir).map((f) => f.path);
  if (paths.length === 0) throw new UsageError(`nothing to validate: no FILE given and no day files in ${ctx.dir}`);
  const json = p.switches.json === true;
  const pending: Promise<void>[] = [];
  const say = (s: string): void => void pending.push(ctx.out.line(s));
  const summary = await checkInputs(
    paths.map((path) => ({ name: path === "-" ? "<stdin>" : path, text: openInput(path) })),
    {
      strict: p.switches.strict,
      onFinding: (f) => say(json ? JSON.stringify(f) : formatFinding(f)),
      onUnreadable: (u) => (json ? say(JSON.stringify({ where: u.where, unreadable: u.message })) : ctx.warn(`${u.where}: ${u.message}`)),
    },
  );
  await Promise.all(pending);
  if (json) await ctx.out.line(JSON.stringify({ summary: { trace_schema: TRACE_SCHEMA_VERSION, ...summary } }));
  else for (const line of formatSummary(summary)) await ctx.out.line(line);
  await ctx.out.flush();
  return summary.unreadable > 0 ? 2 : summary.errors > 0 ? 1 : 0;
}

/** `where: type: key message`. */
export function formatFinding(f: Finding): string {
  return escapeControl(`${f.where}: ${f.type}: ${f.key} ${f.message}${f.severity === "note" ? " (note)" : ""}`);
}

/** The per-type table and the totals line. */
export function formatSummary(s: ValidationSummary): string[] {
  const types = Object.entries(s.counts).sort(([a], [b]) => (a < b ? -1 : 1));
  const width = Math.max(4, ...types.map(([t]) => t.length));
  const lines = types.map(([type, c]) => {
    const what = c.kind === "v1" ? "schema v1" : c.kind === "memory" ? "memory event" : c.kind === "ai" ? "AI stream, not frozen" : "unknown";
    return escapeControl(`${type.padEnd(width)}  ${String(c.valid).padStart(5)} valid  ${String(c.invalid).padStart(5)} invalid  (${what})`);
  });
  const valid = types.reduce((n, [, c]) => n + c.valid, 0);
  const invalid = types.reduce((n, [, c]) => n + c.invalid, 0);
  const skipped = s.skipped > 0 ? `; ${s.skipped} other event${s.skipped === 1 ? "" : "s"} (no trace) skipped` : "";
  lines.push(`trace schema v${TRACE_SCHEMA_VERSION}: ${valid + invalid} traces, ${valid} valid, ${invalid} invalid${s.unreadable ? `, ${s.unreadable} unreadable` : ""}${skipped}`);
  return lines;
}
