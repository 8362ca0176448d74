/** Timing shell commands for the bench: wall time and peak RSS, commands taking turns. */
import { spawnSync } from "node:child_process";
import { have } from "../test/helpers/cli.js";

/** One command's median wall time and peak RSS. */
export interface Timing {
  ms: number;
  rssMb: number | undefined;
}

/** One line of the table: ours beside theirs. */
export interface Row {
  case: string;
  ours: number;
  theirs?: number;
  vs?: string;
  ratio?: number;
  rssMb?: number | undefined;
  note?: string;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const hasTime = have("/usr/bin/time");

/** Runs a shell command once with output to /dev/null: wall time and peak RSS. */
export function runOnce(command: string): Timing {
  const wrapped = hasTime ? `/usr/bin/time -f '%M' sh -c ${JSON.stringify(command + " > /dev/null")}` : `${command} > /dev/null`;
  const t0 = performance.now();
  const r = spawnSync("sh", ["-c", wrapped], { encoding: "utf8", maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${command}: exit ${r.status}: ${r.stderr}`);
  const kb = Number(r.stderr.trim().split("\n").at(-1));
  return { ms, rssMb: hasTime && Number.isFinite(kb) ? kb / 1024 : undefined };
}

/**
 * Runs the commands in turn, `runs` rounds: each gets its median wall time and peak
 * RSS. Taking turns matters on a shared VM, whose speed drifts by tens of percent
 * over a minute: two commands timed a minute apart would compare the drift.
 */
export function measureAll(commands: string[], runs: number): Timing[] {
  const seen = commands.map(() => ({ times: [] as number[], rss: [] as number[] }));
  for (let i = 0; i < runs; i++) {
    commands.forEach((command, k) => {
      const { ms, rssMb } = runOnce(command);
      seen[k]!.times.push(ms);
      if (rssMb !== undefined) seen[k]!.rss.push(rssMb);
    });
  }
  return seen.map(({ times, rss }) => ({ ms: median(times), rssMb: rss.length > 0 ? Math.max(...rss) : undefined }));
}
