import { parseAge } from "../time.js";
import { UsageError } from "../errors.js";
import { EXPORT_FORMATS, exportTo, exportToFile, type ExportFormat, type ExportOptions } from "../export/export.js";
import { parseCount, type Parsed } from "./args.js";
import { badLines, requireStore, sourcesOf, type CliContext } from "./context.js";
import { indexUseOf } from "./index-background.js";
import { filterFlags } from "./query.js";

/** `trace export --format F [TARGET | --causality X] [filters] [--out FILE]`: the history for another tool. */
export async function runExport(p: Parsed, ctx: CliContext): Promise<number> {
  const format = p.values.format;
  if (format === undefined) throw new UsageError(`export: --format is required: ${EXPORT_FORMATS.join(", ")}`);
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format ${JSON.stringify(format)}: expected one of ${EXPORT_FORMATS.join(", ")}`);
  if (p.words.length > 1) throw new UsageError(`one TARGET at most, got ${p.words.length}: ${p.words.join(" ")}`);
  const bad = badLines(ctx);
  const sources = sourcesOf(p, ctx, bad);
  for (const dir of ctx.dirs) requireStore(dir, sources);
  const window = p.values["infer-window"];
  const indexUse = indexUseOf(p, ctx);
  const options: ExportOptions = {
    dir: ctx.dir,
    target: p.words[0],
    filter: filterFlags(p),
    since: p.values.since,
    until: p.values.until,
    utc: p.switches.utc,
    causality: p.values.causality,
    infer: p.switches.infer,
    ...(window !== undefined ? { inferWindowMs: parseAge(window, "--infer-window") } : {}),
    depth: parseCount(p.values.depth, "--depth"),
    maxChildren: parseCount(p.values["max-children"], "--max-children"),
    onBad: bad.onBad,
    sources,
    dirs: ctx.dirs,
    index: indexUse.option,
  };
  if (p.values.out !== undefined) {
    if (p.values.out === "") throw new UsageError("--out: name a file");
    await exportToFile(format as ExportFormat, options, p.values.out);
    indexUse.done();
    return bad.code;
  }
  for await (const chunk of exportTo(format as ExportFormat, options)) {
    if (ctx.out.closed) break;
    await ctx.out.text(chunk);
  }
  await ctx.out.flush();
  indexUse.done();
  return bad.code;
}
