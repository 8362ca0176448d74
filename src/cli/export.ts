import { EXPORT_FORMATS, exportTo, exportToFile, UsageError, type ExportFormat } from "../index.js";
import type { Parsed } from "./args.js";
import { badLines, questionOf, readingOf, requireStore, sourcesOf, type CliContext } from "./context.js";
import { indexUseOf } from "./index-background.js";

/** `trace export --format F [TARGET | --causality X] [filters] [--out FILE]`: the history for another tool. */
export async function runExport(p: Parsed, ctx: CliContext): Promise<number> {
  const format = p.values.format;
  if (format === undefined) throw new UsageError(`export: --format is required: ${EXPORT_FORMATS.join(", ")}`);
  if (p.words.length > 1) throw new UsageError(`one TARGET at most, got ${p.words.length}: ${p.words.join(" ")}`);
  const bad = badLines(ctx);
  for (const dir of ctx.dirs) requireStore(dir, sourcesOf(p, ctx));
  const question = questionOf(p);
  const indexUse = indexUseOf(p, ctx);
  const reading = readingOf(p, ctx, bad, indexUse.option);
  if (p.values.out !== undefined) {
    if (p.values.out === "") throw new UsageError("--out: name a file");
    await exportToFile(format as ExportFormat, question, reading, p.values.out);
    await indexUse.done();
    return bad.code;
  }
  for await (const chunk of exportTo(format as ExportFormat, question, reading)) {
    if (ctx.out.closed) break;
    await ctx.out.text(chunk);
  }
  await ctx.out.flush();
  await indexUse.done();
  return bad.code;
}
