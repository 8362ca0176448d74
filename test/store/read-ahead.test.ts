import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compressDay } from "../../src/retention/compact.js";
import { createIdSource } from "../../src/event/id.js";
import { listDayFiles } from "../../src/store/layout.js";
import { type TraceEvent } from "../../src/index.js";
import { queryLines, queryText, type QueryCase } from "../helpers/query.js";
import { lineBlocks } from "../../src/store/read.js";
import { startReadAhead } from "../../src/store/read-ahead.js";
import { createSearchPool } from "../../src/engine/pool.js";
import { simdWanted } from "../../src/engine/wasm/load.js";
import { tempDir } from "../helpers/cli.js";
import { rng } from "../helpers/rng.js";

/**
 * Six days: several read blocks each, one compressed, one with a line longer than half
 * a slot in its middle (the helper stops there and the main thread reads on).
 */
async function store(dir: string): Promise<void> {
  const pick = rng(3);
  const nextId = createIdSource();
  mkdirSync(dir, { recursive: true });
  for (let d = 0; d < 6; d++) {
    const day = `2026-11-${String(10 + d).padStart(2, "0")}`;
    const start = Date.parse(`${day}T00:00:00Z`);
    const lines: string[] = [];
    for (let i = 0; i < 9_000; i++) {
      const e: TraceEvent = {
        id: nextId(),
        timestamp: start + i * 9_000 - (pick() < 0.2 ? Math.floor(pick() * 9_000) : 0),
        primitive: pick() < 0.5 ? "bridge" : "ops",
        event_type: "send",
        agent_id: pick() < 0.3 ? "haiku-1" : "zealot-1",
        target_id: "task-1",
        parent_event_id: null,
        metadata: { pad: "x".repeat(100 + Math.floor(pick() * 150)), long: d === 3 && i === 4_000 ? "ü".repeat(400_000) : "" },
      };
      lines.push(JSON.stringify(e));
      if (pick() < 0.002) lines.push("torn {");
    }
    writeFileSync(join(dir, `${day}.ndjson`), lines.join("\n") + "\n");
  }
  await compressDay(join(dir, "2026-11-12.ndjson"));
}

test("a scan read ahead on the helper thread answers as the plain path, across a compressed day and a line it cannot take", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  await store(dir);
  const now = Date.parse("2026-11-20T00:00:00Z");
  const cases: QueryCase[] = [
    { dir, filter: { agent: "haiku-1" } },
    { dir, filter: { primitive: "ops" } },
    { dir, filter: { task: "task-1" } },
    { dir, filter: { agent: "haiku-1" }, since: "2026-11-11 12:00", utc: true, now },
  ];
  for (const c of cases) {
    const want = await queryLines({ ...c, plain: true });
    assert.ok(want.length > 1000, JSON.stringify(c.filter));
    assert.deepEqual(await queryLines({ ...c, readAhead: 0 }), want, `events: ${JSON.stringify({ ...c, dir: undefined })}`);
    assert.equal(await queryText({ ...c, readAhead: 0 }), want.map((l) => l + "\n").join(""), `NDJSON: ${JSON.stringify({ ...c, dir: undefined })}`);
  }
});

test("the helper's blocks hold what the main thread would read, file by file", { skip: !simdWanted() && "TRACE_SIMD=off" }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  await store(dir);
  const files = listDayFiles(dir);
  const pool = createSearchPool();
  const ahead = startReadAhead(files, pool, pool.simd!.memory, true)!;
  t.after(() => ahead.close());
  // A file's text as its blocks give it: each block starts where the one before ended, with whole lines.
  const seen = async (blocks: AsyncIterable<{ buf: Buffer; end: number; base: number }>): Promise<string> => {
    let text = "";
    for await (const { buf, end, base } of blocks) {
      assert.equal(base, Buffer.byteLength(text, "latin1"), "blocks follow each other");
      assert.ok(buf[end - 1] === 0x0a || end === 0, "a block ends with its line");
      text += buf.toString("latin1", 0, end);
    }
    return text;
  };
  let helped = 0;
  for (const [i, file] of files.entries()) {
    const blocks = ahead.blocks(i);
    if (blocks) helped++;
    assert.deepEqual(await seen(blocks?.() ?? lineBlocks(file, 0, Infinity, pool)), await seen(lineBlocks(file)), file.day);
  }
  // Days 10 and 11 from the helper, 12 compressed, 13 until its long line; then the main thread.
  assert.equal(helped, 3, "the helper read the first files and stopped at the long line");
});
