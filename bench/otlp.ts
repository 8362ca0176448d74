/**
 * OTLP both ways, in events per second: `trace receive` taking the export of a store as
 * OTLP/JSON requests of 1,000 spans, one after another as an exporter sends them; and
 * `trace export --format otlp --follow --endpoint` pushing the same store from its
 * start (a fresh cursor) to a receiver, until the receiver holds every event.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { BIN } from "../test/helpers/cli.js";
import { generateStore } from "./generate.js";
import type { Row } from "./measure.js";

/** A `trace receive` on a free port, and its URL. */
async function receiver(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(BIN, ["receive", "--listen", "127.0.0.1:0", "--dir", dir], { stdio: ["ignore", "ignore", "pipe"] });
  let said = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.setEncoding("utf8").on("data", (d: string) => {
      said += d;
      const m = /at (http:\/\/\S+\/v1\/traces)/.exec(said);
      if (m) resolve(m[1]!);
    });
    child.once("exit", () => reject(new Error(`trace receive: ${said}`)));
  });
  return { child, url };
}

/** Lines in a store's day files. */
const held = (dir: string): number => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".ndjson")).reduce((n, f) => n + readFileSync(join(dir, f), "utf8").split("\n").length - 1, 0) : 0);

/**
 * The receive and push rows.
 *
 * @example
 * rows.push(...(await otlpRows(WORK, quick)));
 */
export async function otlpRows(work: string, quick: boolean): Promise<Row[]> {
  const store = join(work, "otlp-source");
  const events = generateStore({ dir: store, days: 2, perDay: quick ? 10_000 : 100_000, end: Date.parse("2026-11-20T00:00:00Z"), seed: 11 });
  const doc = JSON.parse(spawnSync(BIN, ["export", "--format", "otlp", "--dir", store], { encoding: "utf8", maxBuffer: 1 << 30 }).stdout) as { resourceSpans: { resource: unknown; scopeSpans: { scope: unknown; spans: unknown[] }[] }[] };
  // Requests of 1,000 spans each, several services in one, as an SDK's batch processor sends them.
  const bodies: string[] = [];
  let batch: { resource: unknown; scopeSpans: { scope: unknown; spans: unknown[] }[] }[] = [];
  let count = 0;
  for (const rs of doc.resourceSpans) {
    for (const s of rs.scopeSpans[0]!.spans) {
      const last = batch.at(-1);
      if (last && last.resource === rs.resource) last.scopeSpans[0]!.spans.push(s);
      else batch.push({ resource: rs.resource, scopeSpans: [{ scope: { name: "bench" }, spans: [s] }] });
      if (++count === 1000) {
        bodies.push(JSON.stringify({ resourceSpans: batch }));
        [batch, count] = [[], 0];
      }
    }
  }
  if (count > 0) bodies.push(JSON.stringify({ resourceSpans: batch }));
  const into = join(work, "otlp-received");
  rmSync(into, { recursive: true, force: true });
  const r = await receiver(into);
  const t0 = performance.now();
  for (const body of bodies) {
    const answer = await fetch(r.url, { method: "POST", headers: { "content-type": "application/json" }, body });
    if (!answer.ok) throw new Error(`receive answered ${answer.status}: ${await answer.text()}`);
  }
  const receiveMs = performance.now() - t0;
  r.child.kill("SIGTERM");
  const pushed = join(work, "otlp-pushed");
  rmSync(pushed, { recursive: true, force: true });
  const cursor = join(work, "otlp-push.cursor");
  rmSync(cursor, { force: true });
  const p = await receiver(pushed);
  const t1 = performance.now();
  const pusher = spawn(BIN, ["export", "--format", "otlp", "--follow", "--endpoint", p.url, "--cursor-file", cursor, "--dir", store], { stdio: "ignore", env: { ...process.env, TRACE_INDEX: "off" } });
  while (held(pushed) < events) await new Promise((done) => setTimeout(done, 50));
  const pushMs = performance.now() - t1;
  pusher.kill("SIGTERM");
  p.child.kill("SIGTERM");
  const perSecond = (ms: number): number => Math.round(events / (ms / 1000));
  return [
    { case: `trace receive, events/s (OTLP/JSON, 1,000 spans a request, ${events} events)`, ours: perSecond(receiveMs), note: "acknowledged after the write" },
    { case: "export --follow --endpoint → trace receive, events/s (from a fresh cursor)", ours: perSecond(pushMs), note: "both processes on this host" },
  ];
}
