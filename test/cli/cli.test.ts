import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { wantsColour } from "../../src/render/text.js";
import { writePayments } from "../helpers/payments.js";
import { EXAMPLE, have, lines, ROOT, tempDir, trace } from "../helpers/cli.js";


// The seed's rows, with the agent column a timeline of several agents has (issue 29): the
// descriptions leave their actor to it.
const USE_CASE_1 = [
  "Timeline for task-abc123 (Build payment system):",
  "2025-10-22 14:00:30 | ops       | zealot-1   | created",
  "2025-10-22 14:01:00 | ops       | -          | decomposed into 3 subtasks",
  "2025-10-22 14:05:00 | ops       | haiku-1    | task-sub1 claimed",
  "2025-10-22 14:10:00 | bridge    | haiku-1    | posted to #payments: \"Blocked on API key\"",
  "2025-10-22 14:12:00 | memory    | haiku-1    | added \"stripe config issue\"",
  "2025-10-22 14:15:00 | ops       | haiku-1    | task-sub1 blocked (reason: need API key)",
  "2025-10-22 14:17:00 | bridge    | zealot-1   | posted to #payments: \"API key in .env.example\"",
  "2025-10-22 14:25:00 | ops       | haiku-1    | task-sub1 claimed (retry)",
  "2025-10-22 14:30:00 | ops       | haiku-1    | task-sub1 completed",
];

const USE_CASE_2 = [
  "Activity timeline for zealot-1:",
  "2025-10-22 14:00:00 | spawn     | woke (session 42)",
  "2025-10-22 14:00:02 | bridge    | read #payments (3 unreads)",
  "2025-10-22 14:00:05 | memory    | loaded 12 entries (topic: payments)",
  "2025-10-22 14:00:30 | ops       | created task-abc123",
  "2025-10-22 14:17:00 | bridge    | sent message to #payments",
  "2025-10-22 14:19:00 | knowledge | added domain=architecture",
  "2025-10-22 14:20:00 | spawn     | sleep",
];

test("use case 1: trace task-abc123 prints the seed's rows in the seed's order", async () => {
  const r = await trace(["--dir", EXAMPLE, "task-abc123", "--utc"]);
  assert.equal(r.code, 0);
  assert.equal(r.stderr, "");
  const out = lines(r.stdout);
  // The seed's tree (use case 3) puts task-sub2 and task-sub3 under task-abc123, so by the
  // timeline rule their four rows are here too; the seed's nine rows keep their order.
  assert.deepEqual(out.filter((l) => !/task-sub[23]/.test(l)), USE_CASE_1);
  assert.equal(out.length, USE_CASE_1.length + 4);
});

test("use case 2: trace --agent zealot-1 prints the seed's activity rows exactly", async () => {
  for (const extra of [[], ["--since", "last wake"]]) {
    const r = await trace(["--dir", EXAMPLE, "--agent", "zealot-1", "--utc", ...extra]);
    assert.equal(r.code, 0);
    assert.deepEqual(lines(r.stdout), USE_CASE_2);
  }
});

test("the shipped example is what the example script writes", (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  writePayments(dir);
  const strip = (text: string): unknown[] => lines(text).map((l) => ({ ...JSON.parse(l), id: undefined, parent_event_id: undefined }));
  assert.deepEqual(strip(readFileSync(join(dir, "2025-10-22.ndjson"), "utf8")), strip(readFileSync(join(EXAMPLE, "2025-10-22.ndjson"), "utf8")));
});

test("--json prints the stored lines untouched, and jq accepts every one", async () => {
  const r = await trace(["--dir", EXAMPLE, "--json"]);
  assert.equal(r.code, 0);
  const stored = lines(readFileSync(join(EXAMPLE, "2025-10-22.ndjson"), "utf8"));
  assert.deepEqual(lines(r.stdout).sort(), [...stored].sort());
  if (have("jq")) {
    const jq = spawnSync("jq", ["-c", "."], { input: r.stdout, encoding: "utf8" });
    assert.equal(jq.status, 0, jq.stderr);
    assert.equal(lines(jq.stdout).length, stored.length);
  } else {
    for (const l of lines(r.stdout)) JSON.parse(l);
  }
});

test("channel, task and primitive views of the example", async () => {
  const channel = await trace(["--dir", EXAMPLE, "--channel", "#payments", "--utc"]);
  assert.equal(lines(channel.stdout)[0], "Timeline for #payments:");
  assert.equal(lines(channel.stdout).length, 5);
  const task = await trace(["--dir", EXAMPLE, "--task", "task-sub1", "--utc", "-n", "1"]);
  assert.deepEqual(lines(task.stdout), ["Timeline for task-sub1:", "2025-10-22 14:30:00 | ops       | haiku-1    | completed"]);
  const spawnOnly = await trace(["--dir", EXAMPLE, "--primitive", "spawn", "--utc", "--reverse"]);
  assert.deepEqual(lines(spawnOnly.stdout), ["2025-10-22 14:20:00 | spawn     | zealot-1   | sleep", "2025-10-22 14:00:00 | spawn     | zealot-1   | woke (session 42)"]);
});

test("control characters in event text are escaped, colour only when asked for by a TTY", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  await trace(["emit", "bridge", "send", "--agent", "evil", "--target", "payments", "--meta", JSON.stringify({ text: "hi\u001b[2J\nthere" }), "--dir", dir]);
  const r = await trace(["--dir", dir, "--channel", "payments"]);
  assert.ok(!r.stdout.includes("\u001b"));
  assert.ok(r.stdout.includes("hi\\x1b[2J\\nthere"));
  assert.equal(wantsColour({ isTTY: true }, {}), true);
  assert.equal(wantsColour({ isTTY: true }, { NO_COLOR: "1" }), false);
  assert.equal(wantsColour({ isTTY: false }, {}), false);
});

test("the store is found in the nearest ancestor with .space/, TRACE_DIR and --dir override it", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const deep = join(dir, "project", "src", "deep");
  mkdirSync(deep, { recursive: true });
  mkdirSync(join(dir, "project", ".space"));
  await trace(["emit", "ops", "create_task", "--target", "task-x"], { cwd: deep });
  assert.ok(readFileSync(join(dir, "project", ".space", "trace", new Date().toISOString().slice(0, 10) + ".ndjson"), "utf8").includes("task-x"));
  const viaEnv = await trace(["--agent", "zealot-1", "--json"], { cwd: deep, env: { TRACE_DIR: EXAMPLE } });
  assert.equal(lines(viaEnv.stdout).length, 7);
  const viaFlag = await trace(["--agent", "zealot-1", "--json", "--dir", EXAMPLE], { cwd: deep, env: { TRACE_DIR: join(dir, "nowhere") } });
  assert.equal(lines(viaFlag.stdout).length, 7);
});

test("every CLI error exits 2 with one line on stderr and no stack", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const notJson = join(dir, "bad.json");
  writeFileSync(notJson, "{{{");
  const cases: [string[], RegExp][] = [
    [["--since", "soon", "--dir", EXAMPLE], /--since: cannot read "soon"/],
    [["--until", "2026-13-01", "--dir", EXAMPLE], /--until: cannot read/],
    [["--bogus"], /unknown flag --bogus/],
    [["-n", "ten", "--dir", EXAMPLE], /-n: expected a whole number/],
    [["--agent"], /--agent needs a value/],
    [["--agent", "a", "--agent", "b"], /--agent given more than once/],
    [["a", "b", "--dir", EXAMPLE], /one TARGET at most/],
    [["--since", "last wake", "--dir", EXAMPLE], /needs --agent/],
    [["--causality", "task-404", "--dir", EXAMPLE], /no event with that id/],
    [["--causality", "task-abc123", "--depth", "x", "--dir", EXAMPLE], /--depth: expected a whole number/],
    [["--causality", "task-abc123", "--depth", "-1", "--dir", EXAMPLE], /--depth: expected a whole number, got "-1"/],
    [["emit", "ops"], /emit needs PRIMITIVE and EVENT_TYPE/],
    [["emit", "Ops", "x", "--dir", dir], /primitive:/],
    [["emit", "ops", "x", "--meta", "{oops", "--dir", dir], /--meta: not valid JSON/],
    [["emit", "ops", "x", "--meta", "[1]", "--dir", dir], /--meta: expected a JSON object/],
    [["emit", "ops", "x", "--parent", "nope", "--dir", dir], /parent_event_id:/],
    [["emit", "tool", "tool_call", "--meta", "{}", "--dir", dir], /tool_call breaks trace schema v1: tool_name missing/],
    [["validate", join(dir, "missing.json")], /missing\.json: cannot read/],
    [["validate", notJson], /bad\.json:1: not valid JSON/],
    [["prune", "--older-than", "soon", "--dir", dir], /--older-than: cannot read "soon"/],
    [["prune", "--dir", join(dir, "nope")], /no such store folder/],
    [["--agent", "x", "--dir", join(dir, "nope")], /nope: no such store folder/],
    [["--causality", "x", "--dir", join(dir, "nope")], /nope: no such store folder/],
    [["prune", "--auto", "--dir", dir], /--auto goes with --set-retention/],
  ];
  for (const [args, message] of cases) {
    const r = await trace(args);
    assert.equal(r.code, 2, `${args.join(" ")}: exit ${r.code}, stderr ${r.stderr}`);
    assert.equal(lines(r.stderr).length, 1, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(" "));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test("--help answers for every command", async () => {
  for (const args of [["--help"], ["-h"], ["emit", "--help"], ["validate", "--help"], ["prune", "--help"], ["completion", "--help"]]) {
    const r = await trace(args);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage/);
  }
  const main = await trace(["--help"]);
  for (const flag of ["--agent", "--task", "--channel", "--primitive", "--since", "--until", "-n", "--reverse", "--json", "--utc", "--causality", "--depth", "--max-children", "--infer", "-f", "emit", "validate", "prune", "--dir"]) {
    assert.ok(main.stdout.includes(flag), flag);
  }
});

test("the trace program starts without loading NODE_EXTRA_CA_CERTS (Node would warn about a missing file)", async () => {
  const r = await trace(["--version"], { env: { NODE_EXTRA_CA_CERTS: "/nonexistent/ca.pem" } });
  assert.equal(r.stderr, "");
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
});

test("the build's code caches belong to its bundles; a foreign or damaged one is ignored", async () => {
  const cli = join(ROOT, "build/cli");
  const id = /^\/\/build:([0-9a-f]{32})\n/.exec(readFileSync(join(cli, "main.cjs"), "utf8"))?.[1];
  assert.ok(id !== undefined);
  // A timeline runs main.cjs and the query's part: both have a cache of this build.
  for (const part of ["main", "query"]) assert.equal(readFileSync(join(cli, `${part}.cjs.cache`)).toString("latin1", 0, 32), id);
  const args = ["--dir", join(ROOT, "logs/payments"), "task-abc123", "--utc"];
  const expected = await trace(args);
  const { dir: copy, cleanup } = tempDir("trace-cache-");
  try {
    cpSync(join(ROOT, "bin"), join(copy, "bin"), { recursive: true });
    cpSync(cli, join(copy, "build/cli"), { recursive: true });
    const caches = readdirSync(join(copy, "build/cli")).filter((f) => f.endsWith(".cjs.cache"));
    for (const damage of [(c: Buffer) => Buffer.concat([Buffer.from("0".repeat(32)), c.subarray(32)]), () => Buffer.concat([Buffer.from(id), randomBytes(4096)])]) {
      for (const f of caches) writeFileSync(join(copy, "build/cli", f), damage(readFileSync(join(cli, f))));
      const r = spawnSync(join(copy, "bin/trace"), args, { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", TRACE_DIR: "" } });
      assert.deepEqual([r.status, r.stdout, r.stderr], [0, expected.stdout, expected.stderr]);
    }
  } finally {
    cleanup();
  }
});

test("stdout written without a stream: a reader gone is no error, a full disk is (exit 1, told on stderr); a terminal still gets colours", { skip: !existsSync("/dev/full") }, () => {
  const bin = JSON.stringify(join(ROOT, "bin/trace"));
  const store = JSON.stringify(EXAMPLE);
  for (const [args, told] of [["--version", "trace: ENOSPC: no space left on device, write\n"], [`--dir ${store} --json`, "trace: stdout: ENOSPC: no space left on device, write\n"]] as const) {
    const gone = spawnSync("bash", ["-c", `(sleep 0.3; ${bin} ${args}) | true; echo "\${PIPESTATUS[0]}"`], { encoding: "utf8" });
    assert.deepEqual([gone.stdout, gone.stderr], ["0\n", ""], args);
    const full = spawnSync("sh", ["-c", `${bin} ${args} > /dev/full`], { encoding: "utf8" });
    assert.deepEqual([full.status, full.stderr], [1, told], args);
  }
  // util-linux's script gives the command a terminal: there the stream (and its colours) stays.
  if (have("script")) {
    const tty = spawnSync("script", ["-qc", `${bin} --dir ${store} task-abc123`, "/dev/null"], { encoding: "utf8", env: { ...process.env, NO_COLOR: "", FORCE_COLOR: "" } });
    assert.match(tty.stdout, /\x1b\[1mTimeline for task-abc123/);
  }
});

test("main.cjs answers --version and usage errors alone; a command loads its own part", async () => {
  const { dir: copy, cleanup } = tempDir("trace-parts-");
  try {
    cpSync(join(ROOT, "bin"), join(copy, "bin"), { recursive: true });
    cpSync(join(ROOT, "build/cli"), join(copy, "build/cli"), { recursive: true });
    // Every part gone: what needs none still works, what needs one says which is missing.
    for (const f of readdirSync(join(copy, "build/cli"))) if (f.endsWith(".cjs") && f !== "main.cjs") rmSync(join(copy, "build/cli", f));
    const run = (...args: string[]) => spawnSync(join(copy, "bin/trace"), args, { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", TRACE_DIR: "" } });
    assert.deepEqual([run("--version").status, run("--version").stdout], [0, (await trace(["--version"])).stdout]);
    const slip = run("exprot", "--format", "dot");
    assert.deepEqual([slip.status, slip.stderr], [2, "trace: unknown command exprot; did you mean export?\n"]);
    const query = run("--dir", join(ROOT, "logs/payments"), "task-abc123");
    assert.equal(query.status, 1);
    assert.match(query.stderr, /query\.cjs/);
  } finally {
    cleanup();
  }
});

test("a question loads neither Node's streams, worker_threads nor os: each costs every start time", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  cpSync(EXAMPLE, join(dir, "store"), { recursive: true });
  const store = join(dir, "store");
  assert.equal((await trace(["index", "--dir", store])).code, 0);
  // Told at exit by a module required first; the program itself runs as `node bin/trace` would start it.
  const tell = join(dir, "tell.cjs");
  writeFileSync(tell, 'process.on("exit", () => require("node:fs").writeSync(2, process.moduleLoadList.filter((m) => /^NativeModule (stream|worker_threads|os)$/.test(m)).join(" ")));');
  for (const args of [["task-abc123", "--json"], ["--agent", "zealot-1"], ["--causality", "task-abc123"], ["--since", "2025-10-22T14:10:00Z"]]) {
    const run = spawnSync(process.execPath, ["--require", tell, join(ROOT, "bin/trace"), "--dir", store, ...args], { encoding: "utf8", env: { ...process.env, TRACE_INDEX: "off" } });
    assert.equal(run.status, 0, run.stderr);
    assert.ok(run.stdout.length > 0);
    assert.equal(run.stderr, "", `${args.join(" ")} loaded: ${run.stderr}`);
  }
});

test("every part of the CLI is ASCII: one other character makes V8 hold a whole part as two-byte text", () => {
  for (const f of readdirSync(join(ROOT, "build/cli")).filter((name) => name.endsWith(".cjs"))) {
    const bytes = readFileSync(join(ROOT, "build/cli", f));
    const at = bytes.findIndex((b) => b > 0x7f);
    assert.equal(at, -1, `${f}: a byte above 0x7f at ${at}: …${bytes.subarray(Math.max(0, at - 40), at + 10).toString("utf8")}`);
  }
});
