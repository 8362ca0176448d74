import { importSources } from "../index.js";
import type { Parsed } from "./args.js";
import { badLines, readingOf, type CliContext } from "./context.js";

/** `trace import`: the sources' events into day files, once. */
export async function runImport(p: Parsed, ctx: CliContext): Promise<number> {
  const bad = badLines(ctx);
  const { imported, present } = await importSources({ ...readingOf(p, ctx, bad), dir: ctx.dir }, { dryRun: p.switches["dry-run"] });
  const verb = p.switches["dry-run"] ? "would import" : "imported";
  await ctx.out.line(p.switches.json ? JSON.stringify({ imported, present, dry_run: p.switches["dry-run"] === true }) : `${verb} ${imported} event${imported === 1 ? "" : "s"}; ${present} already in the store`);
  await ctx.out.flush();
  return bad.code;
}
