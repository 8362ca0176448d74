/**
 * Every reader applies every tombstone, wherever its event sits in a read batch: random
 * stores, tombstones at random places, sealed days already noted clean, every output
 * kind of the library and the CLI's; no redacted payload ever comes out.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { causality, EXPORT_FORMATS, exportTo, follow, openWriter, query, redactEvent, type Question, type TraceEvent } from "../../src/index.js";
import { tempDir, trace } from "../helpers/cli.js";
import { rng } from "../helpers/rng.js";

const DAY = 86_400_000;

/** A store of two sealed days and today, tasks and chains; each event's payload names it. */
function randomStore(dir: string, next: () => number): TraceEvent[] {
  const w = openWriter({ dir });
  const events: TraceEvent[] = [];
  const start = Date.now() - 2 * DAY;
  for (let i = 0; i < 40 + Math.floor(next() * 40); i++) {
    const parent = events.length > 0 && next() < 0.6 ? events[Math.floor(next() * events.length)]! : undefined;
    const timestamp = Math.min(Date.now(), start + Math.floor((i / 80) * 2 * DAY) + Math.floor(next() * 1000));
    events.push(w.emit({ primitive: ["ops", "bridge", "tool"][i % 3]!, event_type: "step", agent_id: `a-${i % 4}`, target_id: `task-${i % 5}`, parent_event_id: parent?.id ?? null, timestamp, metadata: { payload: `PAYLOAD-${i}-END` } }));
  }
  w.close();
  return events;
}

async function text(items: AsyncIterable<{ line: string }>): Promise<string> {
  let out = "";
  for await (const { line } of items) out += line + "\n";
  return out;
}

test("tombstones at random places: no output kind prints a redacted payload, before or after its day was noted clean", { timeout: 120_000 }, async () => {
  for (let seed = 1; seed <= 6; seed++) {
    const next = rng(seed);
    const { dir, cleanup } = tempDir();
    try {
      const events = randomStore(dir, next);
      // Read whole once: the sealed days are noted clean under the policy, before any tombstone.
      await text(query({}, { dir }));
      const hidden = events.filter(() => next() < 0.25);
      for (const e of hidden) await redactEvent(e.id, { dir, reason: `seed ${seed}` });
      const secrets = hidden.map((e) => e.metadata.payload as string);
      const shownOnce = events.find((e) => !hidden.includes(e))!.metadata.payload as string;
      const check = (what: string, out: string, mustShow = true): void => {
        for (const s of secrets) assert.ok(!out.includes(s), `seed ${seed}: ${what} printed ${s}`);
        if (mustShow) assert.ok(out.includes("PAYLOAD-"), `seed ${seed}: ${what} printed no payload at all`);
      };
      const questions: Question[] = [{}, { agent: "a-1" }, { task: "task-2" }, { primitive: "ops" }, { target: "task-3" }, { limit: 7 }, { reverse: true }, { since: Date.now() - DAY }];
      for (const q of questions) {
        // The last few events may all be tombstones: nothing else to show.
        const some = q.limit === undefined;
        check(`query ${JSON.stringify(q)}`, await text(query(q, { dir })), some);
        check(`query ${JSON.stringify(q)}, plain`, await text(query(q, { dir, plain: true })), some);
        const chunks: Buffer[] = [];
        for await (const c of query(q, { dir }).ndjson()) chunks.push(c);
        check(`query ${JSON.stringify(q)}, NDJSON`, Buffer.concat(chunks).toString(), some);
      }
      for (const e of hidden.slice(0, 3)) check(`causality ${e.id}`, JSON.stringify(await causality({ causality: e.id }, { dir })), false);
      for (const format of EXPORT_FORMATS.filter((f) => f === "otlp" || f === "chrome")) {
        let out = "";
        for await (const c of exportTo(format, {}, { dir })) out += c;
        check(`export ${format}`, out);
      }
      const stop = new AbortController();
      setTimeout(() => stop.abort(), 200);
      check("follow", await text(follow({ limit: 1000 }, { dir, signal: stop.signal })));
      for (const env of [{}, { TRACE_SIMD: "off" }]) {
        for (const args of [["--json"], ["--json", "--plain"], ["--json", "-n", "50"], ["--json", "--reverse"], ["--json", "--agent", "a-2"], ["--utc"]]) {
          const r = await trace(["--dir", dir, ...args], { env });
          assert.equal(r.code, 0, r.stderr);
          check(`trace ${args.join(" ")} ${JSON.stringify(env)}`, r.stdout, args[0] === "--json");
        }
      }
      assert.ok((await text(query({}, { dir, redact: false }))).includes(secrets[0] ?? shownOnce), "redact: false still shows the stored bytes");
    } finally {
      cleanup();
    }
  }
});
