import { test } from "node:test";
import assert from "node:assert/strict";
import { candidateLines, eachCandidate, needleCursor, pairCursor } from "../../src/engine/positions.js";
import { toNeedle, tuneNeedle } from "../../src/engine/needle.js";
import { createSearchPool } from "../../src/engine/pool.js";
import { simdWanted } from "../../src/engine/wasm/load.js";
import { rng } from "../helpers/rng.js";

const PIECES = ['"agent-7"', '"agent-77"', "agent-7", '"agent_id":', "\\u0061", "\\/", '\\"', "\\\\", "7", '"', "\n", "\r\n", "é", "x".repeat(40)];

/** Random lines built from pieces that look like the needle and like escapes. */
function randomText(pick: () => number, size: number): string {
  let s = "";
  while (s.length < size) s += PIECES[Math.floor(pick() * PIECES.length)];
  return s;
}

/** The reference answer: every line that holds the needle, `\u` or `\/`. */
function reference(text: string, needle: string): string[] {
  return text.split("\n").map((l) => l.replace(/\r$/, "")).filter((l) => l.includes(needle) || l.includes("\\u") || l.includes("\\/"));
}

function candidates(buf: Buffer, end: number, needle: Buffer, sample: Buffer, pool?: ReturnType<typeof createSearchPool>): string[] {
  const out: string[] = [];
  eachCandidate(buf, end, tuneNeedle(toNeedle(needle), sample), pool, (s, e) => out.push(buf.toString("utf8", s, e)));
  return out;
}

test("WebAssembly SIMD is there: the pool hands out buffers the SIMD search can read", { skip: !simdWanted() && "TRACE_SIMD=off" }, () => {
  const pool = createSearchPool();
  assert.ok(pool.simd, "engine.wasm did not load: the search would silently take the slow path");
});

test("the SIMD and the plain search find exactly the lines that hold the needle or an escape", () => {
  const pool = createSearchPool();
  for (let seed = 1; seed <= 200; seed++) {
    const pick = rng(seed);
    const text = randomText(pick, Math.floor(pick() * 3000));
    const needle = Buffer.from(pick() < 0.5 ? '"agent-7"' : "7");
    const bytes = Buffer.from(text);
    const simdBuf = pool.take();
    bytes.copy(simdBuf);
    const want = reference(text, needle.toString()).filter((l) => l.length > 0);
    const sample = bytes.subarray(0, Math.floor(pick() * bytes.length));
    assert.deepEqual(candidates(simdBuf, bytes.length, needle, sample, pool).filter((l) => l.length > 0), want, `seed ${seed}, SIMD`);
    assert.deepEqual(candidates(bytes, bytes.length, needle, sample).filter((l) => l.length > 0), want, `seed ${seed}, plain`);
    pool.give(simdBuf);
  }
});

test("a needle in the last bytes of a block, past the last full 16-byte step, is found", () => {
  const pool = createSearchPool();
  const buf = pool.take();
  for (let pad = 0; pad < 40; pad++) {
    const text = "y".repeat(pad) + '"agent-7"';
    buf.write(text);
    assert.deepEqual(candidates(buf, text.length, Buffer.from('"agent-7"'), Buffer.alloc(0), pool), [text], `pad ${pad}`);
    assert.deepEqual(candidates(buf, text.length - 1, Buffer.from('"agent-7"'), Buffer.alloc(0), pool), [], `pad ${pad}, cut short`);
  }
  pool.give(buf);
});

test("candidateLines steps from line to line, each holding the needle or an escape", () => {
  const pool = createSearchPool();
  const buf = pool.take();
  const lines = ['{"a":"x"}', '{"a":"agent-7"}\r', '{"a":"\\u0061"}', '{"a":"\\n"}', '{"a":"agent-7"}'];
  const text = lines.join("\n");
  buf.write(text);
  const next = candidateLines(buf, text.length, toNeedle(Buffer.from('"agent-7"')), pool);
  const found: string[] = [];
  for (let line = next(0); line; line = next(line[1] + 1)) found.push(buf.toString("utf8", line[0], line[1]));
  assert.deepEqual(found, ['{"a":"agent-7"}', '{"a":"\\u0061"}', '{"a":"agent-7"}']);
  pool.give(buf);
});

test("tuning picks a pair of the needle's bytes that is rare in the data", () => {
  const sample = Buffer.from('{"agent_id":"agent-1","target_id":"task-2"}\n'.repeat(100));
  const tuned = tuneNeedle(toNeedle(Buffer.from('"agent-7"')), sample);
  assert.ok(tuned.o1 < tuned.o2);
  const pair = (q: number): boolean => sample[q + tuned.o1] === tuned.bytes[tuned.o1] && sample[q + tuned.o2] === tuned.bytes[tuned.o2];
  let seen = 0;
  for (let q = 0; q + tuned.o2 < sample.length; q++) if (pair(q)) seen++;
  assert.equal(seen, 0, `pair ${tuned.o1},${tuned.o2} occurs ${seen} times in the sample`);
});

test("pair and needle cursors list every position in order, past the thousands one SIMD call collects", () => {
  const pool = createSearchPool();
  const buf = pool.take();
  const pick = rng(7);
  let text = "";
  while (text.length < buf.length - 100) text += pick() < 0.5 ? "\n" : pick() < 0.5 ? '_event_id":' : "ab_c:";
  const end = buf.write(text);
  const plain = Buffer.from(text);
  const all = (next: (from: number) => number): number[] => {
    const out: number[] = [];
    for (let at = next(0); at !== -1; at = next(at + 1)) out.push(at);
    return out;
  };
  const newline = { o1: 0, b1: 0x0a, o2: 0, b2: 0x0a };
  const want = [...text.matchAll(/\n/g)].map((m) => m.index);
  assert.ok(want.length > 100_000, "enough newlines to need several SIMD calls");
  assert.deepEqual(all(pairCursor(buf, end, newline, pool, 0)), want);
  assert.deepEqual(all(pairCursor(plain, end, newline, undefined, 0)), want);
  const key = tuneNeedle(toNeedle(Buffer.from('_event_id":')), plain.subarray(0, 4096));
  const keys = [...text.matchAll(/_event_id":/g)].map((m) => m.index);
  assert.deepEqual(all(needleCursor(buf, end, key, pool, 1)), keys);
  assert.deepEqual(all(needleCursor(plain, end, key, undefined, 1)), keys);
  pool.give(buf);
});
