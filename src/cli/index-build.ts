/** `trace index`: build the indexes of sealed days (`--rebuild`: all of them again), or show what they cover (`--status`). */
import { indexStore, UsageError, type DayDone } from "../index.js";
import type { Parsed } from "./args.js";
import { requireStore, type CliContext } from "./context.js";
import { formatBytes } from "./prune.js";

/** `trace index [--rebuild] [--json]`; `--auto` is what a query starts in the background: quiet, days of 1 MiB and more, one builder per store. */
export async function runIndex(p: Parsed, ctx: CliContext): Promise<number> {
  if (p.words.length > 0) throw new UsageError(`index: unexpected argument ${JSON.stringify(p.words[0])}`);
  if (p.switches.auto && p.switches.rebuild) throw new UsageError("index: --auto builds what is missing only; leave out --rebuild");
  const raw = p.values.threads;
  const threads = raw === undefined ? undefined : Number(raw);
  if (threads !== undefined && (!Number.isSafeInteger(threads) || threads < 1)) throw new UsageError(`--threads ${JSON.stringify(raw)}: a whole number of threads, at least 1`);
  if (p.switches.auto && threads !== undefined) throw new UsageError("index: --auto builds on one thread; leave out --threads");
  let failed = 0;
  for (const dir of ctx.dirs) {
    requireStore(dir);
    if (p.switches.auto) {
      await indexStore(dir, { auto: true });
      continue;
    }
    const { days } = await indexStore(dir, {
      rebuild: p.switches.rebuild,
      threads,
      onNote: ctx.warn,
      onDay: (d) => {
        if (d.state === "failed") ctx.warn(`${d.file}: not indexed (it could not be read whole, or changed while being read); queries read it whole`);
      },
    });
    failed += days.filter((d) => d.state === "failed").length;
    if (p.switches.json) for (const d of days) await ctx.out.line(JSON.stringify(d));
    else await ctx.out.line(summary(dir, days));
  }
  await ctx.out.flush();
  return failed > 0 ? 1 : 0;
}

function summary(dir: string, days: DayDone[]): string {
  const count = (state: DayDone["state"]): number => days.filter((d) => d.state === state).length;
  const built = days.filter((d) => d.state === "built");
  const bytes = built.reduce((n, d) => n + d.bytes, 0);
  const index = built.reduce((n, d) => n + (d.indexBytes ?? 0), 0);
  const size = built.length > 0 ? ` (${formatBytes(index)} of index for ${formatBytes(bytes)}, ${((100 * index) / Math.max(1, bytes)).toFixed(1)}%)` : "";
  return `${dir}: built ${built.length}${size}, fresh ${count("fresh")}, not sealed or not indexable ${count("skipped")}, failed ${count("failed")}`;
}
