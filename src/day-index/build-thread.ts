/**
 * A builder thread of `trace index` (build-lanes.ts starts it): it builds each day it is
 * sent, one at a time, and sends back the index's bytes. Its own module, so that a thread
 * loads the builder and the engine alone; in the CLI it is a bundle of its own
 * (scripts/bundle.mjs).
 */
import { parentPort, type MessagePort } from "node:worker_threads";
import { createSearchPool } from "../engine/facade.js";
import { buildDay } from "./build.js";
import type { BuildJob, BuildOutcome } from "./build-lanes.js";

function serve(port: MessagePort): void {
  const pool = createSearchPool();
  port.on("message", (job: BuildJob) => {
    const answer = (outcome: BuildOutcome): void => port.postMessage(outcome);
    buildDay(job.file, job.open, pool).then(
      (index) => answer({ index }),
      (err: unknown) => answer({ error: err instanceof Error ? err.message : String(err) }),
    );
  });
}

if (parentPort) serve(parentPort);
