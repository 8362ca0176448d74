import { EXPORT_FORMATS, exportTo, exportToFile, push, UsageError, type ExportFormat } from "../index.js";
import type { Parsed } from "./args.js";
import { badLines, questionOf, readingOf, requireStores, type CliContext } from "./context.js";
import { indexUseOf } from "./index-background.js";

/** `trace export --format F [TARGET | --causality X] [filters] [--out FILE]`: the history for another tool. */
export async function runExport(p: Parsed, ctx: CliContext): Promise<number> {
  const format = p.values.format;
  if (format === undefined) throw new UsageError(`export: --format is required: ${EXPORT_FORMATS.join(", ")}`);
  if (p.words.length > 1) throw new UsageError(`one TARGET at most, got ${p.words.length}: ${p.words.join(" ")}`);
  const bad = badLines(ctx);
  requireStores(p, ctx);
  const question = questionOf(p);
  if (p.switches.follow || p.values.endpoint !== undefined) return runPush(p, ctx, format, bad);
  if (p.values["cursor-file"] !== undefined) throw new UsageError("--cursor-file goes with --follow --endpoint URL (a live push)");
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

/** `trace export --format otlp --follow --endpoint URL [--cursor-file F]`: new events pushed as they arrive, until SIGTERM or Ctrl-C. */
async function runPush(p: Parsed, ctx: CliContext, format: string, bad: ReturnType<typeof badLines>): Promise<number> {
  if (format !== "otlp") throw new UsageError(`--follow pushes OTLP: --format otlp, not ${format}`);
  if (!p.switches.follow) throw new UsageError("--endpoint pushes new events as they arrive: add --follow");
  const endpoint = p.values.endpoint;
  if (endpoint === undefined) throw new UsageError("--follow needs --endpoint URL (http://host:4318/v1/traces)");
  if (p.values.out !== undefined) throw new UsageError("--out and --endpoint: write a file, or push; not both");
  const stop = new AbortController();
  const abort = (): void => stop.abort();
  process.once("SIGINT", abort);
  process.once("SIGTERM", abort);
  try {
    await push(questionOf(p), readingOf(p, ctx, bad), {
      endpoint,
      onStart: () => ctx.warn(`pushing new events to ${endpoint}${p.values["cursor-file"] === undefined ? "" : `, resuming after ${p.values["cursor-file"]}`}`),
      cursorFile: p.values["cursor-file"],
      signal: stop.signal,
      onRetry: (why, wait) => ctx.warn(`${why}: trying again in ${wait < 1000 ? `${wait} ms` : `${Math.round(wait / 1000)} s`}`),
    });
  } finally {
    process.off("SIGINT", abort);
    process.off("SIGTERM", abort);
  }
  return bad.code;
}
