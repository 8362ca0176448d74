import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { BIN, lines, tempDir, trace } from "../helpers/cli.js";
import { startDatabase } from "../helpers/postgres.js";
import { line, uid, writeStores } from "../helpers/three-stores.js";

/** A running `trace -f` and what it printed so far. */
function follower(args: string[]): { out: () => string; err: () => string; stop: () => void } {
  const child = spawn(BIN, ["-f", "--utc", ...args], { env: { ...process.env, NO_COLOR: "1" } });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  return { out: () => out, err: () => err, stop: () => void child.kill("SIGKILL") };
}

/** The data a page inlined (gzipped JSON in base64), as text. */
const pageData = (html: string): string => gunzipSync(Buffer.from(/id="trace-data">([^<]*)</.exec(html)?.[1] ?? "", "base64")).toString("utf8");

async function until(what: string | (() => string), check: () => boolean, ms = 30_000): Promise<void> {
  for (const end = Date.now() + ms; !check(); await new Promise((r) => setTimeout(r, 25))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`);
  }
}

/** The three stores shipped into a database: what both sides of a comparison need. */
async function shipped(t: { after(fn: () => unknown): void }): Promise<{ url: string; kind: string; restart: () => Promise<void>; dirs: string[]; ids: ReturnType<typeof writeStores>["ids"]; files: string[]; fromDb: string[] }> {
  const db = await startDatabase();
  t.after(() => db.stop());
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const { dirs, ids } = writeStores(dir);
  for (const d of dirs) await trace(["ship", "--to", db.url, "--dir", d, "--once", "--no-sources"]);
  return { url: db.url, kind: db.kind, restart: () => db.restart(), dirs, ids, files: dirs.flatMap((d) => ["--dir", d]), fromDb: ["--db", db.url, "--dir", dirs[0]!] };
}

test("view from the database draws the page it draws from the day files, byte for byte", { timeout: 120_000 }, async (t) => {
  const { ids, files, fromDb } = await shipped(t);
  for (const args of [["--causality", "task-42"], ["task-42"], ["--agent", "haiku-1"]]) {
    const page = await trace(["view", "--out", "-", ...files, ...args]);
    const pageDb = await trace(["view", "--out", "-", ...fromDb, ...args]);
    assert.equal(page.code, 0, page.stderr);
    assert.ok(pageData(page.stdout).includes(args[0] === "--agent" ? ids.late : ids.cross), `view ${args.join(" ")} holds its events`);
    assert.equal(pageDb.stdout, page.stdout, `view ${args.join(" ")}`);
  }

});

test("-f from the database prints what -f prints from the day files, byte for byte: the backlog, then what is shipped later", { timeout: 120_000 }, async (t) => {
  const { url, kind, restart, dirs, ids, files, fromDb } = await shipped(t);
  if (kind === "pglite") {
    // PGlite runs every connection in its one session: a follower's statements beside a shipper's clobber each other's portals.
    t.skip("a follower beside a shipper needs a server of several sessions (PostgreSQL; CI=true requires it)");
    return;
  }
  // A timeline followed, and everything followed: the backlog, then an effect shipped later.
  const follows = [["task-42", "--json", "-n", "2"], ["--json", "-n", "0"], ["task-42", "-n", "3"], ["--json", "-n", "5"], ["--agent", "haiku-1", "-n", "3"]];
  const running = follows.map((args) => [follower([...files, ...args]), follower([...fromDb, ...args])] as const);
  t.after(() => running.flat().forEach((f) => f.stop()));
  for (const [k, [a, b]] of running.entries()) {
    const n = Number(follows[k]![follows[k]!.indexOf("-n") + 1]);
    await until(`the backlog of -f ${follows[k]!.join(" ")}`, () => lines(a.out()).length === n && lines(b.out()).length === n);
    assert.equal(b.out(), a.out(), `-f ${follows[k]!.join(" ")}: the backlog`);
  }
  // Each follower of the day files has read its backlog; the database's has its watermark.
  await new Promise((r) => setTimeout(r, 500));
  const later = Date.parse("2025-11-03T10:00:00Z");
  appendFileSync(join(dirs[1]!, "2025-11-03.ndjson"), line(uid(7000), later, "tool", "tool_call", "haiku-1", "task-42", ids.late, { status: "ok" }) + line(uid(7001), later + 1, "ops", "note", "haiku-9", "task-9", null));
  const more = await trace(["ship", "--to", url, "--dir", dirs[1]!, "--once", "--no-sources"]);
  assert.match(more.stderr, /shipped 2 events, 2 new/);
  const grown = [3, 2, 4, 7, 4];
  for (const [k, [a, b]] of running.entries()) {
    await until(() => `the new events in -f ${follows[k]!.join(" ")}: ${lines(a.out()).length} from files, ${lines(b.out()).length} from the database (${b.err()})`, () => lines(a.out()).length === grown[k] && lines(b.out()).length === grown[k]);
    assert.equal(b.out(), a.out(), `-f ${follows[k]!.join(" ")}: the new events`);
    assert.equal(b.err(), "", "the database's follower said nothing on stderr");
  }
  assert.ok(lines(running[0]![1].out()).at(-1)!.includes(uid(7000)), "the effect joined the task's timeline");
  // The server restarts under the followers: each waits for it, says so, and goes on from its watermark.
  await restart();
  appendFileSync(join(dirs[1]!, "2025-11-03.ndjson"), line(uid(7002), later + 2, "tool", "tool_call", "haiku-1", "task-42", uid(7000), { status: "ok" }));
  assert.match((await trace(["ship", "--to", url, "--dir", dirs[1]!, "--once", "--no-sources"])).stderr, /shipped 1 events, 1 new/);
  for (const [k, [a, b]] of running.entries()) {
    await until(() => `the event after the restart in -f ${follows[k]!.join(" ")}: ${lines(b.out()).length} (${b.err()})`, () => lines(a.out()).length === grown[k]! + 1 && lines(b.out()).length === grown[k]! + 1);
    assert.equal(b.out(), a.out(), `-f ${follows[k]!.join(" ")}: after the restart`);
    assert.match(b.err(), /following again once it is back\n.*: following again\n$/);
  }
});

test("-f --cursor-file from the database: the last events without a position, then after a restart only what came after it, each once, across a server restart", { timeout: 120_000 }, async (t) => {
  const { url, kind, restart, dirs, fromDb } = await shipped(t);
  if (kind === "pglite") {
    t.skip("a follower beside a shipper needs a server of several sessions (PostgreSQL; CI=true requires it)");
    return;
  }
  const cursor = join(dirs[0]!, "..", "db-follow.cursor");
  const all = lines((await trace([...fromDb, "--json"])).stdout);
  const first = follower([...fromDb, "--json", "--cursor-file", cursor]);
  t.after(first.stop);
  await until("the last ten events", () => lines(first.out()).length === 10);
  assert.deepEqual(lines(first.out()), all.slice(-10), "without a position: the last ten, as -f starts");
  await until("the position written", () => existsSync(cursor) && /^db:\d+\n?$/.test(readFileSync(cursor, "utf8")));
  first.stop();
  const at = Date.parse("2025-11-03T11:00:00Z");
  const add = async (n: number): Promise<void> => {
    appendFileSync(join(dirs[2]!, "2025-11-03.ndjson"), line(uid(n), at + n, "ops", "note", "haiku-2", "task-8", null));
    assert.match((await trace(["ship", "--to", url, "--dir", dirs[2]!, "--once", "--no-sources"])).stderr, /shipped 1 events, 1 new/);
  };
  await add(8000);
  const second = follower([...fromDb, "--json", "--cursor-file", cursor]);
  t.after(second.stop);
  await until("the event shipped while no one followed", () => lines(second.out()).length === 1);
  await add(8001);
  await until("the event shipped while following", () => lines(second.out()).length === 2);
  await restart();
  await add(8002);
  await until(() => `the event shipped after the server restarted (${second.err()})`, () => lines(second.out()).length === 3);
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(lines(second.out()).map((l) => (JSON.parse(l) as { id: string }).id), [uid(8000), uid(8001), uid(8002)], "each once, nothing from before the position");
});
