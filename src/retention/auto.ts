import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readStoreConfig } from "../store/config.js";
import { createDayLookup } from "../store/layout.js";
import { parseAge } from "../time.js";

/** Marks the last UTC day a writer pruned this store, so auto prune runs once a day per store. */
const MARKER = "trace.pruned";

/**
 * Starts automatic pruning for a writer when the store's config says `auto`: on the
 * first emit of each UTC day, if no writer pruned the store that day, a prune runs in
 * the background of the event loop. Errors there never reach the writer.
 */
export function startAutoPrune(dir: string): (now: number) => void {
  const dayOf = createDayLookup();
  let lastDay = "";
  // Costs a comparison on most emits.
  return (now) => {
    const day = dayOf(now);
    if (day === lastDay) return;
    lastDay = day;
    setImmediate(() => void runOnce(dir, day, now).catch(() => undefined));
  };
}

async function runOnce(dir: string, day: string, now: number): Promise<void> {
  const config = readStoreConfig(dir);
  if (!config.auto) return;
  const marker = join(dir, MARKER);
  try {
    if (readFileSync(marker, "utf8").trim() === day) return;
  } catch {
    // no marker yet: this is the first prune
  }
  writeFileSync(marker, day + "\n");
  // Loaded only when a prune is due, so a writer's start-up stays small.
  const { prune } = await import("./prune.js");
  await prune({
    dir,
    now,
    ...(config.retention ? { olderThan: parseAge(config.retention, "retention") } : {}),
    ...(config.compress_after ? { compressAfter: parseAge(config.compress_after, "compress_after") } : {}),
  });
}
