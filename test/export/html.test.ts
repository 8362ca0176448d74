import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { openWriter } from "../../src/index.js";
import { EXAMPLE, tempDir, trace } from "../helpers/cli.js";
import { writeSwarm } from "../helpers/swarm.js";
import { pageJson } from "../helpers/page.js";

type Data = { about: { store: string; asked: string; utc: boolean }; lanes: string[]; rows: unknown[][]; leftOut: { count: number; from: number } | null };

/** The data a page holds, read as the page reads it. */
const dataOf = (html: string): Data => JSON.parse(pageJson(html)) as Data;

test("a page is self-contained: no URL to fetch, a policy that forbids any request, the data once", async () => {
  const r = await trace(["view", "task-abc123", "--dir", EXAMPLE, "--out", "-"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^<!doctype html>/);
  assert.match(r.stdout, /Content-Security-Policy" content="default-src 'none'/);
  assert.doesNotMatch(r.stdout, /\b(src|href)="(https?:)?\/\//, "nothing loaded from elsewhere");
  const data = dataOf(r.stdout);
  assert.equal(data.about.asked, "task-abc123");
  assert.equal(data.about.store, "payments");
  assert.equal(data.rows.length, (await trace(["task-abc123", "--dir", EXAMPLE, "--json"])).stdout.trim().split("\n").length, "what trace prints for the same question");
  const same = await trace(["export", "--format", "html", "task-abc123", "--dir", EXAMPLE]);
  assert.equal(same.stdout, r.stdout, "trace export --format html is the same page");
});

test("a page is masked as every export is, and no event's text can end its script", async () => {
  const tmp = tempDir();
  const w = openWriter({ dir: tmp.dir });
  w.emit({ primitive: "tool", event_type: "lookup", agent_id: "a1", metadata: { api_key: "sk-live-1234567890abcdef", note: "</script><script>alert(1)</script>" } });
  w.close();
  const r = await trace(["view", "--dir", tmp.dir, "--out", "-"]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stdout.includes("sk-live-1234567890abcdef"));
  assert.ok(!r.stdout.includes("alert(1)"), "the data is encoded: no markup of an event reaches the page");
  const meta = dataOf(r.stdout).rows[0]![10] as Record<string, unknown>;
  assert.equal(meta.api_key, "[redacted]");
  assert.equal(meta.note, "</script><script>alert(1)</script>");
  tmp.cleanup();
});

test("past 200,000 events a page says how many later ones it left out, and from when", { timeout: 120_000 }, async () => {
  const tmp = tempDir();
  const store = join(tmp.dir, "store");
  writeSwarm(store, 200_150, 4);
  const r = await trace(["export", "--format", "html", "--dir", store]);
  assert.equal(r.code, 0, r.stderr);
  const data = dataOf(r.stdout);
  assert.equal(data.rows.length, 200_000);
  assert.equal(data.leftOut?.count, 150);
  assert.ok(data.leftOut!.from >= (data.rows.at(-1)![1] as number));
  tmp.cleanup();
});

test("trace view: bad usage is one line and exit 2; the page is written whole or not at all", async () => {
  const tmp = tempDir();
  for (const [args, said] of [
    [["view", "a", "b"], /one TARGET at most/],
    [["view", "--out", "-", "--open"], /--open needs a file/],
    [["view", "--out", join(tmp.dir, "no", "such", "x.html")], /--out .*x\.html/],
    [["view", "--format", "html"], /unknown flag --format/],
  ] as const) {
    const r = await trace([...args, "--dir", EXAMPLE]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, said);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
  const page = join(tmp.dir, "p.html");
  const r = await trace(["view", "--causality", "task-abc123", "--dir", EXAMPLE, "--out", page]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^trace: wrote .*p\.html \(\d+ KiB\)\n$/);
  tmp.cleanup();
});
