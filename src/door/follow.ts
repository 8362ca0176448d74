/** The library's door for following: the backlog, then each new event, masked. */
import type { ReadEvent } from "../store/read.js";
import type { Question } from "./question.js";
import { cursorOfReading } from "./cursor.js";
import type { Reading, Resolved } from "./reading.js";

/** How a follow is read: a reading, and when it stops. */
export interface FollowReading extends Reading {
  /** Abort to stop following. */
  signal?: AbortSignal | undefined;
  /** How often the store is looked at besides the watcher's word (ms); default 25 (100 with a cursor; 1,000 for a database, whose NOTIFY wakes it). */
  pollMs?: number | undefined;
  /** With a cursor (`after` or `cursorWhere`): called after each round's events were taken, with the position after them (awaited). */
  onPosition?: ((cursor: string) => void | Promise<void>) | undefined;
}

/**
 * Follows the stores like `tail -F`: the last `question.limit` matching events (default
 * 10; with `since`, every one since then), then each new one as it is appended, each exactly once, masked unless
 * `reading.redact` is `false`. Ends when the signal aborts or `until` has passed.
 *
 * @example
 * const stop = new AbortController();
 * for await (const { line } of follow({ agent: "haiku-1" }, { signal: stop.signal })) console.log(line);
 */
export async function* follow(question: Question = {}, reading: FollowReading = {}): AsyncGenerator<ReadEvent> {
  const [{ resolveBoth }, { follow: followStores }, { toNdjson }] = await Promise.all([import("./resolve.js"), import("../query/follow.js"), import("../engine/facade.js")]);
  const { read, asked } = await resolveBoth(question, reading);
  try {
    yield* shownHits(followStores(asked, read, { backlog: asked.limit ?? (asked.filter.since !== undefined ? Infinity : 10), signal: reading.signal, pollMs: reading.pollMs, cursor: cursorOfReading(reading), onPosition: reading.onPosition }), read.maskOf, toNdjson);
  } finally {
    await read.database?.close();
  }
}

/** The followed hits as shown, each through its store's mask. */
async function* shownHits(hits: AsyncIterable<ReadEvent>, maskOf: Resolved["maskOf"], toNdjson: (h: ReadEvent[]) => Buffer): AsyncGenerator<ReadEvent> {
  for await (const hit of hits) {
    const shown = maskOf(hit.store).hit(hit);
    // A line that is not UTF-8 carries its stored bytes (a checked line's are its block's).
    yield shown.line.includes("\uFFFD") ? { event: shown.event, line: shown.line, bytes: toNdjson([shown]).subarray(0, -1), ...(hit.store ? { store: hit.store } : {}) } : shown;
  }
}
