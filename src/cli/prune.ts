import { DEFAULT_RETENTION, indexStore, parseAge, prune, pruneDatabase, readStoreConfig, UsageError, writeStoreConfig, type PruneAction } from "../index.js";
import type { Parsed } from "./args.js";
import { requireStore, type CliContext } from "./context.js";

/** `trace prune`: apply the retention rule, or set and show it. */
export async function runPrune(p: Parsed, ctx: CliContext): Promise<number> {
  if (p.words.length > 0) throw new UsageError(`prune: unexpected argument ${JSON.stringify(p.words[0])}`);
  if (p.switches["show-retention"]) return showRetention(p, ctx);
  const setTo = p.values["set-retention"];
  if (setTo !== undefined) return setRetention(p, ctx, setTo);
  if (p.switches.auto) throw new UsageError("--auto goes with --set-retention, e.g. trace prune --set-retention 30d --auto");
  if (p.values.db !== undefined) return pruneDb(p, ctx, p.values.db);
  requireStore(ctx.dir);
  const olderThan = p.values["older-than"];
  const compressAfter = p.values["compress-after"];
  const actions = await prune({
    dir: ctx.dir,
    dryRun: p.switches["dry-run"],
    ...(olderThan !== undefined ? { olderThan: parseAge(olderThan, "--older-than") } : {}),
    ...(compressAfter !== undefined ? { compressAfter: parseAge(compressAfter, "--compress-after") } : {}),
  });
  await report(actions, p.switches["dry-run"] === true, p.switches.json === true, ctx);
  // What compaction made (and what it left) gets its index now, whatever its size: the first query of a compressed day inflates a few members.
  if (!p.switches["dry-run"]) await indexStore(ctx.dir, { onNote: ctx.warn });
  return actions.some((a) => a.error !== undefined) ? 1 : 0;
}

/** `prune --db`: the rule applied to the central database, a whole day's partition at a time. */
async function pruneDb(p: Parsed, ctx: CliContext, url: string): Promise<number> {
  if (p.values["compress-after"] !== undefined) throw new UsageError("--compress-after is for day files: a database keeps its own pages");
  const olderThan = p.values["older-than"] ?? readStoreConfig(ctx.dir).retention ?? DEFAULT_RETENTION;
  const dryRun = p.switches["dry-run"] === true;
  const dropped = await pruneDatabase({ url, olderThan: parseAge(olderThan, "--older-than"), dryRun });
  for (const d of dropped) await ctx.out.line(p.switches.json ? JSON.stringify({ action: "drop", day: d.day, bytes: d.bytes, dry_run: dryRun }) : `${dryRun ? "would drop" : "dropped"} the partition of ${d.day} (${formatBytes(d.bytes)})`);
  if (!p.switches.json) await ctx.out.line(`${dryRun ? "would free" : "freed"} ${formatBytes(dropped.reduce((n, d) => n + d.bytes, 0))} in ${dropped.length} day${dropped.length === 1 ? "" : "s"}`);
  await ctx.out.flush();
  return 0;
}

async function report(actions: PruneAction[], dryRun: boolean, json: boolean, ctx: CliContext): Promise<void> {
  if (json) {
    for (const a of actions) await ctx.out.line(JSON.stringify({ ...a, dry_run: dryRun }));
  } else {
    let freed = 0;
    let done = 0;
    for (const a of actions) {
      if (a.error !== undefined) {
        ctx.warn(`${a.file}: could not ${a.action}: ${a.error}`);
        continue;
      }
      if (a.skipped !== undefined) {
        ctx.warn(`${a.file}: ${a.skipped}`);
        continue;
      }
      if (a.bytes === 0 && !dryRun) continue; // another prune got there first
      freed += a.bytes;
      done++;
      const verb = a.action === "delete" ? (dryRun ? "would delete" : "deleted") : dryRun ? "would compress" : "compressed";
      await ctx.out.line(`${verb} ${a.file} (${formatBytes(a.bytes)})`);
    }
    await ctx.out.line(`${dryRun ? "would free" : "freed"} ${formatBytes(freed)} in ${done} file${done === 1 ? "" : "s"}`);
  }
  await ctx.out.flush();
}

async function showRetention(p: Parsed, ctx: CliContext): Promise<number> {
  const config = readStoreConfig(ctx.dir);
  const retention = config.retention ?? DEFAULT_RETENTION;
  if (p.switches.json) await ctx.out.line(JSON.stringify({ retention, default: config.retention === undefined, auto: config.auto === true, compress_after: config.compress_after ?? null }));
  else {
    await ctx.out.line(`retention: ${retention}${config.retention === undefined ? " (default)" : ""}${config.auto ? ", auto" : ""}`);
    if (config.compress_after) await ctx.out.line(`compress after: ${config.compress_after}`);
  }
  await ctx.out.flush();
  return 0;
}

async function setRetention(p: Parsed, ctx: CliContext, age: string): Promise<number> {
  const config = readStoreConfig(ctx.dir);
  if (age === "none") {
    delete config.retention;
    delete config.auto;
  } else {
    parseAge(age, "--set-retention");
    config.retention = age;
    if (p.switches.auto) config.auto = true;
    else delete config.auto;
  }
  const compressAfter = p.values["compress-after"];
  if (compressAfter !== undefined) {
    parseAge(compressAfter, "--compress-after");
    config.compress_after = compressAfter;
  }
  writeStoreConfig(ctx.dir, config);
  await ctx.out.line(`retention: ${config.retention ?? `${DEFAULT_RETENTION} (default)`}${config.auto ? ", auto" : ""}`);
  await ctx.out.flush();
  return 0;
}

/** `1.2 MB`-style sizes. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}
