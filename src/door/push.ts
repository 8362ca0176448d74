/**
 * The library's door for a live push: `trace export --format otlp --follow --endpoint`.
 * New events go to an OTLP/HTTP endpoint in batches as they arrive, masked as every
 * export; while the endpoint is down or busy (a refused connection, 408, 429, 5xx) the
 * batch is sent again with backoff and the store is the buffer. With a cursor file the
 * position is written only after a round's events were acknowledged, so a restart
 * resumes where the last acknowledged round ended: nothing is lost, and what a killed
 * push sent after its last position is sent again (a `trace receive` endpoint takes a
 * span sent twice as one event).
 */
import { UsageError } from "../errors.js";
import type { TraceEvent } from "../event/envelope.js";
import { readCursorFile, writeCursorFile } from "../store/cursor.js";
import type { Question } from "./question.js";
import type { Reading } from "./reading.js";

/** Where and how to push. */
export interface PushOptions {
  /** The OTLP/HTTP traces URL (`http://collector:4318/v1/traces`). */
  endpoint: string;
  /** Resume after the position this file holds (everything, when it does not exist yet), and write each acknowledged round's. */
  cursorFile?: string | undefined;
  /** Abort to stop; a batch not yet acknowledged is sent again by the next push. */
  signal?: AbortSignal | undefined;
  /** Spans per request (default 512). */
  batchSize?: number | undefined;
  /** The longest wait between tries (ms, default 30 s). */
  maxBackoffMs?: number | undefined;
  /** Told of each acknowledged request. */
  onSent?: ((spans: number) => void) | undefined;
  /** Told once the push has started following the store. */
  onStart?: (() => void) | undefined;
  /** Told of each failed try, with the wait before the next. */
  onRetry?: ((why: string, waitMs: number) => void) | undefined;
}

/** A wait that an abort cuts short. */
const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

/** How long a batch may wait for more events before it is sent. */
const LINGER_MS = 100;

/**
 * Follows the store and pushes each new event (matching `question`) to `options.endpoint`
 * as OTLP/JSON, until `options.signal` aborts. Resolves with the spans acknowledged;
 * rejects on an answer that retrying cannot change (a 4xx other than 408 and 429).
 *
 * @example
 * const stop = new AbortController();
 * await push({ agent: "haiku-1" }, { dir }, { endpoint: "http://localhost:4318/v1/traces", cursorFile: "push.cursor", signal: stop.signal });
 */
export async function push(question: Question, reading: Reading, options: PushOptions): Promise<{ sent: number }> {
  let url: URL;
  try {
    url = new URL(options.endpoint);
  } catch {
    throw new UsageError(`--endpoint ${JSON.stringify(options.endpoint)}: not a URL (http://host:4318/v1/traces)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--endpoint ${options.endpoint}: an http:// or https:// URL`);
  if (options.cursorFile === "") throw new UsageError("--cursor-file: name a file");
  const [{ resolveBoth }, { follow }, exporting, { readQuerySources }] = await Promise.all([import("./resolve.js"), import("../query/follow.js"), import("../export/export.js"), import("../query/sources.js")]);
  const { read, asked } = await resolveBoth(question, reading, { forceMask: true });
  const dir = read.dirs[0]!;
  const known = async (): Promise<ReadonlyMap<string, TraceEvent>> => new Map((await readQuerySources(dir, { ...read.sources, onNote: undefined })).map((h) => [h.event.id, h.event]));
  const itemsOf = exporting.createItemMaker(exporting.createRootResolver(dir, known));
  const batchSize = options.batchSize ?? 512;
  let sent = 0;
  let pending: TraceEvent[] = [];
  const send = async (events: TraceEvent[]): Promise<boolean> => {
    const body = exporting.otlpRequest(await itemsOf(events));
    for (let wait = 500, tries = 1; ; wait = Math.min(wait * 2, options.maxBackoffMs ?? 30_000), tries++) {
      if (options.signal?.aborted) return false;
      let why: string;
      try {
        const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, signal: options.signal });
        const text = await r.text();
        if (r.ok) return true;
        if (r.status !== 408 && r.status !== 429 && r.status < 500) throw new Error(`${options.endpoint} answered ${r.status}: ${text.slice(0, 200)}; the events are left for the next push`);
        const after = Number(r.headers.get("retry-after"));
        if (Number.isFinite(after) && after > 0) wait = Math.min(after * 1000, options.maxBackoffMs ?? 30_000);
        why = `${options.endpoint} answered ${r.status}`;
      } catch (err) {
        if (options.signal?.aborted) return false;
        if (!(err instanceof TypeError)) throw err;
        const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
        why = `${options.endpoint}: ${cause?.code ?? cause?.message ?? (err as Error).message}`;
      }
      options.onRetry?.(`${why} (try ${tries})`, wait);
      await sleep(wait, options.signal);
    }
  };
  const drain = async (): Promise<boolean> => {
    while (pending.length > 0) {
      const batch = pending.slice(0, batchSize);
      if (!(await send(batch))) return false;
      pending = pending.slice(batch.length);
      sent += batch.length;
      options.onSent?.(batch.length);
    }
    return true;
  };
  // One send at a time: a lingering batch and a round's end must not send the same events twice.
  let sending: Promise<boolean> = Promise.resolve(true);
  const flush = (): Promise<boolean> => (sending = sending.then(drain, drain));
  const after = options.cursorFile === undefined ? undefined : readCursorFile(options.cursorFile);
  const cursor = options.cursorFile === undefined ? undefined : { after, where: `--cursor-file ${options.cursorFile}` };
  const hits = follow(asked, read, {
    // With a cursor, everything after it (all, the first time); else what --since names, or only what comes.
    backlog: asked.limit ?? (cursor !== undefined || asked.filter.since !== undefined ? Infinity : 0),
    signal: options.signal,
    cursor,
    // A round's position is written once its events were acknowledged.
    onPosition: async (position) => {
      if ((await flush()) && options.cursorFile !== undefined) writeCursorFile(options.cursorFile, position);
    },
  })[Symbol.asyncIterator]();
  options.onStart?.();
  const IDLE = Symbol("idle");
  let next = hits.next();
  for (;;) {
    const got = pending.length > 0 ? await Promise.race([next, sleep(LINGER_MS).then(() => IDLE)]) : await next;
    if (typeof got === "symbol") {
      if (!(await flush())) break;
      continue;
    }
    if (got.done) break;
    pending.push(read.maskOf(got.value.store).hit(got.value).event);
    next = hits.next();
    if (pending.length >= batchSize && !(await flush())) break;
  }
  await hits.return?.(undefined);
  return { sent };
}
