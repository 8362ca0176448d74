import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { emit, type TraceEvent } from "../../src/index.js";
import { BIN, lines, tempDir, trace } from "../helpers/cli.js";

const DAY_MS = 86_400_000;
const START = Date.parse("2026-11-10T12:00:00Z");
const day = (k: number): string => new Date(START + k * DAY_MS).toISOString().slice(0, 10);

/** Three days of a chain of causes, the middle one compressed and damaged by `damage`. */
function store(dir: string, damage: (gz: Buffer) => Buffer): TraceEvent[] {
  const events: TraceEvent[] = [];
  let parent: string | null = null;
  for (let k = 0; k < 3; k++) {
    for (let i = 0; i < 400; i++) {
      const e = emit({ primitive: "ops", event_type: "tick", agent_id: "a1", target_id: "task-1", parent_event_id: i === 0 && k === 0 ? null : parent, timestamp: START + k * DAY_MS + i, metadata: { k, i } }, { dir });
      if (i === 0) parent = e.id;
      events.push(e);
    }
  }
  const middle = join(dir, `${day(1)}.ndjson`);
  writeFileSync(`${middle}.gz`, damage(gzipSync(readFileSync(middle))));
  renameSync(middle, join(dir, "moved-away"));
  return events;
}

const DAMAGE: Record<string, (gz: Buffer) => Buffer> = {
  corrupt: (gz) => Buffer.concat([gz.subarray(0, 40), Buffer.from("XXXXXXXXXXXXXXXX"), gz.subarray(56)]),
  truncated: (gz) => gz.subarray(0, Math.floor(gz.length / 2)),
  empty: () => Buffer.alloc(0),
  "not gzip": () => Buffer.from("hello, not gzip\n"),
  "trailing garbage": (gz) => Buffer.concat([gz, Buffer.from("garbage after the member")]),
};

for (const [kind, damage] of Object.entries(DAMAGE)) {
  test(`a ${kind} .gz day is one stderr line; every other day, and what it holds before the damage, is still read`, async (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const events = store(dir, damage);
    const ids = (out: string): string[] => lines(out).map((l) => JSON.parse(l).id as string);
    const others = events.filter((e) => e.metadata.k !== 1).map((e) => e.id);
    for (const args of [["--json"], ["--json", "--agent", "a1"], ["task-1", "--json"], ["--json", "--plain"]]) {
      const r = await trace(["--dir", dir, ...args]);
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      const got = ids(r.stdout);
      for (const id of others) assert.ok(got.includes(id), `${args.join(" ")}: an event of an undamaged day is missing`);
      assert.ok(got.every((id) => events.some((e) => e.id === id)));
      const said = lines(r.stderr);
      assert.equal(said.length, 1, `${args.join(" ")}: ${r.stderr}`);
      assert.match(said[0]!, new RegExp(`${day(1)}\\.ndjson\\.gz: `));
      if (kind === "trailing garbage" && !args.includes("--plain")) assert.equal(got.length, 1200, "a damaged end still gives every whole member before it");
    }
    const tree = await trace(["--dir", dir, "--causality", events.at(-1)!.id, "--json"]);
    assert.equal(tree.code, 0, tree.stderr);
    assert.match(tree.stderr, /\.ndjson\.gz: /);
    const v = await trace(["validate", dir]);
    assert.equal(v.code, 2, v.stderr);
    assert.match(v.stderr, new RegExp(`${day(1)}\\.ndjson\\.gz: cannot be read on`));
    assert.match(v.stdout, /other events \(no trace\) skipped/, "the other days were still checked");
  });
}

test("an unreadable day file is named, the rest is read, and the query exits 1 at the end", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const events = store(dir, (gz) => gz);
  const plain = join(dir, `${day(2)}.ndjson`);
  chmodSync(plain, 0o000);
  chmodSync(dir, 0o755);
  // Root reads any file: run trace as nobody then, which can read everything but this file.
  const asRoot = process.getuid?.() === 0;
  const run = (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    new Promise((done) => {
      const child = spawn(BIN, args, { env: { ...process.env, NO_COLOR: "1" }, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
      let [stdout, stderr] = ["", ""];
      child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      child.on("close", (code) => done({ code, stdout, stderr }));
    });
  for (const args of [["--json"], ["--json", "--agent", "a1"], ["task-1", "--json"], ["--json", "--plain"]]) {
    const r = await run(["--dir", dir, ...args]);
    assert.equal(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(lines(r.stdout).length, 800, args.join(" "));
    assert.equal(lines(r.stderr).length, 1, r.stderr);
    assert.match(r.stderr, /\.ndjson: cannot read \(EACCES/);
  }
  assert.equal(events.length, 1200);
});

test("--dir naming a file, and --until before --since, exit 2 with one line", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const file = join(dir, "not-a-folder");
  writeFileSync(file, "x");
  for (const args of [["--dir", file], ["--dir", file, "-f"], ["--dir", file, "--causality", "x"], ["validate", "--dir", file], ["prune", "--dir", file]]) {
    const r = await trace(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(lines(r.stderr).length, 1, r.stderr);
    assert.match(r.stderr, /not a folder|no such store|cannot read/);
  }
  emit({ primitive: "ops", event_type: "x" }, { dir });
  for (const extra of [[], ["-f"]]) {
    const r = await trace(["--dir", dir, "--since", "1h ago", "--until", "2h ago", ...extra]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--until "2h ago" is earlier than --since "1h ago"/);
  }
});

test("a .gz day of one whole member then garbage: --plain (the reference) prints the member's events, as the fast path does, and says the damage once", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const line = (i: number): string =>
    JSON.stringify({ id: `01a20157-0000-7000-8000-00000000000${i}`, timestamp: Date.parse(`2025-10-20T10:00:0${i}Z`), primitive: "ops", event_type: "step", agent_id: "a", target_id: null, parent_event_id: null, metadata: {} }) + "\n";
  writeFileSync(join(dir, "2025-10-20.ndjson.gz"), Buffer.concat([gzipSync(line(1) + line(2)), Buffer.from("garbage that is not gzip at all")]));
  const fast = await trace(["--dir", dir, "--json"]);
  const plain = await trace(["--dir", dir, "--json", "--plain"]);
  assert.equal(plain.code, fast.code);
  assert.equal(plain.stdout, line(1) + line(2));
  assert.equal(plain.stdout, fast.stdout);
  assert.equal(lines(plain.stderr).length, 1, plain.stderr);
  assert.match(plain.stderr, /damaged gzip/);
});
