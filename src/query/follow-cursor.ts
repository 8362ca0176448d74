/**
 * Following from a cursor: the events after it, then whatever reaches the store, a
 * cursor query each time the store's files change; after each round the position is
 * handed out (for a cursor file), so a follower restarted resumes where it stopped.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { detach, eventsOf } from "../engine/facade.js";
import { type BadReport } from "../store/lines.js";
import type { ReadEvent } from "../store/read.js";
import { cursorBatches, type QueryCursor } from "./cursor.js";
import type { Filter } from "./filter.js";

/** What any follower reads and how. */
export interface FollowBase {
  dir: string;
  /** Follow a target's timeline (its events and what they cause). */
  target?: string | undefined;
  filter?: Filter;
  /** Matching events printed from before the start (with a cursor: when there is no position yet); default 10. */
  backlog?: number;
  /** Abort to stop following. */
  signal?: AbortSignal;
  /** How often the store is looked at besides the watcher's word (ms); default 25 (100 with a cursor). */
  pollMs?: number;
  onBad?: (report: BadReport) => void;
}

/** What a cursor follower reads, and where its position goes. */
export interface CursorFollow extends FollowBase {
  cursor: QueryCursor;
  /** Called after each round's events were taken, with the position after them (awaited: write the file here). */
  onPosition?: ((cursor: string) => void | Promise<void>) | undefined;
}

/** The store's files as a signature: names, sizes and mtimes, so that a round runs only when something changed. */
function signature(dir: string): string {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return "";
  }
  return names
    .map((name) => {
      const st = statSync(join(dir, name), { throwIfNoEntry: false });
      return st ? `${name}:${st.size}:${st.mtimeMs}` : name;
    })
    .join("|");
}

/**
 * Follows the store from `cursor.after` (without one: its last `backlog` events), each
 * event once; ends when the signal aborts, after the round in progress.
 *
 * @example
 * for await (const { line } of followCursor({ dir, signal, cursor: { after: saved }, onPosition: save })) console.log(line);
 */
export async function* followCursor(options: CursorFollow): AsyncGenerator<ReadEvent> {
  const follow = options;
  const { signal } = options;
  const filter = options.filter ?? {};
  let after = follow.cursor.after;
  let seen = "";
  for (let round = 0; !signal?.aborted; round++) {
    const now = signature(options.dir);
    if (round === 0 || now !== seen) {
      seen = now;
      const cursor: QueryCursor = { after, where: follow.cursor.where };
      const batches = cursorBatches({ dir: options.dir, target: options.target, filter, onBad: options.onBad }, cursor);
      if (round === 0 && after === undefined) {
        // No position yet: the last `backlog` events, as a follower without a cursor starts.
        const kept: ReadEvent[] = [];
        const n = options.backlog ?? 10;
        for await (const hits of batches) for (const hit of eventsOf(hits)) (kept.push(detach(hit)), kept.length > n && kept.shift());
        yield* n === 0 ? [] : kept;
      } else for await (const hits of batches) yield* eventsOf(hits);
      after = cursor.next!;
      follow.cursor.next = after;
      await follow.onPosition?.(after);
      if (filter.until !== undefined && Date.now() > filter.until) return;
    }
    await sleep(options.pollMs ?? 100, signal);
  }
}

/** Waits `ms`, or less when the signal aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done);
  });
}
