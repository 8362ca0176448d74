/**
 * `npm run bench`: generates stores, then measures trace beside jq and ripgrep in the
 * same run. Prints one table of ratios and writes it as JSON. Flags: --days N,
 * --per-day N (default 30 × 40,000 events ≈ 350 MB), --runs N, --out DIR, --quick,
 * --only all-day (the second history and Option A alone), --only otlp (receive and push),
 * --only db (the central database: ship, and questions asked of it).
 */
import { spawn, spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import minimist from "minimist";
import ndjson from "ndjson";
import split2 from "split2";
import { openWriter } from "../src/index.js";
import { BIN, have, ROOT } from "../test/helpers/cli.js";
import { generateChain, generateSpaceDb, generateStore, generateTree } from "./generate.js";
import { allDayRows } from "./all-day.js";
import { otlpRows } from "./otlp.js";
import { historyRows } from "./history.js";
import { databaseRows } from "./database.js";
import { measureAll as measureTurns, type Row, type Timing } from "./measure.js";

const args = minimist(process.argv.slice(2), { boolean: ["quick"], string: ["out", "only"] });
const quick = args.quick === true;
const DAYS = Number(args.days ?? 30);
const PER_DAY = Number(args["per-day"] ?? (quick ? 2_000 : 40_000));
const RUNS = Number(args.runs ?? (quick ? 2 : 5));
const OUT = args.out ?? join(ROOT, "bench-out");
const WORK = join(tmpdir(), "trace-bench");
const END = Date.now();

/** `measureAll` with this run's rounds unless told. */
const measureAll = (commands: string[], runs = RUNS): Timing[] => measureTurns(commands, runs);

/** `measureAll` of one command. */
const measure = (command: string, runs = RUNS): Timing => measureAll([command], runs)[0]!;

const sizeMb = (dir: string): number => readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0) / 2 ** 20;
const trace = (dir: string, rest: string): string => `${JSON.stringify(BIN)} --dir ${JSON.stringify(dir)} ${rest}`;
/** A bare Node start, as `trace` starts it: without NODE_EXTRA_CA_CERTS (see bin/trace). */
const bareNode = `env -u NODE_EXTRA_CA_CERTS ${JSON.stringify(process.execPath)} -e 0`;

/** Follow latency: append one line, time until `trace -f` prints it; 1,000 times. */
async function followLatency(dir: string, n: number): Promise<{ median: number; p99: number }> {
  mkdirSync(dir, { recursive: true });
  const child = spawn(BIN, ["-f", "--json", "-n", "0", "--dir", dir]);
  let buffered = "";
  let waiting: ((line: string) => void) | undefined;
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    buffered += d;
    let nl: number;
    while ((nl = buffered.indexOf("\n")) !== -1) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      waiting?.(line);
    }
  });
  await new Promise((r) => setTimeout(r, 700));
  const w = openWriter({ dir });
  const lat: number[] = [];
  for (let i = 0; i < n; i++) {
    const seen = new Promise<string>((resolve) => (waiting = resolve));
    const t0 = performance.now();
    w.emit({ primitive: "ops", event_type: "ping", metadata: { i } });
    await seen;
    lat.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 2));
  }
  w.close();
  child.kill("SIGINT");
  lat.sort((a, b) => a - b);
  return { median: lat[Math.floor(n / 2)]!, p99: lat[Math.floor(n * 0.99)]! };
}

/** The ndjson package against split2 + JSON.parse on one day file, in process (why the reader does not use ndjson). */
async function readers(dir: string): Promise<Row> {
  const file = join(dir, readdirSync(dir).sort()[0]!);
  const time = async (run: () => Promise<number>): Promise<number> => {
    const t0 = performance.now();
    await run();
    return performance.now() - t0;
  };
  const viaNdjson = await time(async () => {
    let n = 0;
    for await (const _ of createReadStream(file).pipe(ndjson.parse({ strict: false }))) n++;
    return n;
  });
  const viaSplit2 = await time(async () => {
    let n = 0;
    for await (const line of createReadStream(file).pipe(split2()) as AsyncIterable<string>) if (line && JSON.parse(line)) n++;
    return n;
  });
  return { case: "one day file: ndjson.parse vs split2 + JSON.parse", ours: viaSplit2, theirs: viaNdjson, vs: "ndjson", ratio: viaNdjson / viaSplit2, note: "ndjson / split2: no faster, and it cannot say where a bad line was" };
}

/** The peers whose rows the bench leaves out when they are not installed, and the Debian package of each. */
const PEERS: Record<string, string> = { rg: "ripgrep", jq: "jq", sqlite3: "sqlite3", psql: "postgresql" };

/** Prints the table and writes it as JSON; a peer not installed is said, not silently left out. */
function report(rows: Row[], summary: string, events: number): void {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const missing = Object.keys(PEERS).filter((peer) => !have(peer));
  if (missing.length > 0) rows.push({ case: `not installed, their rows left out: ${missing.join(", ")} (apt install ${missing.map((m) => PEERS[m]).join(" ")})`, ours: 0 });
  console.log(`\nmachine: ${machine}; ${summary}; median of ${RUNS} runs\n`);
  console.log("| case | ours | theirs | ratio | peak RSS | note |\n|---|---:|---:|---:|---:|---|");
  const fmt = (n: number | undefined): string => (n === undefined ? "" : n >= 1000 ? Math.round(n).toLocaleString("en-US") : n.toFixed(n < 10 ? 2 : 0));
  for (const r of rows) {
    console.log(`| ${r.case} | ${fmt(r.ours)} | ${r.theirs === undefined ? "" : `${fmt(r.theirs)} (${r.vs})`} | ${r.ratio === undefined ? "" : r.ratio.toFixed(2) + "×"} | ${r.rssMb === undefined ? "" : r.rssMb.toFixed(0) + " MB"} | ${r.note ?? ""} |`);
  }
  console.log("\ntimes in ms unless the case says otherwise");
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, "bench.json"), JSON.stringify({ machine, events, days: DAYS, perDay: PER_DAY, runs: RUNS, rows }, null, 2) + "\n");
  console.log(`written to ${join(OUT, "bench.json")}`);
}

async function main(): Promise<void> {
  // Queries here leave no builder behind: each row times what it names (the index rows build theirs).
  process.env.TRACE_INDEX = "off";
  mkdirSync(WORK, { recursive: true });
  if (args.only === "all-day") {
    const allDay = allDayRows(WORK, RUNS, quick, bareNode);
    return report(allDay.rows, allDay.summary, 0);
  }
  if (args.only === "otlp") return report(await otlpRows(WORK, quick), "OTLP in and out", 0);
  if (args.only === "db") {
    const database = await databaseRows(WORK, RUNS, quick);
    return report(database.rows, database.summary, 0);
  }
  if (args.only !== undefined) throw new Error(`--only ${args.only}: the parts that run alone are all-day, otlp and db`);
  const main30 = join(WORK, `store-${DAYS}d-${PER_DAY}`);
  const hist30 = join(WORK, "since-30d");
  const hist300 = join(WORK, "since-300d");
  console.log(`generating ${DAYS} days × ${PER_DAY} events …`);
  let t0 = performance.now();
  const events = generateStore({ dir: main30, days: DAYS, perDay: PER_DAY, end: END });
  console.log(`  ${events} events, ${sizeMb(main30).toFixed(0)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  generateStore({ dir: hist30, days: 30, perDay: 5_000, end: END, seed: 7 });
  generateStore({ dir: hist300, days: 300, perDay: 5_000, end: END, seed: 7 });
  // Written back before timing, so that no query competes with the flush of 400 MB.
  spawnSync("sync");
  const files = readdirSync(main30).map((f) => JSON.stringify(join(main30, f))).join(" ");
  const rows: Row[] = [];
  const agent = "agent-7";

  const filter = trace(main30, `--agent ${agent} --json`);
  if (!have("jq") && !have("rg")) {
    const ours = measure(filter);
    rows.push({ case: "agent filter (jq and rg not installed)", ours: ours.ms, rssMb: ours.rssMb });
  }
  if (have("jq")) {
    const [mine, jq] = measureAll([filter, `jq -c 'select(.agent_id=="${agent}")' ${files}`], Math.min(RUNS, 3));
    rows.push({ case: "agent filter", ours: mine!.ms, theirs: jq!.ms, vs: "jq", ratio: jq!.ms / mine!.ms, rssMb: mine!.rssMb, note: "jq time / ours (higher is better)" });
  }
  if (have("rg")) {
    const rgArgs = `-N --no-filename -F '"agent_id":"${agent}"' ${JSON.stringify(main30)}`;
    const [mine, rg, rg1, bare] = measureAll([filter, `rg ${rgArgs}`, `rg -j1 ${rgArgs}`, bareNode]);
    rows.push({ case: "agent filter", ours: mine!.ms, theirs: rg!.ms, vs: "rg", ratio: mine!.ms / rg!.ms, rssMb: mine!.rssMb, note: "ours / rg (lower is better)" });
    rows.push({ case: "agent filter", ours: mine!.ms, theirs: rg1!.ms, vs: "rg -j1", ratio: mine!.ms / rg1!.ms, note: "ours / rg on one thread" });
    rows.push({ case: "agent filter less Node's start-up", ours: mine!.ms - bare!.ms, theirs: rg!.ms, vs: "rg", ratio: (mine!.ms - bare!.ms) / rg!.ms, note: "the scan itself / rg" });
  }
  if (have("rg")) {
    // The filters of metadata and type, against rg for the same needle: --type is a record field the bytes decide; --grep and --status are parsed per candidate.
    const dir = JSON.stringify(main30);
    const [type, rgType] = measureAll([trace(main30, "--type claim_task --json"), `rg -N --no-filename -F '"event_type":"claim_task"' ${dir}`], Math.min(RUNS, 3));
    rows.push({ case: "--type claim_task", ours: type!.ms, theirs: rgType!.ms, vs: "rg", ratio: type!.ms / rgType!.ms, rssMb: type!.rssMb, note: "ours / rg (lower is better)" });
    const [grep, rgGrep] = measureAll([trace(main30, "--grep flaky --json"), `rg -N --no-filename -i flaky ${dir}`], Math.min(RUNS, 3));
    rows.push({ case: "--grep flaky", ours: grep!.ms, theirs: rgGrep!.ms, vs: "rg -i", ratio: grep!.ms / rgGrep!.ms, rssMb: grep!.rssMb, note: "ours / rg: every line parsed" });
  }
  const [plain, scan] = measureAll([trace(main30, `--agent ${agent} --json --plain`), filter], Math.min(RUNS, 3));
  rows.push({ case: "agent filter, plain path (split2 + JSON.parse)", ours: plain!.ms, theirs: scan!.ms, vs: "fast path", ratio: plain!.ms / scan!.ms, rssMb: plain!.rssMb, note: "plain / fast" });
  const [timeline, tree, scan2] = measureAll([trace(main30, "task-42 --json"), trace(main30, "--causality task-42 --json --depth 3"), filter]);
  rows.push({ case: "target timeline (trace task-42)", ours: timeline!.ms, theirs: scan2!.ms, vs: "agent scan", ratio: timeline!.ms / scan2!.ms, rssMb: timeline!.rssMb, note: "timeline / scan" });
  rows.push({ case: "--causality task-42", ours: tree!.ms, theirs: scan2!.ms, vs: "agent scan", ratio: tree!.ms / scan2!.ms, rssMb: tree!.rssMb, note: "tree / scan (target ≤ 2)" });
  rows.push(await readers(main30));
  const treeDir = join(WORK, "tree-100k");
  generateTree(treeDir, quick ? 10_000 : 100_000, END);
  const [bigTree, treeScan] = measureAll([trace(treeDir, "--causality tree-root --depth 3"), trace(treeDir, "--agent agent-7 --json")]);
  rows.push({ case: `--causality over a ${quick ? "10,000" : "100,000"}-event tree, --depth 3`, ours: bigTree!.ms, theirs: treeScan!.ms, vs: "agent scan", ratio: bigTree!.ms / treeScan!.ms, rssMb: bigTree!.rssMb, note: "tree / scan of the same store" });
  const chainDir = join(WORK, "chain-100k");
  const leaf = generateChain(chainDir, quick ? 10_000 : 100_000, END);
  const [fromLeaf, fromRoot] = measureAll([trace(chainDir, `--causality ${leaf} --depth 3`), trace(chainDir, "--causality chain-root --depth 3")]);
  rows.push({ case: `--causality from the leaf of a ${quick ? "10,000" : "100,000"}-deep chain`, ours: fromLeaf!.ms, theirs: fromRoot!.ms, vs: "from its root", ratio: fromLeaf!.ms / fromRoot!.ms, rssMb: fromLeaf!.rssMb, note: "the walk up: target ≤ 2" });
  // The meta-layer: a timeline from 100,000 rows of a space.db against the same events imported into day files.
  const schema = join(ROOT, "test", "fixtures", "space-os", "layout-current", "001_foundation.sql");
  if (existsSync(schema)) {
    const spaceDir = join(WORK, "space-100k");
    generateSpaceDb(spaceDir, quick ? 10_000 : 100_000, schema);
    const imported = join(WORK, "space-imported");
    rmSync(imported, { recursive: true, force: true });
    spawnSync(BIN, ["import", "--dir", imported, "--space", join(spaceDir, ".space", "space.db")], { encoding: "utf8", env: { ...process.env, TRACE_SPACE_TZ: "UTC" } });
    const store = join(spaceDir, ".space", "trace");
    const size = quick ? "10,000" : "100,000";
    const cases = [
      ["task-42 --json", `timeline from a ${size}-row space.db`, "target ≤ 2"],
      ["--agent agent-3 --json", `--agent from a ${size}-row space.db`, "filter in SQL"],
      ["--json", `every event of a ${size}-row space.db`, "no filter: every row mapped"],
    ] as const;
    for (const [args, name, note] of cases) {
      const [fromDb, fromFiles] = measureAll([`TRACE_SPACE_TZ=UTC ${trace(store, args)}`, trace(imported, args)]);
      rows.push({ case: name, ours: fromDb!.ms, theirs: fromFiles!.ms, vs: "same events in day files", ratio: fromDb!.ms / fromFiles!.ms, rssMb: fromDb!.rssMb, note });
    }
  }
  const [since300, since30] = measureAll([trace(hist300, '--since "2h ago" --json'), trace(hist30, '--since "2h ago" --json')]);
  rows.push({ case: '--since "2h ago", 300 vs 30 days', ours: since300!.ms, theirs: since30!.ms, vs: "30 days", ratio: since300!.ms / since30!.ms, rssMb: since300!.rssMb, note: "target ≤ 1.2" });
  // Several stores: three stores of a third each (same days, same total) against the one store.
  const thirds = [1, 2, 3].map((k) => join(WORK, `store-third-${k}`));
  for (const [k, dir] of thirds.entries()) generateStore({ dir, days: DAYS, perDay: Math.round(PER_DAY / 3), end: END, seed: 100 + k });
  const [threeStores, oneStore] = measureAll([`${JSON.stringify(BIN)} ${thirds.map((d) => `--dir ${JSON.stringify(d)}`).join(" ")} --agent agent-7 --json`, trace(main30, "--agent agent-7 --json")]);
  rows.push({ case: "--agent --json over 3 stores vs 1 store of the same size", ours: threeStores!.ms, theirs: oneStore!.ms, vs: "one store", ratio: threeStores!.ms / oneStore!.ms, rssMb: threeStores!.rssMb, note: "target ≤ 1.2" });
  // The masking policy (on by default) against --no-redact: the agent scan and the whole store as NDJSON.
  const masked = measureAll([trace(main30, "--agent agent-7 --json"), trace(main30, "--agent agent-7 --json --no-redact"), trace(main30, "--json"), trace(main30, "--json --no-redact")], Math.min(RUNS, 3));
  rows.push({ case: "--agent --json, policy on vs --no-redact", ours: masked[0]!.ms, theirs: masked[1]!.ms, vs: "--no-redact", ratio: masked[0]!.ms / masked[1]!.ms, rssMb: masked[0]!.rssMb, note: "the masking check" });
  rows.push({ case: "whole store --json, policy on vs --no-redact", ours: masked[2]!.ms, theirs: masked[3]!.ms, vs: "--no-redact", ratio: masked[2]!.ms / masked[3]!.ms, rssMb: masked[2]!.rssMb, note: "the masking check" });
  const all = measure(trace(main30, "--json"), Math.min(RUNS, 3));
  rows.push({ case: "whole store, no filter (peak RSS)", ours: all.ms, rssMb: all.rssMb });
  // Exports stream: events/s beside the scan's, and peak RSS over the whole store (flat: the size of no export).
  const perSecond = (ms: number): number => Math.round(events / (ms / 1000));
  const exports = measureAll(["otlp", "chrome"].map((f) => `${JSON.stringify(BIN)} export --format ${f} --dir ${JSON.stringify(main30)}`), Math.min(RUNS, 3));
  for (const [k, format] of ["otlp", "chrome"].entries()) {
    rows.push({ case: `export --format ${format}, whole store, events/s`, ours: perSecond(exports[k]!.ms), theirs: perSecond(all.ms), vs: "the --json scan", ratio: all.ms / exports[k]!.ms, rssMb: exports[k]!.rssMb, note: "memory flat" });
  }

  const emitDir = join(WORK, "emit");
  spawnSync("sync");
  const emitRun = spawnSync(process.execPath, [join(ROOT, "build/bench/emit-rate.js"), emitDir], { encoding: "utf8" });
  const rates = JSON.parse(emitRun.stdout) as { sync: number; batch: number; ids: number; pkgIds: number };
  rows.push({ case: "library emit (sync), events/s", ours: rates.sync, note: "target ≥ 250,000" });
  rows.push({ case: "batch writer, events/s", ours: rates.batch, note: "target ≥ 800,000" });
  rows.push({ case: "ids/s: our UUIDv7 vs uuidv7 package", ours: rates.ids, theirs: rates.pkgIds, vs: "uuidv7", ratio: rates.ids / rates.pkgIds });
  const [cli, bare, asIs] = measureAll([`${JSON.stringify(BIN)} emit ops tick --dir ${JSON.stringify(emitDir)}`, bareNode, `${JSON.stringify(process.execPath)} -e 0`], 15);
  rows.push({ case: "trace emit per call vs node -e 0", ours: cli!.ms, theirs: bare!.ms, vs: "node -e 0", ratio: cli!.ms / bare!.ms, rssMb: cli!.rssMb, note: "target < 2" });
  if (process.env.NODE_EXTRA_CA_CERTS) {
    rows.push({ case: "node -e 0 with this environment's NODE_EXTRA_CA_CERTS", ours: asIs!.ms, theirs: bare!.ms, vs: "without", ratio: asIs!.ms / bare!.ms, note: "what bin/trace saves each start" });
  }
  const follow = await followLatency(join(WORK, "follow"), quick ? 100 : 1000);
  rows.push({ case: "follow latency median (ms)", ours: follow.median });
  rows.push({ case: "follow latency p99 (ms)", ours: follow.p99, note: "target < 100" });

  const history = await historyRows(WORK, RUNS, quick, bareNode);
  rows.push(...history.rows);
  const allDay = allDayRows(WORK, RUNS, quick, bareNode);
  rows.push(...allDay.rows);
  rows.push(...(await otlpRows(WORK, quick)));
  const database = await databaseRows(WORK, RUNS, quick);
  rows.push(...database.rows);
  report(rows, `store: ${events} events, ${sizeMb(main30).toFixed(0)} MB over ${DAYS} days; ${history.summary}; ${allDay.summary}; ${database.summary}`, events);
}

await main();
