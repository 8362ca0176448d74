/**
 * `Answer.ndjson({ lend: true })`: the same bytes as a plain `ndjson()`, chunk memory
 * written again once the next chunk is asked for. The store is large enough for several
 * runs a day, and holds what makes layers hold lines past a run: lines out of order
 * (the reorder window), ties whose effect is written before its cause, a secret to
 * mask, a bad line.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { query, type Question, type Reading } from "../../src/index.js";
import { tempDir } from "../helpers/cli.js";
import { rng } from "../helpers/rng.js";

const DAY = Date.parse("2026-11-01T00:00:00Z");
const SECRET = "sk-live-lend-000000000001";

/** Three days of 12,000 events each (about 3 MB a day), dense in time, then a fourth of plain lines in order, seconds apart. */
function writeStore(dir: string): void {
  const random = rng(11);
  for (let d = 0; d < 4; d++) {
    const lines: string[] = [];
    let t = DAY + d * 86_400_000;
    for (let i = 0; i < 12_000; i++) {
      // The plain day is sparse in time, as a real one is: the reorder window then holds a
      // few lines of a run, not most of it.
      t += d === 3 ? 1000 + Math.floor(random() * 4000) : 1 + Math.floor(random() * 5);
      const id = `01a20146-${String(d).padStart(4, "0")}-7000-8000-${String(i).padStart(12, "0")}`;
      const e = (ts: number, own: string, parent: string | null, metadata: Record<string, unknown>): string =>
        JSON.stringify({ id: own, timestamp: ts, primitive: "ops", event_type: "step", agent_id: `agent-${i % 7}`, target_id: `task-${i % 40}`, parent_event_id: parent, metadata });
      const r = d === 3 ? 1 : random();
      if (r < 0.01) lines.push(e(t - 400, id, null, { late: true, n: i }));
      else if (r < 0.02) {
        // The effect first, its cause after it, in one millisecond: ties put the cause first.
        const cause = id.replace(/.$/, "c");
        lines.push(e(t, id, cause, { effect: true }), e(t, cause, null, { cause: true }));
      } else if (r < 0.025) lines.push(e(t, id, null, { api_key: SECRET }));
      else if (r < 0.026) lines.push("{not an event");
      else lines.push(e(t, id, null, { text: "x".repeat(100 + Math.floor(random() * 200)), n: i }));
    }
    writeFileSync(join(dir, `${new Date(DAY + d * 86_400_000).toISOString().slice(0, 10)}.ndjson`), lines.join("\n") + "\n");
  }
}

/** Each chunk copied when it comes (a lent one is written again later), and the memories the chunks stood in. */
async function read(question: Question, reading: Reading, lend: boolean): Promise<{ bytes: Buffer; chunks: number; memories: number }> {
  const parts: Buffer[] = [];
  const memories = new Set<ArrayBufferLike>();
  for await (const chunk of query(question, { ...reading, onNote: () => undefined }).ndjson({ lend })) {
    parts.push(Buffer.from(chunk));
    memories.add(chunk.buffer);
  }
  return { bytes: Buffer.concat(parts), chunks: parts.length, memories: memories.size };
}

test("lent NDJSON chunks say what fresh ones do, over days, filters, ties, late lines and masking; runs reuse their memory", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  writeStore(dir);
  const questions: Question[] = [{}, { agent: "agent-3" }, { since: new Date(DAY + 86_400_000 + 10_000).toISOString() }, { task: "task-7" }, { agent: "agent-1", limit: 50 }, { reverse: true, since: new Date(DAY + 2 * 86_400_000 + 20_000).toISOString() }];
  for (const question of questions) {
    const fresh = await read(question, { dir }, false);
    const lent = await read(question, { dir }, true);
    assert.ok(fresh.bytes.length > 0, JSON.stringify(question));
    assert.ok(lent.bytes.equals(fresh.bytes), `${JSON.stringify(question)}: the same bytes, lent or not`);
    assert.ok(!lent.bytes.includes(SECRET), `${JSON.stringify(question)}: masked`);
  }
  // The plain day's runs stand in a few memories when lent, each in its own when not (the
  // engine's runs; with TRACE_SIMD=off there are none, and nothing is lent). A masked line,
  // or lines out of order, go out as new bytes of their own.
  const plainDay: Question = { since: new Date(DAY + 3 * 86_400_000).toISOString() };
  const fresh = await read(plainDay, { dir }, false);
  const lent = await read(plainDay, { dir }, true);
  assert.ok(lent.chunks > 3, `several chunks: ${lent.chunks}`);
  if (process.env.TRACE_SIMD !== "off") {
    assert.ok(lent.memories < lent.chunks / 2, `lent chunks reuse memory: ${lent.memories} memories for ${lent.chunks} chunks`);
    assert.ok(fresh.memories > lent.memories, `fresh chunks do not: ${fresh.memories} against ${lent.memories}`);
  }
});

test("a merge of stores lends nothing: each chunk stays as it was given", async (t) => {
  const { dir: a, cleanup: ca } = tempDir();
  const { dir: b, cleanup: cb } = tempDir();
  t.after(ca);
  t.after(cb);
  writeStore(a);
  writeStore(b);
  const given: Buffer[] = [];
  const copies: Buffer[] = [];
  for await (const chunk of query({ agent: "agent-2" }, { dir: [a, b], onNote: () => undefined }).ndjson({ lend: true })) {
    given.push(chunk);
    copies.push(Buffer.from(chunk));
  }
  assert.ok(given.length > 1);
  given.forEach((chunk, i) => assert.ok(chunk.equals(copies[i]!), `chunk ${i} unchanged after the rest were read`));
});
