import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { EXAMPLE, tempDir, trace } from "../helpers/cli.js";
import { inPage, noBrowser, openPage } from "../helpers/browser.js";
import { writeSwarm } from "../helpers/swarm.js";

/** A 100,000-event page is drawn within this (this 2-core VM: about 1.4 s). */
const LOAD_BOUND_MS = 5000;
/** A frame of panning or zooming 100,000 events takes at most this (median). */
const FRAME_BOUND_MS = 50;
/** And the page is at most this big (3.5 MiB here: the data is gzipped). */
const SIZE_BOUND = 6 << 20;

type Node = { event: { id: string; agent_id: string | null; primitive: string; metadata: Record<string, unknown> }; children: Node[] };
type Frame = { lanes: string[]; inWindow: number; marks: number; arrows: [string, string][]; arrowsHidden: number };

const settle = (ms = 300): Promise<void> => new Promise((r) => setTimeout(r, ms));

test("the seed's tree in a real Chromium: a lane per agent, every arrow, a click shows the event, search narrows, a selection lights its path", { skip: noBrowser }, async () => {
  const tmp = tempDir();
  const file = join(tmp.dir, "seed.html");
  const made = await trace(["view", "--causality", "task-abc123", "--dir", EXAMPLE, "--out", file, "--utc"]);
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.stderr, /wrote .*seed\.html \(\d+ KiB\)/);
  const tree = JSON.parse((await trace(["--causality", "task-abc123", "--dir", EXAMPLE, "--json"])).stdout) as Node;
  const nodes: Node[] = [];
  const edges: string[] = [];
  for (const stack = [tree]; stack.length > 0; ) {
    const n = stack.pop()!;
    nodes.push(n);
    for (const c of n.children) {
      edges.push(`${n.event.id}>${c.event.id}`);
      stack.push(c);
    }
  }
  const { browser, page, errors, requests } = await openPage(file);
  try {
    const frame = await inPage<Frame>(page, "traceView.last");
    assert.deepEqual([...frame.lanes].sort(), [...new Set(nodes.map((n) => n.event.agent_id ?? `(${n.event.primitive})`))].sort(), "one lane per agent");
    assert.deepEqual(frame.arrows.map(([p, c]) => `${p}>${c}`).sort(), edges.sort(), "every parent → child arrow");
    assert.equal(frame.inWindow, nodes.length);

    const create = nodes.find((n) => n.event.metadata.title === "Build payment system")!;
    const at = await inPage<{ x: number; y: number }>(page, `traceView.where(${JSON.stringify(create.event.id)})`);
    await page.mouse.click(at.x, at.y);
    await settle();
    const detail = (await page.$eval("#detail", (el) => el.textContent)) ?? "";
    assert.match(detail, /Build payment system/);
    assert.ok(detail.includes(create.event.id), "its envelope");
    assert.match(detail, /2025-10-22 14:00:30\.000 UTC/, "its time to the millisecond");
    assert.match(detail, /depth 2, under bridge message #payments:42/, "its place in the tree");

    // claim1: three causes above it, two effects below; the other four rows dim.
    const claim1 = nodes.find((n) => n.event.primitive === "ops" && n.event.metadata.retry === undefined && /sub1/.test(JSON.stringify(n.event)) && n.children.length > 0)!;
    assert.equal(await inPage<boolean>(page, `traceView.select(${JSON.stringify(claim1.event.id)})`), true);
    await settle();
    assert.equal((await page.$$("#tree .row.lit")).length, 6);
    assert.equal((await page.$$("#tree .row.dim")).length, nodes.length - 6);
    await page.keyboard.press("Escape");
    await settle();
    assert.equal((await page.$$("#tree .row.dim")).length, 0, "Esc clears the selection");

    await page.type("#search", "sub2");
    await settle(500);
    const narrowed = await inPage<Frame>(page, "traceView.last");
    const holding = nodes.filter((n) => JSON.stringify(n.event).includes("sub2")).length;
    assert.ok(holding > 0 && holding < nodes.length);
    assert.equal(narrowed.inWindow, holding, "search narrows the marks to the events that hold the text");
    assert.match((await page.$eval("#found", (el) => el.textContent)) ?? "", new RegExp(`^${holding} of ${nodes.length} shown$`));
    assert.deepEqual(errors, [], "no console error");
    assert.deepEqual(requests, [], "no request of any kind");
  } finally {
    await browser.close();
    tmp.cleanup();
  }
});

test("a 100,000-event, 20-agent run: small, loads within its bound, pans and zooms smoothly, failures red", { skip: noBrowser, timeout: 120_000 }, async () => {
  const tmp = tempDir();
  const store = join(tmp.dir, "store");
  const run = writeSwarm(store, 100_000, 20);
  const file = join(tmp.dir, "big.html");
  const made = await trace(["view", "--dir", store, "--out", file, "--utc"]);
  assert.equal(made.code, 0, made.stderr);
  assert.ok(statSync(file).size < SIZE_BOUND, `${statSync(file).size} bytes`);
  const { browser, page, errors, requests } = await openPage(file);
  try {
    const loadMs = await inPage<number>(page, "traceView.loadMs");
    assert.ok(loadMs < LOAD_BOUND_MS, `first frame after ${loadMs} ms`);
    const frame = await inPage<Frame>(page, "traceView.last");
    assert.deepEqual(frame.lanes.sort(), ["operator", ...run.agents].sort(), "one lane per agent");
    assert.equal(frame.inWindow, 100_000);

    const red = await inPage<number[]>(
      page,
      `(() => { const p = traceView.where(${JSON.stringify(run.failedId)}); const c = document.getElementById("lanes"); const b = c.getBoundingClientRect(); const r = devicePixelRatio; return [...c.getContext("2d").getImageData(Math.round((p.x - b.left) * r), Math.round((p.y - b.top) * r), 1, 1).data]; })()`,
    );
    assert.ok(red[0]! > 200 && red[1]! < 110 && red[2]! < 110, `a failure is drawn red: rgba(${red.join(",")})`);

    const box = (await (await page.$("#lanes"))!.boundingBox())!;
    await page.evaluate("traceView.frames.length = 0");
    for (let i = 0; i < 8; i++) {
      await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
      await page.mouse.wheel({ deltaY: i < 4 ? -300 : 200 });
      await settle(40);
    }
    await page.mouse.move(box.x + box.width * 0.7, box.y + 200);
    await page.mouse.down();
    for (let i = 0; i < 10; i++) {
      await page.mouse.move(box.x + box.width * 0.7 - i * 30, box.y + 200 + i * 3);
      await settle(20);
    }
    await page.mouse.up();
    await settle();
    const frames = (await inPage<number[]>(page, "traceView.frames")).sort((a, b) => a - b);
    assert.ok(frames.length >= 8, `${frames.length} frames drawn`);
    const median = frames[frames.length >> 1]!;
    assert.ok(median < FRAME_BOUND_MS, `median frame ${median.toFixed(1)} ms`);

    const limited = readFileSync(run.file, "utf8").split("\n").filter((l) => l.includes("rate limited")).length;
    await page.type("#search", "rate limited");
    await settle(800);
    await page.evaluate("document.activeElement.blur()");
    await page.keyboard.press("0");
    await settle();
    assert.equal((await inPage<Frame>(page, "traceView.last")).inWindow, limited);
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, []);
    console.log(`# 100,000 events: ${(statSync(file).size / (1 << 20)).toFixed(1)} MiB, first frame ${Math.round(loadMs)} ms, median frame ${median.toFixed(1)} ms`);
  } finally {
    await browser.close();
    tmp.cleanup();
  }
});
