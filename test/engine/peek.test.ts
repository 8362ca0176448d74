import { test } from "node:test";
import assert from "node:assert/strict";
import { createIdHashes, maybeChildren } from "../../src/engine/peek.js";
import { createSearchPool } from "../../src/engine/pool.js";
import { simdWanted } from "../../src/engine/wasm/load.js";
import { rng } from "../helpers/rng.js";

/** The same 32-bit hash peek.ts and peek.wat use, and the bit of it the bitset keeps. */
function bitOf(id: string): number {
  let h = 0;
  for (let k = 0; k < id.length; k++) h = (Math.imul(h, 31) + id.charCodeAt(k)) | 0;
  return h & 0xfffff;
}

test("the WebAssembly child search yields every line the byte-by-byte peek does, and more only on a hash collision", { skip: !simdWanted() && "TRACE_SIMD=off" }, () => {
  const pool = createSearchPool();
  const pick = rng(11);
  const choose = <T>(xs: readonly T[]): T => xs[Math.floor(pick() * xs.length)]!;
  const members = Array.from({ length: 30 }, (_, i) => `019a-member-${i}`);
  const strangers = Array.from({ length: 30 }, (_, i) => `019a-stranger-${i}`);
  for (let round = 0; round < 20; round++) {
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) {
      const parent = choose<unknown>([null, null, choose(members), choose(strangers), choose(strangers), "ünï-id", 7, ""]);
      const text = choose(["plain", "back\\\\slash", 'q\\"uote', "é", "\\u0041"]);
      const r = pick();
      let line = `{"id":"e${i}","timestamp":1,"primitive":"ops","event_type":"x","agent_id":null,"target_id":null,"parent_event_id":${JSON.stringify(parent)},"metadata":{"text":"${text}"}}`;
      if (r < 0.05) line = line.replace('"parent_event_id"', '"run_event_id":null,"parent_event_id"');
      else if (r < 0.08) line = line.replace(/"parent_event_id":[^,]*,/, "");
      else if (r < 0.1) line = line.slice(0, Math.floor(pick() * line.length));
      else if (r < 0.12) line = "";
      else if (r < 0.14) line = line.replace('"parent_event_id":', '"parent_event_id" : ');
      lines.push(line + (pick() < 0.2 ? "\r" : ""));
    }
    const text = Buffer.from(lines.join("\n") + (pick() < 0.5 ? "\n" : ""));
    const inWasm = pool.take();
    assert.equal(inWasm.buffer, pool.simd!.memory, "the pool's first block is in WebAssembly memory");
    text.copy(inWasm, 0);
    const known = new Set(members.slice(0, 1 + Math.floor(pick() * 30)));
    const hashes = createIdHashes(pool);
    for (const id of known) hashes.add(id);
    const collect = (buf: Buffer): string[] => {
      const out: string[] = [];
      maybeChildren(buf, text.length, pool, hashes, (id) => known.has(id))(0, text.length, (s, e) => out.push(buf.toString("utf8", s, e)));
      return out;
    };
    const wasm = collect(inWasm);
    const bytes = collect(Buffer.from(text));
    pool.give(inWasm);
    const wanted = new Set(bytes);
    assert.ok(bytes.every((l) => wasm.includes(l)), `round ${round}: the WebAssembly search missed a line`);
    const bits = new Set([...known].map(bitOf));
    for (const extra of wasm.filter((l) => !wanted.has(l))) {
      const ids = [...extra.matchAll(/_event_id":"([^"]*)"/g)].map((m) => m[1]!);
      assert.ok(ids.some((id) => bits.has(bitOf(id))), `round ${round}: yielded without cause: ${extra}`);
    }
    assert.ok(wasm.length > 0 && wasm.length < lines.length, "the search both keeps and passes lines by");
  }
});
