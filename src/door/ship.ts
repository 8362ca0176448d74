/**
 * The library's door for shipping: one host's store (and its space-os sources) into a
 * central PostgreSQL. New events are followed as `-f` follows them and written in
 * batches (db/write.ts: COPY, then ON CONFLICT DO NOTHING); the position goes to the
 * cursor file only after its events were committed, so a shipper killed anywhere
 * resumes from its last committed round and what it sends again is taken once. While
 * the server is away the store is the buffer: the batch is tried again with backoff.
 */
import { hostname } from "node:os";
import { join } from "node:path";
import { UsageError } from "../errors.js";
import type { ReadEvent } from "../store/read.js";
import { readCursorFile, writeCursorFile } from "../store/cursor.js";
import type { DbClient } from "../db/connect.js";
import type { Question } from "./question.js";
import type { Reading } from "./reading.js";

/** Where and how to ship. */
export interface ShipOptions {
  /** The database (`postgresql://…`). */
  to: string;
  /** The position file; default `.ship-HASH.cursor` in the store, one per database. */
  cursorFile?: string | undefined;
  /** Ship what is there and return (`--once`), rather than follow. */
  once?: boolean | undefined;
  /** Abort to stop following; a batch not yet committed is shipped by the next run. */
  signal?: AbortSignal | undefined;
  /** Events per transaction (default 5,000). */
  batchSize?: number | undefined;
  /** The host the store lives on (default this machine's name). */
  host?: string | undefined;
  /** The longest wait between tries (ms, default 30 s). */
  maxBackoffMs?: number | undefined;
  /** Told of each committed batch: events sent and how many were new. */
  onShipped?: ((sent: number, added: number) => void) | undefined;
  /** Told of each failed try, with the wait before the next. */
  onRetry?: ((why: string, waitMs: number) => void) | undefined;
  /** Told once shipping has started following the store. */
  onStart?: (() => void) | undefined;
}

/** What a ship did: events sent, and how many of them the database did not hold yet. */
export interface Shipped {
  sent: number;
  added: number;
}

/** A wait that an abort cuts short. */
const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => (clearTimeout(timer), signal?.removeEventListener("abort", done), resolve());
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });

/**
 * The default position file of shipping `dir` to `url`: one per database, in the store.
 *
 * @example
 * shipCursorPath(".space/trace", "postgresql://db/trace"); // ".space/trace/.ship-3f2a….cursor"
 */
export function shipCursorPath(dir: string, url: string): string {
  // The database's address without its password: a new password is the same database.
  const where = url.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/i, "$1@");
  return join(dir, `.ship-${process.getBuiltinModule("node:crypto").createHash("sha256").update(where).digest("hex").slice(0, 12)}.cursor`);
}

/**
 * Ships the store the reading names into the database `options.to`, creating or
 * migrating its schema first: with `once`, what is there now, then returns; else
 * follows until the signal aborts. Rejects with a UsageError for a database that cannot
 * be used (a bad URL, credentials, no such database); waits and tries again while it is away.
 *
 * @example
 * await ship({}, { dir: ".space/trace" }, { to: "postgresql://trace@db/trace", once: true });
 */
export async function ship(question: Question, reading: Reading, options: ShipOptions): Promise<Shipped> {
  const [{ resolveBoth }, { connect, isTransient, shownUrl }, { migrate }, { writeBatch }, { follow }, { answer }, sources, { storeNames }] = await Promise.all([
    import("./resolve.js"), import("../db/connect.js"), import("../db/schema.js"), import("../db/write.js"), import("../query/follow.js"), import("../query/query.js"), import("../query/sources.js"), import("../query/stores.js"),
  ]);
  const { eventsOf } = await import("../engine/facade.js");
  // Shipped as stored: the database is the store's copy, masked when it is read.
  const { read, asked } = await resolveBoth(question, { ...reading, db: undefined, redact: false });
  if (read.dirs.length > 1) throw new UsageError("ship: one store per shipper (--dir once); run one for each store");
  const dir = read.dirs[0]!;
  const from = { store: storeNames([dir])[0]!, host: options.host ?? hostname() };
  const cursorFile = options.cursorFile ?? shipCursorPath(dir, options.to);
  const cursor = { after: readCursorFile(cursorFile), where: `--cursor-file ${cursorFile}` };
  const batchSize = options.batchSize ?? 5000;
  const done: Shipped = { sent: 0, added: 0 };
  let db: DbClient | undefined;
  let migrated = false;
  const signal = options.signal;
  // One connection, made again after the server went away; the schema made or migrated once.
  const writeAll = async (hits: readonly ReadEvent[]): Promise<boolean> => {
    for (let at = 0; at < hits.length; ) {
      const batch = hits.slice(at, at + batchSize);
      for (let wait = 250, tries = 1; ; wait = Math.min(wait * 2, options.maxBackoffMs ?? 30_000), tries++) {
        if (signal?.aborted) return false;
        try {
          db ??= await connect(options.to);
          if (!migrated) (await migrate(db), (migrated = true));
          const added = await writeBatch(db, batch, from);
          done.sent += batch.length;
          done.added += added;
          options.onShipped?.(batch.length, added);
          break;
        } catch (err) {
          if (!isTransient(err)) throw err;
          await db?.end().catch(() => {});
          db = undefined;
          const why = err instanceof UsageError ? err.message : `--db ${shownUrl(options.to)}: ${(err as Error).message}`;
          options.onRetry?.(`${why} (try ${tries})`, wait);
          await sleep(wait, signal);
        }
      }
      at += batch.length;
    }
    return true;
  };
  const quiet = { ...read.sources, onNote: undefined };
  try {
    // The sources first: their events are few, derived again on every read, and their ids stable.
    const tail = sources.createSourceTail(dir, quiet);
    if (!(await writeAll(await tail.start()))) return done;
    if (options.once) {
      const answered = answer(asked, read, cursor);
      let pending: ReadEvent[] = [];
      // The next batch is read while the database takes the last one; one batch in flight.
      let writing: Promise<boolean> = Promise.resolve(true);
      const send = async (batch: ReadEvent[]): Promise<boolean> => {
        if (!(await writing)) return false;
        writing = writeAll(batch);
        writing.catch(() => {}); // awaited at the next send or at the end
        return true;
      };
      for await (const hits of answered.batches) {
        for (const hit of eventsOf(hits)) pending.push({ event: hit.event, line: hit.line });
        if (pending.length >= batchSize && !(await send(pending.splice(0)))) return done;
      }
      if ((await send(pending)) && (await writing) && answered.position !== undefined) writeCursorFile(cursorFile, answered.position);
      return done;
    }
    let pending: ReadEvent[] = [];
    const hits = follow(asked, read, {
      backlog: Infinity,
      signal,
      cursor,
      // A round's position is written once its events (and the sources' news) are committed.
      onPosition: async (position) => {
        const fresh = await tail.poll(Date.now());
        const round = [...pending, ...fresh];
        pending = [];
        if (await writeAll(round)) writeCursorFile(cursorFile, position);
      },
    });
    options.onStart?.();
    for await (const hit of hits) {
      pending.push({ event: hit.event, line: hit.line });
      if (pending.length >= batchSize * 4 && (await writeAll(pending))) pending = [];
    }
    return done;
  } finally {
    await db?.end().catch(() => {});
  }
}
