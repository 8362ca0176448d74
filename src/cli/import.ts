import { importSources } from "../query/import.js";
import type { Parsed } from "./args.js";
import { badLines, sourcesOf, type CliContext } from "./context.js";

/** `trace import`: the sources' events into day files, once. */
export async function runImport(p: Parsed, ctx: CliContext): Promise<number> {
  const bad = badLines(ctx);
  const { imported, present } = await importSources({
    dir: ctx.dir,
    dryRun: p.switches["dry-run"],
    sources: sourcesOf(p, ctx, bad),
  });
  const verb = p.switches["dry-run"] ? "would import" : "imported";
  await ctx.out.line(p.switches.json ? JSON.stringify({ imported, present, dry_run: p.switches["dry-run"] === true }) : `${verb} ${imported} event${imported === 1 ? "" : "s"}; ${present} already in the store`);
  await ctx.out.flush();
  return bad.code;
}
