/**
 * Emit throughput, run by the benchmark in a fresh process (a heap grown by generating
 * stores would slow it): prints {"sync": events/s, "batch": events/s, "ids": …, "pkgIds": …}.
 */
import { rmSync } from "node:fs";
import { uuidv7 } from "uuidv7";
import { createIdSource, openBatchWriter, openWriter } from "../../src/index.js";

const dir = process.argv[2]!;
const input = { primitive: "ops", event_type: "claim_task", agent_id: "haiku-1", target_id: "task-1", metadata: { attempt: 1 } };

/** Median events per second of five rounds of `n` calls. */
function rate(n: number, body: () => void): number {
  const rounds = [0, 1, 2, 3, 4].map(() => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) body();
    return n / ((performance.now() - t0) / 1000);
  });
  return rounds.sort((a, b) => a - b)[2]!;
}

rmSync(dir, { recursive: true, force: true });
const w = openWriter({ dir });
const sync = rate(200_000, () => w.emit(input));
w.close();
const b = openBatchWriter({ dir });
const batch = rate(500_000, () => b.emit(input));
b.close();
const ids = createIdSource();
const ours = rate(1_000_000, () => ids());
const pkg = rate(1_000_000, () => uuidv7());
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ sync, batch, ids: ours, pkgIds: pkg }));
