/**
 * Days built side by side: on one thread, this one, as a query's builder does in the
 * background; on several, one worker thread each (build-thread.ts), while this thread
 * only hands out days and takes back their bytes. A day costs the same wherever it is
 * built, and its bytes are the same.
 */
import type { Worker } from "node:worker_threads";
import type { DayFile } from "../store/layout.js";
import { createSearchPool } from "../engine/facade.js";
import { buildDay } from "./build.js";

/** One day to build: as a sealed day, or (`open`) over an open day's lines so far. */
export interface BuildJob {
  file: DayFile;
  open: boolean;
  /** What building it costs, in bytes of a plain day. */
  weight: number;
}

/**
 * A thread is started for each this many bytes to build, up to `threads`: starting one
 * and running its code cold costs about 40 ms, what building some 7 MB costs.
 */
const THREAD_BYTES = 8 << 20;

/** What a builder thread sends back: a day's index (its bytes, "gone", or undefined when it cannot be indexed), or why the thread could not build it. */
export type BuildOutcome = { index: Uint8Array | "gone" | undefined } | { error: string };

/** A built day, as `buildDays` reports it. */
export interface Built {
  index: Buffer | "gone" | undefined;
  ms: number;
}

/** How `buildDays` builds, and whom it tells. */
export interface BuildLanes {
  /** Days built at once; above 1, each on a worker thread. */
  threads: number;
  /** Told of each day as it is done, in the order they finish. */
  onBuilt: (i: number, built: Built) => void;
  /** Told once of each thread that failed. */
  onNote?: ((message: string) => void) | undefined;
  /** The threads' module (default build-thread.js beside this one); a test points it at one that fails. */
  thread?: URL | undefined;
}

// In the CLI this module is part of a `.cjs` bundle, beside the thread's own bundle.
const threadUrl = (): URL => new URL(import.meta.url.endsWith(".cjs") ? "./build-thread.cjs" : "./build-thread.js", import.meta.url);

/**
 * Builds `jobs` on up to `lanes.threads` threads, one for each 8 MiB of them. A thread
 * that fails (it could not start, or a day threw in it) is noted; its days are built on
 * this thread instead.
 *
 * @example
 * await buildDays(jobs, { threads: 2, onBuilt: (i, built) => (done[i] = built) });
 */
export async function buildDays(jobs: readonly BuildJob[], lanes: BuildLanes): Promise<void> {
  const left = jobs.map((_, i) => i).reverse();
  const weight = jobs.reduce((n, job) => n + job.weight, 0);
  const count = Math.min(lanes.threads, jobs.length, Math.floor(weight / THREAD_BYTES));
  if (count > 1) await Promise.all(Array.from({ length: count }, () => threadLane(jobs, left, lanes)));
  // The engine's memory only for days left to this thread: the threads usually built them all.
  if (left.length === 0) return;
  const pool = createSearchPool();
  for (let i = left.pop(); i !== undefined; i = left.pop()) {
    const started = performance.now();
    const index = await buildDay(jobs[i]!.file, jobs[i]!.open, pool);
    lanes.onBuilt(i, { index, ms: performance.now() - started });
  }
}

/** One worker thread building days from `left` until none is left or the thread fails (its day goes back on `left`). */
async function threadLane(jobs: readonly BuildJob[], left: number[], lanes: BuildLanes): Promise<void> {
  // Taken here, not imported: the query's part bundles this module, and loading
  // `node:worker_threads` (which brings Node's streams) cost every question 3–5 ms.
  const { Worker: Thread } = process.getBuiltinModule("node:worker_threads");
  const worker = new Thread(lanes.thread ?? threadUrl());
  // Listened to for the thread's whole life: an error with nobody listening would end this process.
  let failure: Error | undefined;
  worker.on("error", (err) => (failure = err));
  try {
    for (let i = left.pop(); i !== undefined; i = left.pop()) {
      const started = performance.now();
      const outcome = await answerOf(worker, jobs[i]!, () => failure);
      if ("error" in outcome) {
        left.push(i);
        lanes.onNote?.(`index: a builder thread failed (${outcome.error}); its days are built on the main thread`);
        return;
      }
      const index = outcome.index instanceof Uint8Array ? Buffer.from(outcome.index.buffer, outcome.index.byteOffset, outcome.index.byteLength) : outcome.index;
      lanes.onBuilt(i, { index, ms: performance.now() - started });
    }
  } finally {
    await worker.terminate();
  }
}

/** The thread's answer to one job; a thread that dies or cannot start answers with its error (an `error` event comes before its `exit`). */
function answerOf(worker: Worker, job: BuildJob, failure: () => Error | undefined): Promise<BuildOutcome> {
  return new Promise((resolve) => {
    const settle = (outcome: BuildOutcome): void => {
      worker.off("message", settle);
      worker.off("exit", exited);
      resolve(outcome);
    };
    const exited = (code: number): void => settle({ error: failure()?.message ?? `exited with code ${code}` });
    worker.on("message", settle);
    worker.on("exit", exited);
    worker.postMessage(job);
  });
}
