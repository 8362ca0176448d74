import { causality } from "../index.js";
import { createStyle, escapeControl, treeJsonChunks, treeLines, wantsColour } from "../api/render.js";
import type { Parsed } from "./args.js";
import { badLines, questionOf, readingOf, requireStores, type CliContext } from "./context.js";
import { indexUseOf } from "./index-background.js";

const DEFAULT_MAX_CHILDREN = 50;

/** `trace --causality X`: the tree around X, drawn or as nested JSON. */
export async function runCausality(p: Parsed, ctx: CliContext): Promise<number> {
  const bad = badLines(ctx);
  requireStores(p, ctx);
  const question = questionOf(p);
  const { depth, maxChildren } = question;
  const indexUse = indexUseOf(p, ctx);
  const tree = await causality(question, readingOf(p, ctx, bad, indexUse.option));
  if (p.switches.json) {
    for (const chunk of treeJsonChunks(tree, { depth, maxChildren })) {
      if (ctx.out.closed) break;
      await ctx.out.text(chunk);
    }
    await ctx.out.line("");
  } else {
    const style = createStyle(wantsColour(ctx.stdout, ctx.env));
    await ctx.out.line(style.bold(escapeControl(`Causality chain for ${question.causality}:`)));
    const clock = { utc: p.switches.utc === true, relative: p.switches.relative === true };
    for (const line of treeLines(tree, { depth, maxChildren: maxChildren ?? DEFAULT_MAX_CHILDREN }, style, clock)) {
      if (ctx.out.closed) break;
      await ctx.out.line(line);
    }
  }
  await ctx.out.flush();
  await indexUse.done();
  return bad.code;
}
