import { ship, shipStatus, UsageError } from "../index.js";
import type { Parsed } from "./args.js";
import { readingOf, requireStore, sourcesOf, badLines, type CliContext } from "./context.js";

/** `trace ship --to URL [--once | --status]`: this host's store into the central database. */
export async function runShip(p: Parsed, ctx: CliContext): Promise<number> {
  if (p.words.length > 0) throw new UsageError(`ship takes no words, got: ${p.words.join(" ")}`);
  const to = p.values.to ?? (ctx.env.TRACE_SHIP_TO === "" ? undefined : ctx.env.TRACE_SHIP_TO);
  if (to === undefined) throw new UsageError("ship: name the database: --to postgresql://user@host/db, or TRACE_SHIP_TO");
  if (p.switches.once && p.switches.status) throw new UsageError("--once and --status: choose one");
  const raw = p.values.batch;
  const batchSize = raw === undefined ? undefined : Number(raw);
  if (batchSize !== undefined && (!Number.isSafeInteger(batchSize) || batchSize < 1)) throw new UsageError(`--batch ${JSON.stringify(raw)}: a number of events, at least 1`);
  requireStore(ctx.dir, sourcesOf(p, ctx));
  const bad = badLines(ctx);
  const reading = { ...readingOf(p, ctx, bad), dir: ctx.dir, db: undefined };
  const where = { to, cursorFile: p.values["cursor-file"], host: p.values.host };
  if (p.switches.status) return status(await shipStatus(reading, where), p.switches.json === true, ctx);
  const stop = new AbortController();
  const abort = (): void => stop.abort();
  process.once("SIGINT", abort);
  process.once("SIGTERM", abort);
  try {
    const done = await ship({}, reading, {
      ...where,
      once: p.switches.once,
      batchSize,
      signal: stop.signal,
      onRetry: (why, wait) => ctx.warn(`${why}; trying again in ${(wait / 1000).toFixed(wait < 1000 ? 2 : 0)}s`),
      onStart: () => ctx.warn(`shipping ${ctx.dir} (follow; Ctrl-C or SIGTERM stops)`),
    });
    if (p.switches.once) ctx.warn(`shipped ${done.sent} events, ${done.added} new to the database`);
  } finally {
    process.off("SIGINT", abort);
    process.off("SIGTERM", abort);
  }
  return bad.code;
}

/** `--status` as lines, or one JSON object. */
async function status(s: Awaited<ReturnType<typeof shipStatus>>, json: boolean, ctx: CliContext): Promise<number> {
  if (json) await ctx.out.line(JSON.stringify(s));
  else {
    const { local } = s;
    const lag = local.pending === 0 ? "up to date" : `${local.pending} events not shipped yet, the oldest from ${new Date(local.oldestPending!).toISOString()}`;
    await ctx.out.line(`${local.store} on ${local.host}: ${lag} (${local.cursorFile})`);
    for (const r of s.stores) {
      const newest = r.newest === undefined ? "no events" : `newest event ${new Date(r.newest).toISOString()}`;
      await ctx.out.line(`  ${r.store} on ${r.host}: ${r.events} events, ${newest}, last shipped ${new Date(r.shippedAt).toISOString()}`);
    }
    if (s.stores.length === 0) await ctx.out.line("  the database holds no store yet");
  }
  await ctx.out.flush();
  return 0;
}
