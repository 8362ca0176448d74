import { escapeControl } from "../format/text.js";
import { TRACE_SCHEMA_VERSION } from "../schema/rules.js";
import type { Finding, ValidationSummary } from "../validate/check.js";
import { validate } from "../validate/validate.js";
import type { Parsed } from "./args.js";
import type { CliContext } from "./context.js";

/** `trace validate [FILE…|DIR…|-]`: schema v1 verdicts, one line per problem, then a summary. */
export async function runValidate(p: Parsed, ctx: CliContext): Promise<number> {
  const json = p.switches.json === true;
  const pending: Promise<void>[] = [];
  const say = (s: string): void => void pending.push(ctx.out.line(s));
  const summary = await validate({
    paths: p.words,
    dir: ctx.dir,
    strict: p.switches.strict,
    onFinding: (f) => say(json ? JSON.stringify(f) : formatFinding(f)),
    onUnreadable: (u) => (json ? say(JSON.stringify({ where: u.where, unreadable: u.message })) : ctx.warn(`${u.where}: ${u.message}`)),
  });
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
