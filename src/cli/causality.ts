import { causality } from "../causality/tree.js";
import { parseAge } from "../time.js";
import { createStyle, escapeControl, wantsColour } from "../render/text.js";
import { treeJsonChunks, treeLines } from "../render/tree.js";
import { parseCount, type Parsed } from "./args.js";
import { redactedTree } from "../causality/redacted.js";
import { createRedactor } from "../query/redactor.js";
import { badLines, requireStore, sourcesOf, type CliContext } from "./context.js";
import { indexUseOf } from "./index-background.js";

const DEFAULT_MAX_CHILDREN = 50;

/** `trace --causality X`: the tree around X, drawn or as nested JSON. */
export async function runCausality(p: Parsed, ctx: CliContext): Promise<number> {
  const bad = badLines(ctx);
  const sources = sourcesOf(p, ctx, bad);
  for (const dir of ctx.dirs) requireStore(dir, sources);
  const asked = p.values.causality!;
  const depth = parseCount(p.values.depth, "--depth");
  const maxChildren = parseCount(p.values["max-children"], "--max-children");
  const window = p.values["infer-window"];
  const indexUse = indexUseOf(p, ctx);
  const found = await causality(asked, {
    dir: ctx.dir,
    infer: p.switches.infer,
    ...(window !== undefined ? { inferWindowMs: parseAge(window, "--infer-window") } : {}),
    onBad: bad.onBad,
    sources,
    dirs: ctx.dirs,
    index: indexUse.option,
  });
  const tree = redactedTree(found, createRedactor(ctx.dir, { off: p.switches["no-redact"] }));
  if (p.switches.json) {
    for (const chunk of treeJsonChunks(tree, { depth, maxChildren })) {
      if (ctx.out.closed) break;
      await ctx.out.text(chunk);
    }
    await ctx.out.line("");
  } else {
    const style = createStyle(wantsColour(ctx.stdout, ctx.env));
    await ctx.out.line(style.bold(escapeControl(`Causality chain for ${asked}:`)));
    for (const line of treeLines(tree, { depth, maxChildren: maxChildren ?? DEFAULT_MAX_CHILDREN }, style)) {
      if (ctx.out.closed) break;
      await ctx.out.line(line);
    }
  }
  await ctx.out.flush();
  indexUse.done();
  return bad.code;
}
