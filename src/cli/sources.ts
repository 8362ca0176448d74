import { findSources, summarizeSources } from "../index.js";
import { formatTime } from "../api/render.js";
import type { Parsed } from "./args.js";
import type { CliContext } from "./context.js";

/** `trace sources`: the space-os databases found, their layout, rows per table and the time their events span. */
export async function runSources(p: Parsed, ctx: CliContext): Promise<number> {
  const found = findSources(ctx.dir, { space: p.values.space ?? ctx.env.TRACE_SPACE });
  if (found.length === 0) ctx.warn(`no sources: no space-os database in the workspace of ${ctx.dir}; name one with --space PATH`);
  for (const s of summarizeSources(found, (problem) => ctx.warn(`${problem.db}: ${problem.table}: ${problem.message}`))) {
    if (p.switches.json) {
      await ctx.out.line(JSON.stringify(s));
      continue;
    }
    const span = s.first === undefined ? "no events" : `${s.events} events, ${formatTime(s.first, true)} to ${formatTime(s.last!, true)} UTC`;
    await ctx.out.line(`${s.path} (${s.layout}): ${span}`);
    for (const [table, rows] of Object.entries(s.tables)) await ctx.out.line(`  ${table.padEnd(16)} ${String(rows).padStart(8)} rows`);
  }
  await ctx.out.flush();
  return 0;
}
