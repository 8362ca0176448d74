/**
 * Emit throughput, run by the benchmark in a fresh process (a heap grown by generating
 * stores would slow it): prints {"sync": events/s, "batch": events/s, "ids": …, "pkgIds": …}.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { uuidv7 } from "uuidv7";
import { createIdSource } from "../src/event/id.js";
import { openBatchWriter, openWriter, type EventInput } from "../src/index.js";

const dir = process.argv[2]!;
const input = { primitive: "ops", event_type: "claim_task", agent_id: "haiku-1", target_id: "task-1", metadata: { attempt: 1 } };

/** Median calls per second of five rounds of `n` calls. */
function rate(n: number, body: () => void): number {
  const rounds = [0, 1, 2, 3, 4].map(() => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) body();
    return n / ((performance.now() - t0) / 1000);
  });
  return rounds.sort((a, b) => a - b)[2]!;
}

/**
 * Median events per second of five rounds of `n` emits, each round a fresh writer in a
 * fresh folder that is removed after it: what is measured is the writer, not the
 * kernel throttling the write-back of the gigabyte that earlier rounds left behind.
 */
function emitRate(n: number, open: (dir: string) => { emit(input: EventInput): unknown; close(): void }): number {
  let round = 0;
  const rounds = [0, 1, 2, 3, 4].map(() => {
    const folder = join(dir, String(round++));
    const w = open(folder);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) w.emit(input);
    const ms = performance.now() - t0;
    w.close();
    rmSync(folder, { recursive: true, force: true });
    return n / (ms / 1000);
  });
  return rounds.sort((a, b) => a - b)[2]!;
}

rmSync(dir, { recursive: true, force: true });
const sync = emitRate(200_000, (folder) => openWriter({ dir: folder }));
const batch = emitRate(500_000, (folder) => openBatchWriter({ dir: folder }));
const ids = createIdSource();
const ours = rate(1_000_000, () => ids());
const pkg = rate(1_000_000, () => uuidv7());
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ sync, batch, ids: ours, pkgIds: pkg }));
