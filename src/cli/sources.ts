import { findSources, summarizeSources } from "../index.js";
import { formatTime } from "../api/render.js";
import type { Parsed } from "./args.js";
import { sourcesOf, type CliContext } from "./context.js";

/** `trace sources`: the space-os databases found, their layout, rows per table and the time their events span. */
export async function runSources(p: Parsed, ctx: CliContext): Promise<number> {
  const sources = sourcesOf(p, ctx);
  const found = findSources(ctx.dir, sources);
  if (found.length === 0) ctx.warn(`no sources: no space-os database in the workspace of ${ctx.dir}; name one with --space PATH`);
  const utc = p.switches.utc === true;
  for (const s of summarizeSources(found, { zone: sources.zone, onProblem: (problem) => ctx.warn(`${problem.db}: ${problem.table}: ${problem.message}`) })) {
    if (p.switches.json) {
      await ctx.out.line(JSON.stringify(s));
      continue;
    }
    const span = s.first === undefined ? "no events" : `${s.events} events, ${formatTime(s.first, utc)} to ${formatTime(s.last!, utc)}${utc ? " UTC" : ""}`;
    await ctx.out.line(`${s.path} (${s.layout}): ${span}`);
    for (const [table, rows] of Object.entries(s.tables)) await ctx.out.line(`  ${table.padEnd(16)} ${String(rows).padStart(8)} rows`);
  }
  await ctx.out.flush();
  return 0;
}
