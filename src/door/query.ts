/** The library's door for queries: a question and a reading in, masked events out. */
import type { Hits } from "../engine/facade.js";
import type { Answered } from "../query/query.js";
import type { ReadEvent } from "../store/read.js";
import type { Question } from "./question.js";
import { cursorOfReading } from "./cursor.js";
import type { Reading } from "./reading.js";
import { tellChangedSinceSeal } from "./seal.js";

/**
 * A question's answer, read once: iterate it for its events, or take them a batch at a
 * time, or as the stored NDJSON. What it learns while read is on it.
 */
export interface Answer extends AsyncIterable<ReadEvent> {
  /** The events a batch at a time (one await per block of a day file): the fast loop. */
  batches(): AsyncGenerator<readonly ReadEvent[]>;
  /** The lines as stored (masked where the policy says), as NDJSON chunks: what `trace --json` prints. */
  ndjson(options?: NdjsonOptions): AsyncGenerator<Buffer>;
  /** The timeline target's title (its first event with `metadata.title`), once read that far. */
  readonly title: string | undefined;
  /** With `Reading.after` (or `cursorWhere`): the position after what this answer reads, for the next query. */
  readonly position: string | undefined;
}

/** How `Answer.ndjson` hands its chunks over. */
export interface NdjsonOptions {
  /**
   * Each chunk is lent: valid only until the next is asked for, when its memory is
   * written again. For a reader that writes each chunk out before asking for more, as
   * `trace --json` does: a long answer then goes through the same pages instead of fresh
   * ones, which cost more to touch than the copy into them.
   */
  lend?: boolean | undefined;
}

/**
 * Asks a question: a target's timeline, or the events that pass the filters, over
 * every store and source the reading names, in (timestamp, id) order, masked unless
 * `reading.redact` is `false`.
 *
 * @example
 * for await (const { event } of query({ target: "task-abc123" }, { dir: "logs/payments" })) console.log(event.event_type);
 * const answer = query({ agent: "haiku-1", since: "2h ago" });
 * for await (const chunk of answer.ndjson()) process.stdout.write(chunk);
 * for await (const chunk of answer.ndjson({ lend: true })) fs.writeSync(1, chunk);
 */
export function query(question: Question = {}, reading: Reading = {}): Answer {
  const cursor = cursorOfReading(reading);
  let answered: Answered | undefined;
  let started = false;
  // The engine loads with the first question, as the query layers do.
  const engine = (): Promise<typeof import("../engine/facade.js")> => import("../engine/facade.js");
  const hits = async function* (lend = false): AsyncGenerator<Hits> {
    if (started) throw new Error("an Answer is read once: ask again for another pass");
    started = true;
    // The query layers load with the first question: a writer's or `--version`'s start skips them.
    const [{ resolveBoth }, { answer }] = await Promise.all([import("./resolve.js"), import("../query/query.js")]);
    const { read, asked } = await resolveBoth(question, reading);
    try {
      if (!read.database) tellChangedSinceSeal(read.dirs, asked.filter, reading.onNote);
      answered = answer(asked, { ...read, lend }, cursor);
      yield* answered.batches;
    } finally {
      await read.database?.close();
    }
  };
  return {
    async *[Symbol.asyncIterator]() {
      const { eventsOf } = await engine();
      for await (const batch of hits()) yield* eventsOf(batch);
    },
    async *batches() {
      const { eventsOf } = await engine();
      for await (const batch of hits()) yield eventsOf(batch);
    },
    async *ndjson(options = {}) {
      const { toNdjson } = await engine();
      for await (const batch of hits(options.lend === true)) if (batch.length > 0) yield toNdjson(batch);
    },
    get title() {
      return answered?.title;
    },
    get position() {
      return answered?.position;
    },
  };
}
