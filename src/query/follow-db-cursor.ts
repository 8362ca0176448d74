/**
 * Following a central database from a cursor (`db:SEQ`): the events after it (without
 * one, its last `backlog` events), then, each time the database says rows arrived
 * (NOTIFY, or a look once a second), the events after the last position; after each
 * round the position is handed out, so a follower restarted resumes where it stopped.
 */
import type { ReadEvent } from "../store/read.js";
import type { Asked } from "./asked.js";
import type { DatabaseBackend } from "./backend-types.js";
import type { QueryCursor } from "./cursor.js";

/** How a database follower with a cursor runs (follow.ts's options). */
export interface DatabaseCursorFollow {
  cursor: QueryCursor;
  backlog?: number | undefined;
  signal?: AbortSignal | undefined;
  pollMs?: number | undefined;
  onPosition?: ((cursor: string) => void | Promise<void>) | undefined;
}

/**
 * Follows `db` from `options.cursor.after`, each event once; ends when the signal aborts,
 * after the round in progress.
 *
 * @example
 * for await (const hit of followDatabaseCursor(db, asked, { cursor: { after: "db:42" }, onPosition: save })) print(hit);
 */
export async function* followDatabaseCursor(db: DatabaseBackend, asked: Asked, options: DatabaseCursorFollow): AsyncGenerator<ReadEvent> {
  const { target, filter } = asked;
  const { signal } = options;
  let wake: () => void = () => undefined;
  // The tail is opened for its LISTEN alone: each round is a cursor read (a timeline's is its membership over the whole history).
  const tail = await db.tail(target, filter, new Set(), () => wake());
  const onAbort = (): void => wake();
  signal?.addEventListener("abort", onAbort);
  try {
    let after = options.cursor.after;
    let again = false;
    for (let round = 0; !signal?.aborted; round++) {
      const cursor: QueryCursor = { after, where: options.cursor.where };
      const first = round === 0 && after === undefined;
      // No position yet: the last `backlog` events, as a follower without a cursor starts.
      const n = options.backlog ?? 10;
      const kept: ReadEvent[] = [];
      let printed = 0;
      try {
        for await (const hits of db.after(target, filter, cursor)) {
          if (first) for (const hit of hits) (kept.push(hit), kept.length > n && kept.shift());
          else for (const hit of hits) (printed++, yield hit);
        }
      } catch (err) {
        // A round cut before it printed anything is read again, once, after the tail's look
        // has waited for the server (the look throws what is not a lost connection).
        if (printed > 0 || again) throw err;
        await tail.poll();
        (again = true), round--;
        continue;
      }
      again = false;
      if (first && n > 0) yield* kept;
      after = cursor.next!;
      options.cursor.next = after;
      await options.onPosition?.(after);
      if (filter.until !== undefined && Date.now() > filter.until) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollMs ?? 1000);
        wake = () => (clearTimeout(timer), resolve());
      });
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    await tail.close();
  }
}
