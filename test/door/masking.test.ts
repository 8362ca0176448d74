/**
 * One output door: every public function that hands out events masks them by the
 * store's policy and tombstones unless told `redact: false`. The store holds a secret
 * under a default key, under a key the store's policy adds, and in an event redacted by
 * a tombstone; no output of any kind may carry one of them.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { causality, emit, EXPORT_FORMATS, exportTo, exportToFile, follow, query, redactEvent, updatePolicy, type Question } from "../../src/index.js";
import { tempDir, trace } from "../helpers/cli.js";
import { pageJson } from "../helpers/page.js";

const SECRETS = ["sk-live-door-0001", "ada@example.com", "tombstoned-value-0003"];
const SECRET_IDS = { third: "" };

/** A store whose task holds the three secrets: one per way of masking. */
async function secretStore(dir: string): Promise<void> {
  const root = emit({ primitive: "ops", event_type: "create_task", agent_id: "zealot-1", target_id: "task-door", metadata: { title: "door" } }, { dir });
  emit({ primitive: "tool", event_type: "call", agent_id: "zealot-1", target_id: "task-door", parent_event_id: root.id, metadata: { api_key: SECRETS[0] } }, { dir });
  emit({ primitive: "bridge", event_type: "send", agent_id: "zealot-1", target_id: "task-door", parent_event_id: root.id, metadata: { customer_email: SECRETS[1] } }, { dir });
  const third = emit({ primitive: "memory", event_type: "note", agent_id: "zealot-1", target_id: "task-door", parent_event_id: root.id, metadata: { note: SECRETS[2] } }, { dir });
  emit({ primitive: "ops", event_type: "complete_task", agent_id: "zealot-1", target_id: "task-door", parent_event_id: root.id, metadata: {} }, { dir });
  updatePolicy(dir, { addKeys: ["customer_email"] });
  await redactEvent(third.id, { dir, reason: "test" });
  SECRET_IDS.third = third.id;
}

/** Fails naming `what` when `text` holds a secret. */
function clean(what: string, text: string): void {
  for (const s of SECRETS) assert.ok(!text.includes(s), `${what} printed ${s}`);
}

/** What a reader is handed of each event: its text and its object. */
async function shown(items: AsyncIterable<{ line: string; event: unknown }>): Promise<string> {
  const out: string[] = [];
  for await (const { line, event } of items) out.push(line, JSON.stringify(event));
  return out.join("\n");
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

test("every public function that yields events masks them by default: query (its events, batches and NDJSON), follow, causality, exportTo and exportToFile in every format", async () => {
  const { dir, cleanup } = tempDir();
  try {
    await secretStore(dir);
    const failures: string[] = [];
    const check = async (what: string, run: () => Promise<string>): Promise<void> => {
      try {
        const out = await run();
        // A page's data is gzipped: read it as the page does, and the page around it too.
        const text = out.startsWith("<!doctype html>") ? `${out}\n${pageJson(out)}` : out;
        assert.ok(text.includes("zealot-1"), `${what} printed nothing to look at`);
        clean(what, text);
      } catch (err) {
        failures.push((err as Error).message);
      }
    };
    const questions: [string, Question][] = [["every event", {}], ["a timeline", { target: "task-door" }], ["a filter", { agent: "zealot-1" }], ["the last 3, newest first", { limit: 3, reverse: true }]];
    for (const [what, q] of questions) {
      await check(`query: ${what}`, () => shown(query(q, { dir })));
      await check(`query: ${what}, batches`, async () => {
        const out: string[] = [];
        for await (const batch of query(q, { dir }).batches()) for (const { line, event } of batch) out.push(line, JSON.stringify(event));
        return out.join("\n");
      });
      await check(`query: ${what}, NDJSON`, async () => Buffer.concat(await collect(query(q, { dir }).ndjson())).toString());
      await check(`query: ${what}, plain reader`, () => shown(query(q, { dir, plain: true })));
      await check(`follow: ${what}`, async () => {
        const stop = new AbortController();
        const seen: string[] = [];
        setTimeout(() => stop.abort(), 300);
        for await (const { line, event } of follow({ ...q, limit: 10 }, { dir, signal: stop.signal })) seen.push(line, JSON.stringify(event));
        return seen.join("\n");
      });
    }
    await check("causality", async () => JSON.stringify(await causality({ causality: "task-door" }, { dir })));
    await check("causality of the redacted event", async () => JSON.stringify(await causality({ causality: SECRET_IDS.third }, { dir })));
    for (const format of EXPORT_FORMATS) {
      await check(`exportTo ${format}`, async () => (await collect(exportTo(format, { causality: "task-door" }, { dir }))).join(""));
      // What leaves the machine is masked even when the reading asks for the stored bytes.
      await check(`exportTo ${format}, redact: false`, async () => (await collect(exportTo(format, { causality: "task-door" }, { dir, redact: false }))).join(""));
      await check(`exportToFile ${format}`, async () => {
        const out = join(dir, "..", `${format}-export`);
        await exportToFile(format, { target: "task-door" }, { dir }, out);
        try {
          return readFileSync(out, "utf8");
        } finally {
          rmSync(out, { force: true });
        }
      });
    }
    for (const format of ["otlp", "chrome"] as const) await check(`exportTo ${format} of a query`, async () => (await collect(exportTo(format, { agent: "zealot-1" }, { dir }))).join(""));
    assert.deepEqual(failures, []);
  } finally {
    cleanup();
  }
});

test("redact: false is the one way to the stored bytes, for queries, follow and trees", async () => {
  const { dir, cleanup } = tempDir();
  try {
    await secretStore(dir);
    const stored = await shown(query({}, { dir, redact: false }));
    for (const s of SECRETS) assert.ok(stored.includes(s), `query with redact: false shows ${s}`);
    assert.ok(JSON.stringify(await causality({ causality: "task-door" }, { dir, redact: false })).includes(SECRETS[0]!));
  } finally {
    cleanup();
  }
});

test("exports mask by the default keys and patterns whatever the store's policy says: redact --off and --without-defaults change only what is printed here", async () => {
  const { dir, cleanup } = tempDir();
  try {
    await secretStore(dir);
    const off = updatePolicy(dir, { off: true, defaults: false });
    assert.equal(off.off, true);
    // Printed here, the stored value shows: the policy is off.
    assert.ok((await shown(query({}, { dir }))).includes(SECRETS[0]!));
    for (const format of EXPORT_FORMATS) {
      const out = (await collect(exportTo(format, { causality: "task-door" }, { dir }))).join("");
      for (const s of SECRETS) assert.ok(!out.includes(s), `export ${format} with the policy off printed ${s}`);
    }
    const help = await trace(["export", "--help"]);
    assert.match(help.stdout, /always masked/);
    assert.match((await trace(["redact", "--help"])).stdout, /exports still mask/);
    const cli = await trace(["export", "--format", "otlp", "--dir", dir]);
    assert.equal(cli.code, 0, cli.stderr);
    for (const s of SECRETS) assert.ok(!cli.stdout.includes(s), `trace export printed ${s}`);
  } finally {
    cleanup();
  }
});
