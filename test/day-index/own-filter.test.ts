/** The own filter of a day's index, and its folded copy in days.filters: no key lost, few absent keys passed. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { keyOf } from "../../src/day-index/hash.js";
import { filterMayHold, ownFilter } from "../../src/day-index/own-filter.js";

/** Keys of a day like the bench's: 2,500 tasks named alike and 52 agents. */
const dayKeys = (day: number): number[] => [...Array.from({ length: 2500 }, (_, n) => keyOf("target_id", `task-${day}-${n}`)), ...Array.from({ length: 52 }, (_, a) => keyOf("agent_id", `agent-${a}`))];

/** `words` folded in halves down to `bits`, as store-filters.ts folds them. */
function fold(words: Uint32Array, bits: number): Uint32Array {
  let w = words;
  while (w.length * 32 > bits) {
    const next = w.slice(0, w.length / 2);
    for (let i = 0; i < next.length; i++) next[i]! |= w[i + next.length]!;
    w = next;
  }
  return w;
}

test("a day's filter holds every key it was made of, folded or not, and passes few absent ones", () => {
  const keys = dayKeys(20700);
  const words = ownFilter(keys);
  assert.equal(words.length * 32, 32768, "10 bits a key, a power of two");
  const absent = Array.from({ length: 20000 }, (_, q) => keyOf("target_id", `task-${20701 + (q % 90)}-${q % 2500}`));
  for (const [bits, most] of [[32768, 0.02], [16384, 0.08]] as const) {
    const w = fold(words, bits);
    for (const k of keys) assert.ok(filterMayHold(w, [k]), `a key made into the filter is held at ${bits} bits`);
    const passed = absent.filter((k) => filterMayHold(w, [k])).length / absent.length;
    // Three bits a key: about 0.8% at 32,768 bits and 5% folded to 16,384 (the three bits once fell on one place: 7% and 14%).
    assert.ok(passed < most, `${(passed * 100).toFixed(2)}% of absent keys passed at ${bits} bits`);
  }
});
