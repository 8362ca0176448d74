import { findSources, validate, validateSources, type Finding, type SourcesVerdict, type ValidationSummary } from "../index.js";
import { escapeControl } from "../api/render.js";
import { TRACE_SCHEMA_VERSION } from "../api/schema.js";
import type { Parsed } from "./args.js";
import { sourcesOf, type CliContext } from "./context.js";

/** `trace validate [FILE…|DIR…|-]`: schema v1 verdicts, one line per problem, then a summary. */
export async function runValidate(p: Parsed, ctx: CliContext): Promise<number> {
  const json = p.switches.json === true;
  const pending: Promise<void>[] = [];
  const say = (s: string): void => void pending.push(ctx.out.line(s));
  // The store's own check reads its sources too: their rows, each problem a line.
  const sources = p.words.length === 0 ? sourcesOf(p, ctx) : { off: true };
  const found = findSources(ctx.dir, sources).length > 0;
  const summary = await validate({
    // Several --dir: each store's day files.
    paths: p.words.length > 0 || ctx.dirs.length === 1 ? p.words : [...ctx.dirs],
    dir: ctx.dir,
    strict: p.switches.strict,
    // A workspace whose primitives keep only their databases: no day files to check.
    allowEmpty: found,
    onFinding: (f) => say(json ? JSON.stringify(f) : formatFinding(f)),
    onUnreadable: (u) => (json ? say(JSON.stringify({ where: u.where, unreadable: u.message })) : ctx.warn(`${u.where}: ${u.message}`)),
  });
  const verdict = found
    ? await validateSources({ dir: ctx.dir, sources, onNote: (m, unreadable) => say(json ? JSON.stringify({ source: m, ...(unreadable ? { unreadable: true } : {}) }) : escapeControl(m)) })
    : undefined;
  await Promise.all(pending);
  if (json) await ctx.out.line(JSON.stringify({ summary: { trace_schema: TRACE_SCHEMA_VERSION, ...summary, ...(verdict ? { sources: verdict } : {}) } }));
  else for (const line of [...formatSummary(summary), ...(verdict ? [formatSources(verdict)] : [])]) await ctx.out.line(line);
  await ctx.out.flush();
  const unreadable = summary.unreadable + (verdict?.unreadable ?? 0);
  return unreadable > 0 ? 2 : summary.errors + (verdict?.problems ?? 0) > 0 ? 1 : 0;
}

/** The sources' line: how many databases, events and problems. */
function formatSources(v: SourcesVerdict): string {
  const n = (k: number, what: string): string => `${k} ${what}${k === 1 ? "" : "s"}`;
  return `sources: ${n(v.databases, "database")}, ${n(v.events, "event")} from their rows, ${n(v.problems, "problem")}${v.unreadable ? `, ${v.unreadable} unreadable` : ""}`;
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
