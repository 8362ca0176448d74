import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import assert from "node:assert/strict";
import { UUID } from "uuidv7";
import { createIdSource } from "../../src/event/id.js";
import { makeEvent } from "../../src/event/make.js";
import { parseEventLine } from "../../src/event/envelope.js";
import { serializeEvent } from "../../src/event/serialize.js";
import { UsageError } from "../../src/index.js";
import { createSerializer } from "../../src/event/serialize.js";
import type { TraceEvent } from "../../src/index.js";
import { rng } from "../helpers/rng.js";

const nextId = createIdSource();

test("an event gets a UUIDv7 id, integer ms and every key in the contract's order", () => {
  const e = makeEvent({ primitive: "ops", event_type: "create_task", agent_id: "zealot-1", target_id: "task-1" }, nextId, 1_761_141_600_000);
  assert.equal(UUID.parse(e.id).getVersion(), 7);
  assert.equal(UUID.parse(e.id).getVariant(), "VAR_10");
  assert.equal(e.id, e.id.toLowerCase());
  const line = serializeEvent(e);
  assert.ok(line.endsWith("}\n"));
  assert.deepEqual(Object.keys(JSON.parse(line)), ["id", "timestamp", "primitive", "event_type", "agent_id", "target_id", "parent_event_id", "metadata"]);
  assert.deepEqual(parseEventLine(line.trim()), { ...e, metadata: {} });
});

test("ids are unique UUIDv7s and carry the time in their first 48 bits", () => {
  // 10,000 ids span many of the source's pools of random tails.
  const ids = Array.from({ length: 10_000 }, () => nextId());
  assert.equal(new Set(ids).size, 10_000);
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const fixed = createIdSource(() => 0x0190_1234_5678);
  assert.ok(fixed().startsWith("01901234-5678-7"));
  assert.ok(fixed(0x0190_1234_5679).startsWith("01901234-5679-7"), "an explicit time wins over the clock");
});

test("one source's ids sort in the order they were made, within a millisecond and past 4,096 of them", () => {
  const fixed = createIdSource(() => 0x0190_1234_5678);
  const ids = Array.from({ length: 9_000 }, () => fixed());
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  // Past the counter's room the ids borrow the next milliseconds; a later time asked for stays after them.
  assert.ok(ids.at(-1)!.startsWith("01901234-567"));
  const later = fixed(0x0190_1234_5679);
  assert.ok(later > ids.at(-1)!);
  // A clock that steps: every id after the one before.
  let t = 1_761_141_600_000;
  const stepping = createIdSource(() => (t += Number(t % 7 === 0)));
  const walk = Array.from({ length: 20_000 }, () => stepping());
  assert.deepEqual([...walk].sort(), walk);
  // An earlier time asked for carries its own time.
  assert.ok(fixed(0x0190_1234_0000).startsWith("01901234-0000-7"));
});

test("an id kept does not keep the rest of its pool's text alive", () => {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const next = createIdSource();
  gc();
  const before = process.memoryUsage().heapUsed;
  // One id kept from each of 2,000 pools of 512: were ids views of their pool's text,
  // this would hold 2,000 × 11 KB.
  const kept: string[] = [];
  for (let i = 0; i < 2_000 * 512; i++) {
    const id = next();
    if (i % 512 === 0) kept.push(id);
  }
  gc();
  assert.ok(process.memoryUsage().heapUsed - before < 4 << 20, `${process.memoryUsage().heapUsed - before} bytes held`);
  assert.equal(kept.length, 2_000);
});

test("invalid input is refused with the bad key named", () => {
  const bad: [object, RegExp][] = [
    [{ primitive: "Ops", event_type: "x" }, /^primitive:/],
    [{ primitive: "ops", event_type: "" }, /^event_type:/],
    [{ primitive: "ops", event_type: "x", agent_id: 5 }, /^agent_id:/],
    [{ primitive: "ops", event_type: "x", target_id: "" }, /^target_id:/],
    [{ primitive: "ops", event_type: "x", parent_event_id: "abc" }, /^parent_event_id:/],
    [{ primitive: "ops", event_type: "x", metadata: [] }, /^metadata:/],
    [{ primitive: "ops", event_type: "x", timestamp: 1.5 }, /^timestamp:/],
  ];
  for (const [input, message] of bad) {
    assert.throws(() => makeEvent(input as never, nextId), (err: unknown) => err instanceof UsageError && message.test(err.message));
  }
});

test("metadata that cannot be JSON is refused before writing", () => {
  const loop: Record<string, unknown> = {};
  loop.self = loop;
  const e = makeEvent({ primitive: "ops", event_type: "x", metadata: loop }, nextId);
  assert.throws(() => serializeEvent(e), /^UsageError: metadata:|metadata: not serialisable/);
});

test("the reader rejects lines with wrong types or missing keys", () => {
  const ok = { id: "a", timestamp: 1, primitive: "ops", event_type: "x", agent_id: null, target_id: null, parent_event_id: null, metadata: {} };
  assert.ok(parseEventLine(JSON.stringify(ok)));
  for (const broken of [{ ...ok, timestamp: "1" }, { ...ok, metadata: null }, { ...ok, agent_id: 3 }, { ...ok, id: undefined }]) {
    assert.equal(parseEventLine(JSON.stringify(broken)), undefined);
  }
  assert.equal(parseEventLine('{"id":"a",'), undefined);
  assert.equal(parseEventLine("[1]"), undefined);
});

test("a writer's serializer writes the same bytes as serializeEvent, past its cache too", () => {
  const serialize = createSerializer();
  const names = ["haiku-1", "агент-1", 'quo"te', "emoji-🚀", "back\\slash", null] as const;
  let parent: string | null = null;
  for (let i = 0; i < 6000; i++) {
    const e = makeEvent(
      {
        primitive: ["ops", "bridge", "memory"][i % 3]!,
        event_type: i % 2 === 0 ? "send" : "claim_task",
        agent_id: names[i % names.length],
        // Past 4,096 distinct middles the serializer stops remembering them.
        target_id: i % 5 !== 0 ? `task-${i}` : names[(i * 7) % names.length],
        parent_event_id: parent,
        metadata: { i, text: names[i % 5] },
      },
      nextId,
      1_761_141_600_000 + i,
    );
    assert.equal(serialize(e), serializeEvent(e));
    parent = i % 3 === 0 ? null : e.id;
  }
});

test("a writer writes any metadata exactly as JSON.stringify does", () => {
  const serialize = createSerializer();
  const pick = rng(5);
  const choose = <T>(xs: readonly T[]): T => xs[Math.floor(pick() * xs.length)]!;
  const keys = ["n", "text", "2", "1", "__proto__", "ключ", 'q"k', "tab\tk", "", "toJSON"];
  const scalars: unknown[] = [
    "plain", "ünï", "🚀", "\uD800", 'q"', "b\\s", "nl\n", "\u001f", "", 0, -0, 1.5e-7, 1e21, NaN, Infinity, 12345678901234, true, false, null, undefined,
    () => 1, Symbol("s"), new Date(0), { toJSON: () => "swapped" },
  ];
  const value = (depth: number): unknown => {
    const r = pick();
    if (depth > 2 || r < 0.7) return choose(scalars);
    if (r < 0.85) return Array.from({ length: Math.floor(pick() * 3) }, () => value(depth + 1));
    return object(depth + 1);
  };
  const object = (depth: number): Record<string, unknown> => {
    const o: Record<string, unknown> = pick() < 0.1 ? Object.create(null) : {};
    for (let k = Math.floor(pick() * 5); k > 0; k--) Object.defineProperty(o, choose(keys), { value: value(depth), enumerable: pick() < 0.95, configurable: true, writable: true });
    return o;
  };
  for (let i = 0; i < 20_000; i++) {
    const metadata = object(0);
    let line: string;
    try {
      line = serializeEvent(makeEvent({ primitive: "ops", event_type: "note", metadata }, nextId, 1_761_141_600_000));
    } catch (err) {
      assert.ok(err instanceof UsageError);
      assert.throws(() => serialize(makeEvent({ primitive: "ops", event_type: "note", metadata }, nextId, 1_761_141_600_000)), UsageError);
      continue;
    }
    const e = JSON.parse(line) as TraceEvent;
    assert.equal(serialize({ ...e, metadata }), line, `${i}: ${line}`);
  }
});
