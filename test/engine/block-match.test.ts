import { test } from "node:test";
import assert from "node:assert/strict";
import type { TraceEvent } from "../../src/index.js";
import type { Filter } from "../../src/query/filter.js";
import { createBlockMatcher } from "../../src/engine/block-match.js";
import { eachCandidate } from "../../src/engine/positions.js";
import { CheckedLine, createRunBuilder } from "../../src/engine/hits.js";
import { createLineMatcher } from "../../src/engine/line-check.js";
import { tuneNeedle } from "../../src/engine/needle.js";
import { createSearchPool } from "../../src/engine/pool.js";
import { AT } from "../../src/engine/wasm/layout.js";
import { toByteFilter } from "../../src/query/filter.js";
import { eachLine } from "../../src/store/lines.js";
import { rng } from "../helpers/rng.js";

const pool = createSearchPool();
/** Engine-only tests need the WebAssembly memory: with TRACE_SIMD=off they skip. */
const skip = pool.simd === undefined && "TRACE_SIMD=off: no WebAssembly memory";
const simd = pool.simd!;
const buf = pool.take();

/** The per-line path the block matcher replaces: candidate lines, each decided by the line matcher. */
function perLine(filter: Filter, end: number): string[] {
  const quick = createLineMatcher(toByteFilter(filter), simd.check, simd.memory, AT.record)!;
  const out: string[] = [];
  const visit = (s: number, e: number): void => quick(buf, s, e, (s, e, sure, ts) => out.push(`${buf.toString("latin1", s, e)} ${sure ? `pass ${ts}` : "parse"}`));
  const needle = toByteFilter(filter).needle;
  // Without a needle every line is a candidate, as the scan's line by line path has it.
  if (needle) eachCandidate(buf, end, tuneNeedle(needle, buf.subarray(0, end)), pool, visit);
  else eachLine(buf, end, visit);
  return out;
}

/** The block matcher's answers in the same words (it moves lines within `buf`: run it last). */
function whole(filter: Filter, end: number): string[] {
  const match = createBlockMatcher(toByteFilter(filter), simd)!;
  const run = createRunBuilder();
  const needle = toByteFilter(filter).needle;
  const events = match(buf, end, needle && tuneNeedle(needle, buf.subarray(0, end)), (s, e) => ({ line: `${buf.toString("latin1", s, e)} parse`, event: {} as TraceEvent }), run);
  const hits = events ?? run.take();
  return [...hits].map((hit) => (hit instanceof CheckedLine ? `${hit.bytes.toString("latin1", hit.start, hit.end)} pass ${hit.timestamp}` : hit.line));
}

test("the block matcher answers line for line as the per-line path, across thousands of lines a block", { skip }, () => {
  const pick = rng(5);
  const choose = <T>(xs: readonly T[]): T => xs[Math.floor(pick() * xs.length)]!;
  const names = ["haiku-1", "haiku-10", "ünï-агент", 'q"uote', "back\\slash", "s/lash", "task-1", "payments"];
  const noise = [..."{}[]\",:\\ \r\n0123456789ul/"].map((c) => c.charCodeAt(0)).concat([0x00, 0x80, 0xff]);
  for (let round = 0; round < 12; round++) {
    const lines: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const e = {
        id: `01a2-${i}`,
        timestamp: 1792736832323 + Math.floor(pick() * 1e6) * choose([1, 1, 1, -1]),
        primitive: choose(["bridge", "ops"]),
        event_type: "send",
        agent_id: pick() < 0.05 ? null : pick() < 0.8 ? "haiku-1" : choose(names),
        target_id: pick() < 0.1 ? null : choose(names),
        parent_event_id: null,
        metadata: { text: choose(names), n: i },
      };
      let text = JSON.stringify(e);
      const r = pick();
      if (r < 0.05) text = text.replace(/[a-z]/g, (c) => (pick() < 0.3 ? `\\u00${c.charCodeAt(0).toString(16)}` : c));
      else if (r < 0.08) text = text.replace(/\//g, "\\/");
      else if (r < 0.1) text = text.replace(/":/g, '": ');
      else if (r < 0.13) text += "\r";
      // Lines of nothing, or of a carriage return, are no lines; of spaces, bad ones.
      else if (r < 0.15) text = choose(["", "\r", "  "]);
      else if (r < 0.2) {
        const bytes = [...Buffer.from(text)];
        bytes[Math.floor(pick() * bytes.length)] = choose(noise);
        text = Buffer.from(bytes).toString("latin1");
      }
      lines.push(text);
    }
    const end = buf.write(lines.join("\n") + (round % 2 === 0 ? "\n" : ""), 0, "latin1");
    // The first rounds: more answers than one call holds, and a value spelled with \/.
    const filter = round === 0 ? { agent: "haiku-1" } : round === 1 ? { task: "s/lash" } : round === 2 ? {} : round === 3 ? { since: 1792736832323 } : choose<Filter>([
      { agent: "haiku-1" },
      {},
      { agent: choose(names) },
      { task: choose(names) },
      { primitive: "ops" },
      { agent: "haiku-1", since: 1792736832323, until: 1792737332323 },
      { since: 1792736832323, until: 1792737332323 },
    ]);
    const want = perLine(filter, end);
    assert.deepEqual(whole(filter, end), want, `round ${round}: ${JSON.stringify(filter)}`);
    if (filter.agent === "haiku-1" && filter.since === undefined) assert.ok(want.length > 2048, "a block with more answers than one call holds");
  }
});

test("a filter with values bytes cannot compare gets no block matcher; one without a needle decides every line", { skip }, () => {
  // No filter, or a time window alone: no needle, and every line a candidate.
  assert.equal(toByteFilter({ since: 0 }).needle, undefined);
  assert.notEqual(createBlockMatcher(toByteFilter({}), simd), undefined);
  assert.notEqual(createBlockMatcher(toByteFilter({ since: 0 }), simd), undefined);
  assert.equal(createBlockMatcher(toByteFilter({ agent: "a\uFFFDb" }), simd), undefined);
  assert.equal(createBlockMatcher(toByteFilter({ agent: "x".repeat(5000) }), simd), undefined);
  // A channel's spawns name it in metadata: the needle finds candidates, each is parsed.
  assert.equal(createBlockMatcher(toByteFilter({ channel: "payments" }), simd), undefined);
});
