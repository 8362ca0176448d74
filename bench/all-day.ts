/**
 * The bench's second history (issue: down to the floor): 52 agents active all day, so
 * that an agent stands in every block, and today's file open and unsealed, beside the
 * spec's Option A (the same events in SQLite with its five indexes) asked the same
 * questions in the same rounds, a bare Node start and ripgrep.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { have, BIN } from "../test/helpers/cli.js";
import { generateHistory } from "./generate-history.js";
import { measureAll, runOnce, type Row } from "./measure.js";
import { optionA, OPTION_A_SQL } from "./option-a.js";

const q = JSON.stringify;
const DAY = 86_400_000;

/** The rows; `quick` makes the history 10 days of 10,000 events. */
export function allDayRows(work: string, runs: number, quick: boolean, bareNode: string): { rows: Row[]; summary: string } {
  const today = Math.floor(Date.now() / DAY);
  const [days, perDay] = quick ? [10, 10_000] : [100, 100_000];
  const t0 = performance.now();
  const h = generateHistory(join(work, `all-day-${days}d`), days, perDay, today, "all-day");
  const made = ((performance.now() - t0) / 1000).toFixed(1);
  const trace = (rest: string): string => `TRACE_INDEX=off ${q(BIN)} --dir ${q(h.dir)} ${rest}`;
  // The indexes a query's builder would have made: the sealed days', and today's lines so
  // far; all built again, so that the time is a whole build's in every run.
  const t1 = performance.now();
  runOnce(`${q(BIN)} index --rebuild --dir ${q(h.dir)}`);
  const indexMs = performance.now() - t1;
  // And what that builder (`--auto`) reads once more: each sealed day's masking note.
  const t2 = performance.now();
  runOnce(`${q(BIN)} index --auto --dir ${q(h.dir)}`);
  const notesMs = performance.now() - t2;
  spawnSync("sync");
  const rows: Row[] = [];
  const dayBytes = readdirSync(h.dir).filter((n) => n.endsWith(".ndjson")).reduce((n, f) => n + statSync(join(h.dir, f)).size, 0);
  const indexBytes = readdirSync(join(h.dir, ".index")).filter((n) => n.endsWith(".idx")).reduce((n, f) => n + statSync(join(h.dir, ".index", f)).size, 0);
  rows.push({ case: `all day: the background builder's masking notes, ${days} sealed days (once; ms)`, ours: notesMs, note: "each day read once more, in the background" });
  rows.push({ case: `all day: trace index --rebuild, ${days} days and today (once; ms)`, ours: indexMs, note: `a thread per core (${availableParallelism()} here)` });
  rows.push({ case: `all day: index size, ${days} days and today`, ours: indexBytes / 2 ** 20, theirs: dayBytes / 2 ** 20, vs: "MiB of day files", ratio: indexBytes / dayBytes, note: "target ≤ 0.10" });
  const openDay = `${new Date(today * DAY).toISOString().slice(0, 10)}.ndjson`;
  const db = optionA(h.dir, `${h.dir}.sqlite`, `${statSync(join(h.dir, ".generated")).mtimeMs}`, openDay);
  const sqlite = db.path && have("sqlite3") ? (sql: string): string => `sqlite3 -readonly ${q(db.path!)} ${q(sql)}` : undefined;
  if (db.loadSeconds !== undefined) rows.push({ case: "Option A: loading the history into SQLite (once)", ours: indexMs, theirs: db.loadSeconds * 1000, vs: "SQLite load", ratio: (db.loadSeconds * 1000) / indexMs, note: "SQLite's load / trace index" });
  if (db.bytes !== undefined) rows.push({ case: "Option A: database size", ours: indexBytes / 2 ** 20, theirs: db.bytes / 2 ** 20, vs: "MiB of SQLite", ratio: indexBytes / db.bytes, note: "our index / SQLite's whole file" });
  if (db.skipped) rows.push({ case: `Option A: ${db.skipped}`, ours: 0 });
  const since = Date.now() - 2 * 3_600_000;
  // A wider window in the same rounds: the difference between the two is the cost of each
  // event alone, without the start-up a short window's events share.
  const wider = Date.now() - 8 * 3_600_000;
  // What each question is held to (the targets): a point question, the agent in every block, a time window.
  const NOTES = {
    point: ["target ≤ 1.5; RSS ≤ 100 MB", "ours / SQLite's: target ≤ 2", "rg / ours"],
    agent: ["RSS ≤ 100 MB", "ours / SQLite's: target < 1", "rg / ours: target ≥ 1.5"],
    window: ["RSS ≤ 100 MB", "ours / SQLite's", "rg / ours"],
  } as const;
  const cases: [string, string, keyof typeof NOTES, string, string | undefined, string?][] = [
    [`${h.task} --json`, "task timeline", "point", OPTION_A_SQL.timeline(h.task), `"target_id":"${h.task}"`],
    [`--causality ${h.task} --json`, "--causality tree", "point", OPTION_A_SQL.tree(h.task), undefined],
    [`--task ${h.task} --json`, "--task filter", "point", OPTION_A_SQL.task(h.task), `"target_id":"${h.task}"`],
    [`--agent ${h.agent} --json`, "--agent, active all day", "agent", OPTION_A_SQL.agent(h.agent), `"agent_id":"${h.agent}"`],
    [`--since @${Math.floor(since / 1000)} --json`, '--since "2h ago"', "window", OPTION_A_SQL.since(Math.floor(since / 1000) * 1000), undefined, `--since @${Math.floor(wider / 1000)} --json`],
  ];
  const rg = have("rg");
  for (const [args, name, kind, sql, needle, widerArgs] of cases) {
    const commands = [trace(args), bareNode, sqlite?.(sql), rg && needle ? `rg -N --no-filename -F ${q(needle)} ${q(h.dir)}` : undefined, widerArgs && trace(widerArgs)];
    // A point question is short and mostly start-up: more rounds, so that a minute's drift of the VM does not decide its ratio.
    const timed = measureAll(commands.filter((c): c is string => c !== undefined), kind === "point" ? Math.max(runs, 15) : runs);
    const [ours, node] = [timed[0]!, timed[1]!];
    let k = 2;
    const theirs = commands[2] ? timed[k++] : undefined;
    const rgTime = commands[3] ? timed[k++] : undefined;
    const widerTime = commands[4] ? timed[k++] : undefined;
    const label = `all day, ${days} days + today: ${name}`;
    const [onNode, onSqlite, onRg] = NOTES[kind];
    rows.push({ case: label, ours: ours.ms, theirs: node.ms, vs: "node -e 0", ratio: ours.ms / node.ms, rssMb: ours.rssMb, note: onNode });
    if (theirs) rows.push({ case: label, ours: ours.ms, theirs: theirs.ms, vs: "sqlite3 (Option A)", ratio: ours.ms / theirs.ms, rssMb: theirs.rssMb, note: onSqlite });
    if (rgTime) rows.push({ case: label, ours: ours.ms, theirs: rgTime.ms, vs: "rg", ratio: rgTime.ms / ours.ms, note: onRg });
    if (name.startsWith("--since")) {
      const count = (rest: string): number => Number(spawnSync("sh", ["-c", `${trace(rest)} | wc -l`], { encoding: "utf8" }).stdout.trim());
      const returned = count(args);
      rows.push({ case: `${label}: µs per returned event above node -e 0 (${returned.toLocaleString("en-US")} events)`, ours: ((ours.ms - node.ms) * 1000) / Math.max(returned, 1), note: "target ≤ 2" });
      if (widerTime && widerArgs) {
        const more = count(widerArgs) - returned;
        rows.push({ case: `${label}: µs per event, the 8 h window less the 2 h one (${more.toLocaleString("en-US")} events more, ${Math.round(widerTime.ms)} ms)`, ours: ((widerTime.ms - ours.ms) * 1000) / Math.max(more, 1), rssMb: widerTime.rssMb, note: "each event's own cost" });
      }
    }
  }
  // Sealing is once (a day is sealed once); verifying reads every sealed day whole.
  runOnce(`${q(BIN)} seal --dir ${q(h.dir)}`);
  const verified = runOnce(`${q(BIN)} verify --dir ${q(h.dir)}`);
  const sealedBytes = dayBytes - statSync(join(h.dir, openDay)).size;
  rows.push({ case: `trace verify, ${days} sealed days (GB/s)`, ours: sealedBytes / 1e9 / (verified.ms / 1000), rssMb: verified.rssMb, note: "SHA-256 of every sealed byte, a thread per core" });
  const [version, node] = measureAll([`${q(BIN)} --version`, bareNode], Math.max(runs, 21));
  rows.push({ case: "trace --version", ours: version!.ms, theirs: node!.ms, vs: "node -e 0", ratio: version!.ms / node!.ms, rssMb: version!.rssMb, note: "target ≤ 1.1" });
  return { rows, summary: `all-day history: ${h.events.toLocaleString("en-US")} events, ${(dayBytes / 2 ** 30).toFixed(2)} GiB (made or kept in ${made} s); point questions median of ${Math.max(runs, 15)} rounds, --version of ${Math.max(runs, 21)}` };
}
