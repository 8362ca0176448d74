/**
 * The index's rows of the bench (issue: a query's cost follows its answer): a history
 * of 100 days × 100,000 events, indexed, against ripgrep on the same store, a bare Node
 * start, and a history a tenth as long holding the same answers; the index's size and
 * build cost; a query that finds no index; peak RSS of each query kind.
 */
import { readdirSync, rmSync, statSync, existsSync, cpSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { have, BIN } from "../test/helpers/cli.js";
import { generateHistory } from "./generate-history.js";
import { measureAll, runOnce, type Row } from "./measure.js";

const q = JSON.stringify;
const sizeOf = (dir: string, keep: (name: string) => boolean): number => readdirSync(dir).filter(keep).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
const isDay = (name: string): boolean => /^\d{4}-\d{2}-\d{2}\.ndjson(\.gz)?$/.test(name);

/** The rows; `quick` makes the histories 20 and 2 days of 10,000 events. */
export async function historyRows(work: string, runs: number, quick: boolean, bareNode: string): Promise<{ rows: Row[]; summary: string }> {
  const endDay = Math.floor(Date.now() / 86_400_000);
  const perDay = quick ? 10_000 : 100_000;
  const [longDays, shortDays] = quick ? [20, 2] : [100, 10];
  const t0 = performance.now();
  const long = generateHistory(join(work, `history-${longDays}d`), longDays, perDay, endDay);
  const short = generateHistory(join(work, `history-${shortDays}d`), shortDays, perDay, endDay);
  const made = ((performance.now() - t0) / 1000).toFixed(1);
  const trace = (dir: string, rest: string): string => `TRACE_INDEX=off ${q(BIN)} --dir ${q(dir)} ${rest}`;
  const rows: Row[] = [];
  // The index's build: a whole store, against one scan of it, per day the same.
  rmSync(join(short.dir, ".index"), { recursive: true, force: true });
  const [build, scan] = measureAll([trace(short.dir, "").replace(" --dir", " index --rebuild --dir"), trace(short.dir, "--json --no-index")], Math.min(runs, 3));
  rows.push({ case: `trace index --rebuild of ${shortDays} days vs one --json scan of them`, ours: build!.ms, theirs: scan!.ms, vs: "the scan", ratio: build!.ms / scan!.ms, rssMb: build!.rssMb, note: "target ≤ 1.5" });
  runOnce(trace(long.dir, "").replace(" --dir", " index --dir"));
  // The indexes just written go to disk before anything is timed.
  spawnSync("sync");
  const dayBytes = sizeOf(long.dir, isDay);
  const indexBytes = sizeOf(join(long.dir, ".index"), (n) => n.endsWith(".idx"));
  rows.push({ case: `index size, ${longDays} days`, ours: indexBytes / 2 ** 20, theirs: dayBytes / 2 ** 20, vs: "MiB of day files", ratio: indexBytes / dayBytes, note: "target ≤ 0.10" });
  const rg = have("rg");
  const cases = [
    [`${long.task} --json`, `trace ${long.task.replace(/-\d+-/, "-N-")} (timeline)`, `"target_id":"${long.task}"`],
    [`--causality ${long.task} --json`, "--causality (tree)", `"target_id":"${long.task}"`],
    [`--agent ${long.agent} --json`, "--agent A", `"agent_id":"${long.agent}"`],
  ] as const;
  for (const [args, name, needle] of cases) {
    const commands = [trace(long.dir, args), trace(short.dir, args), bareNode, ...(rg ? [`rg -N --no-filename -F ${q(needle)} ${q(long.dir)}`] : [])];
    const [ours, tenth, node, theirs] = measureAll(commands, runs);
    if (theirs) rows.push({ case: `${name}, ${longDays} days, indexed`, ours: ours!.ms, theirs: theirs.ms, vs: "rg", ratio: theirs.ms / ours!.ms, rssMb: ours!.rssMb, note: "rg / ours: target ≥ 5" });
    rows.push({ case: `${name}, ${longDays} days, indexed`, ours: ours!.ms, theirs: node!.ms, vs: "node -e 0", ratio: ours!.ms / node!.ms, rssMb: ours!.rssMb, note: "target ≤ 3; peak RSS ≤ 100 MB" });
    rows.push({ case: `${name}: ${longDays} days vs ${shortDays}, same answer`, ours: ours!.ms, theirs: tenth!.ms, vs: `${shortDays} days`, ratio: ours!.ms / tenth!.ms, note: "target ≤ 1.5" });
  }
  // A query that finds no index (the builder it leaves is waited for between runs) against the scan it replaces.
  const bare = join(work, `history-${shortDays}d-unindexed`);
  if (!existsSync(bare)) cpSync(short.dir, bare, { recursive: true, filter: (src) => !src.includes(".index") });
  const first: number[] = [];
  const scanned: number[] = [];
  for (let i = 0; i < Math.min(runs, 3); i++) {
    rmSync(join(bare, ".index"), { recursive: true, force: true });
    first.push(runOnce(`env -u TRACE_INDEX ${q(BIN)} --dir ${q(bare)} --agent ${long.agent} --json`).ms);
    await builderDone(bare);
    scanned.push(runOnce(trace(bare, `--agent ${long.agent} --json --no-index`)).ms);
  }
  const mid = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  rows.push({ case: `--agent A, ${shortDays} days, no index yet (a builder is left behind)`, ours: mid(first), theirs: mid(scanned), vs: "--no-index", ratio: mid(first) / mid(scanned), note: "target ≤ 1 + noise" });
  return { rows, summary: `history: ${long.events.toLocaleString("en-US")} events, ${(dayBytes / 2 ** 30).toFixed(2)} GiB over ${longDays} days (made or kept in ${made} s)` };
}

/** Waits until the background builder of `dir` has gone. */
async function builderDone(dir: string): Promise<void> {
  const lock = join(dir, ".index", ".building");
  for (let waited = 0; waited < 120_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (!existsSync(lock)) return;
  }
}
