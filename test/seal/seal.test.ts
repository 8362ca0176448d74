// Tamper evidence through the CLI: each kind of damage to a sealed store reported exactly, with its exit code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, cpSync, readFileSync, renameSync, truncateSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { dayOf } from "../../src/store/layout.js";
import { lines, tempDir, trace } from "../helpers/cli.js";

const DAY = 86_400_000;
const OFF = { TRACE_INDEX: "off" };
const today = Date.parse(`${dayOf(Date.now())}T00:00:00Z`);
const dayName = (d: number): string => dayOf(today - d * DAY);

/** Five ended days of about 2.2 MB each (three pieces of a mebibyte), and a line today. */
function store(dir: string): void {
  for (let d = 5; d >= 0; d--) {
    const out: string[] = [];
    for (let i = 0, size = 0; size < (d === 0 ? 1 : 2_200_000); i++) {
      const line = JSON.stringify({ id: `01a00000-0000-7000-8000-${(d * 1_000_000 + i).toString(16).padStart(12, "0")}`, timestamp: today - d * DAY + i * 1000, primitive: "ops", event_type: "step", agent_id: `agent-${i % 5}`, target_id: `task-${d}-${i % 40}`, parent_event_id: null, metadata: { text: "z".repeat(150) } });
      out.push(line);
      size += line.length + 1;
    }
    writeFileSync(join(dir, `${dayName(d)}.ndjson`), out.join("\n") + "\n");
  }
}

/** A sealed store, copied afresh for each kind of damage. */
function sealedCopy(t: { after(fn: () => void): void }, sealed: string): string {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  cpSync(sealed, dir, { recursive: true });
  return dir;
}

/** `trace verify --json`'s verdicts that fail, as "day state", and the exit code. */
async function verdicts(dir: string, ...extra: string[]): Promise<{ code: number; failing: string[]; all: { day: string; state: string; fails: boolean; offset?: number; detail?: string }[] }> {
  const r = await trace(["verify", "--dir", dir, "--json", ...extra], { env: OFF });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const all = lines(r.stdout).map((l) => JSON.parse(l) as { day: string; state: string; fails: boolean; offset?: number; detail?: string });
  return { code: r.code, failing: all.filter((v) => v.fails).map((v) => `${v.day} ${v.state}`), all };
}

test("every kind of damage to sealed days is reported exactly, exit 1; an untouched store holds, exit 0", async (t) => {
  const { dir: base, cleanup } = tempDir();
  t.after(cleanup);
  store(base);
  const sealed = await trace(["seal", "--dir", base], { env: OFF });
  assert.equal(sealed.code, 0, sealed.stderr);
  assert.match(sealed.stdout, /sealed 5 days/);
  assert.match((await trace(["seal", "--dir", base], { env: OFF })).stdout, /sealed 0 days/, "a day is sealed once");
  const clean = await trace(["verify", "--dir", base], { env: OFF });
  assert.equal(clean.code, 0, clean.stdout);
  assert.match(clean.stdout, /every sealed day holds/);

  const flipped = sealedCopy(t, base);
  const path3 = join(flipped, `${dayName(3)}.ndjson`);
  const bytes = readFileSync(path3);
  bytes[1_500_000] = bytes[1_500_000] === 0x7a ? 0x79 : 0x7a;
  writeFileSync(path3, bytes);
  const f = await verdicts(flipped);
  assert.deepEqual([f.code, f.failing], [1, [`${dayName(3)} modified`]]);
  assert.equal(f.all.find((v) => v.fails)!.offset, 1 << 20, "the mebibyte the change is in");
  const text = await trace(["verify", "--dir", flipped], { env: OFF });
  assert.match(text.stdout, new RegExp(`^${dayName(3)} modified in the MiB from byte 1048576: its bytes differ from the seal$`, "m"));

  const truncated = sealedCopy(t, base);
  truncateSync(join(truncated, `${dayName(2)}.ndjson`), 1_000_000);
  const tr = await verdicts(truncated);
  assert.deepEqual([tr.code, tr.failing], [1, [`${dayName(2)} truncated`]]);

  const deleted = sealedCopy(t, base);
  unlinkSync(join(deleted, `${dayName(1)}.ndjson`));
  assert.deepEqual((await verdicts(deleted)).failing, [`${dayName(1)} missing`]);

  const swapped = sealedCopy(t, base);
  const [a, b] = [join(swapped, `${dayName(5)}.ndjson`), join(swapped, `${dayName(4)}.ndjson`)];
  renameSync(a, `${a}.tmp`);
  renameSync(b, a);
  renameSync(`${a}.tmp`, b);
  const sw = await verdicts(swapped);
  assert.deepEqual(sw.failing, [`${dayName(5)} modified`, `${dayName(4)} modified`]);
  assert.match(sw.all.find((v) => v.day === dayName(5))!.detail!, new RegExp(`holds the bytes sealed for ${dayName(4)}`));

  const unlinked = sealedCopy(t, base);
  const sealsPath = join(unlinked, "seals.ndjson");
  const sealLines = readFileSync(sealsPath, "utf8").split("\n");
  writeFileSync(sealsPath, [...sealLines.slice(0, 2), ...sealLines.slice(3)].join("\n"));
  const ul = await verdicts(unlinked);
  assert.equal(ul.code, 1);
  assert.deepEqual(ul.failing, [`${dayName(3)} added`, `${dayName(2)} out of chain`], "the day whose seal went is added; the next line no longer links");

  const added = sealedCopy(t, base);
  writeFileSync(join(added, `${dayName(9)}.ndjson`), readFileSync(join(added, `${dayName(5)}.ndjson`)));
  assert.deepEqual((await verdicts(added)).failing, [`${dayName(9)} added`]);

  // A late event after the seal: the sealed bytes hold, the rest is named.
  const late = sealedCopy(t, base);
  appendFileSync(join(late, `${dayName(1)}.ndjson`), '{"id":"01a00000-0000-7000-8000-0000000late1","timestamp":' + (today - DAY + 5) + ',"primitive":"ops","event_type":"late","agent_id":null,"target_id":null,"parent_event_id":null,"metadata":{}}\n');
  const lt = await verdicts(late);
  assert.deepEqual([lt.code, lt.all.find((v) => v.day === dayName(1))!.state], [0, "extended"]);
});

test("a key: seals made without it are forged; a .gz member replaced after compaction is modified; a store sealed, compacted, indexed and pruned still verifies", async (t) => {
  const { dir: base, cleanup } = tempDir();
  t.after(cleanup);
  store(base);
  const keyFile = join(base, "..", `key-${process.pid}`);
  writeFileSync(keyFile, Buffer.alloc(32, 7));
  t.after(() => unlinkSync(keyFile));
  assert.equal((await trace(["seal", "--dir", base, "--key", keyFile], { env: OFF })).code, 0);
  assert.deepEqual((await verdicts(base, "--key", keyFile)).failing, []);

  // Someone who can write the store but has not the key changes a day and seals again from scratch.
  const forged = sealedCopy(t, base);
  const path = join(forged, `${dayName(3)}.ndjson`);
  writeFileSync(path, readFileSync(path, "utf8").replace("agent-1", "agent-9"));
  unlinkSync(join(forged, "seals.ndjson"));
  assert.equal((await trace(["seal", "--dir", forged], { env: OFF })).code, 0);
  assert.deepEqual((await verdicts(forged)).failing, [], "without the key the new chain looks whole");
  const fk = await verdicts(forged, "--key", keyFile);
  assert.equal(fk.code, 1);
  assert.deepEqual(fk.failing, [5, 4, 3, 2, 1, 0].map((d) => `${dayName(d)} forged`), "and today's checkpoint");
  writeFileSync(`${keyFile}.short`, "too short");
  t.after(() => unlinkSync(`${keyFile}.short`));
  const short = await trace(["verify", "--dir", forged, "--key", `${keyFile}.short`], { env: OFF });
  assert.equal(short.code, 2);
  assert.match(short.stderr, /--key .*: \d+ bytes; a key is at least 16/);

  // Compaction keeps the seals true; a member of a .gz replaced does not.
  const compacted = sealedCopy(t, base);
  const pruned = await trace(["prune", "--dir", compacted, "--compress-after", "1d", "--older-than", "365d"], { env: OFF });
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.equal((await trace(["index", "--dir", compacted], { env: OFF })).code, 0);
  assert.deepEqual((await verdicts(compacted, "--key", keyFile)).failing, []);
  const gzPath = join(compacted, `${dayName(4)}.ndjson.gz`);
  const gz = readFileSync(gzPath);
  const magic = Buffer.from([0x1f, 0x8b, 0x08]);
  const lastMember = gz.lastIndexOf(magic);
  assert.ok(lastMember > 0, "compaction writes several members");
  const tail = gunzipSync(gz.subarray(lastMember));
  const changed = Buffer.from(tail.toString("latin1").replace(/agent-2/g, "agent-8"), "latin1");
  writeFileSync(gzPath, Buffer.concat([gz.subarray(0, lastMember), gzipSync(changed)]));
  assert.deepEqual((await verdicts(compacted, "--key", keyFile)).failing, [`${dayName(4)} modified`]);

  // The retention rule retires sealed days: recorded before they go, not missing after.
  const retired = sealedCopy(t, base);
  const r = await trace(["prune", "--dir", retired, "--older-than", "2d", "--compress-after", "1d"], { env: OFF });
  assert.equal(r.code, 0, r.stderr);
  const v = await verdicts(retired, "--key", keyFile);
  assert.equal(v.code, 0, JSON.stringify(v.all));
  assert.deepEqual(v.all.filter((x) => x.state === "retired").map((x) => x.day), [dayName(5), dayName(4), dayName(3)]);
});

test("the library seals and verifies as the CLI does", async (t) => {
  const { seal, verify } = await import("../../src/index.js");
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  store(dir);
  assert.deepEqual((await verify(dir)).map((v) => v.state), ["unsealed", "unsealed", "unsealed", "unsealed", "unsealed"]);
  const { sealed } = await seal(dir);
  assert.deepEqual(sealed.map((s) => s.day), [5, 4, 3, 2, 1].map(dayName));
  assert.ok((await verify(dir)).every((v) => v.state === "ok" && !v.fails));
});

test("a query names a sealed day rewritten in place or cut short since its seal, once, without hashing; a late event or compaction is not named", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  store(dir);
  assert.equal((await trace(["seal", "--dir", dir], { env: OFF })).code, 0);
  const quiet = await trace(["--dir", dir, "--agent", "agent-1", "--json", "-n", "1"], { env: OFF });
  assert.equal(quiet.stderr, "");
  // The red team's edit: bytes changed in place, the length kept.
  const path = join(dir, `${dayName(3)}.ndjson`);
  const bytes = readFileSync(path);
  bytes.write("agent-7", bytes.indexOf("agent-1"));
  writeFileSync(path, bytes);
  truncateSync(join(dir, `${dayName(2)}.ndjson`), 500_000);
  appendFileSync(join(dir, `${dayName(1)}.ndjson`), '{"id":"01a00000-0000-7000-8000-0000000late2","timestamp":' + (today - DAY + 9) + ',"primitive":"ops","event_type":"late","agent_id":null,"target_id":null,"parent_event_id":null,"metadata":{}}\n');
  for (const args of [["--agent", "agent-1", "--json"], ["--causality", "task-4-3", "--json"]]) {
    const r = await trace(["--dir", dir, ...args], { env: OFF });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stderr), [
      // In day order, as the seals stand.
      `trace: ${join(dir, `${dayName(3)}.ndjson`)}: rewritten since it was sealed; trace verify says what changed`,
      `trace: ${join(dir, `${dayName(2)}.ndjson`)}: shorter since it was sealed; trace verify says what changed`,
    ], args.join(" "));
  }
  // A window that does not reach those days glances only at its own.
  assert.equal((await trace(["--dir", dir, "--since", new Date(today - DAY).toISOString(), "--json", "-n", "1"], { env: OFF })).stderr, "");
});

test("today's open file: seal checkpoints its whole lines; a rewrite of them is found before the day ends, and never sealed over", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  store(dir);
  const todayPath = join(dir, `${dayName(0)}.ndjson`);
  appendFileSync(todayPath, '{"id":"torn');
  const first = await trace(["seal", "--dir", dir, "--json"], { env: OFF });
  assert.equal(first.code, 0, first.stderr);
  const checkpoint = lines(first.stdout).map((l) => JSON.parse(l) as { day: string; bytes: number; checkpoint?: true }).find((x) => x.checkpoint)!;
  assert.deepEqual(checkpoint, { day: dayName(0), bytes: readFileSync(todayPath).length - '{"id":"torn'.length, checkpoint: true }, "whole lines only");
  appendFileSync(todayPath, '","timestamp":1}\n');
  const grown = await verdicts(dir);
  assert.deepEqual([grown.code, grown.all.find((v) => v.day === dayName(0))!.state], [0, "ok"]);
  // A line of today rewritten after the checkpoint, before the day is sealed.
  const bytes = readFileSync(todayPath);
  bytes[5] = bytes[5] === 0x30 ? 0x31 : 0x30;
  writeFileSync(todayPath, bytes);
  const v = await verdicts(dir);
  assert.deepEqual([v.code, v.failing], [1, [`${dayName(0)} modified`]]);
  assert.match(v.all.find((x) => x.fails)!.detail!, /against the checkpoint of /);
  const again = await trace(["seal", "--dir", dir], { env: OFF });
  assert.equal(again.code, 1);
  assert.match(again.stderr, new RegExp(`${dayName(0)}: no longer holds what its last checkpoint saw; not sealed over`));
  assert.equal((await verdicts(dir)).code, 1, "no new checkpoint hides it");
});
