/** A query as the command line states it: time words resolved, a timeline or a scan, then -n and --reverse. */
import { detach, toNdjson, type BadReport, type Hits } from "../engine/facade.js";
import type { ReadEvent } from "../store/read.js";
import type { Filter } from "./filter.js";
import { cursorBatches, requireOneStore, type QueryCursor } from "./cursor.js";
import { createRedactor, type Redactor } from "./redactor.js";
import { mergeStores, storeNames } from "./stores.js";
import type { IndexOption } from "./indexed.js";
import { flatten } from "./reorder.js";
import { resolveRange } from "./resolve.js";
import { scanBatches } from "./scan.js";
import { mergeHits, readQuerySources, selectionOf, selectSources, type QuerySources } from "./sources.js";
import { timelineBatches } from "./timeline.js";

/** A query as the command line states it. */
export interface QueryOptions {
  dir: string;
  /** Timeline target (task, agent or channel): its own events and what they caused. */
  target?: string | undefined;
  /** Plain filters; `since`/`until` here are ignored in favour of the WHEN texts below. */
  filter?: Omit<Filter, "since" | "until">;
  /** WHEN expressions (see `parseWhen`). */
  since?: string | undefined;
  until?: string | undefined;
  /** Only the last N matching events. */
  limit?: number | undefined;
  /** Newest first. */
  reverse?: boolean | undefined;
  /** Calendar times in UTC rather than local time. */
  utc?: boolean | undefined;
  /** The time `2h ago` counts from; default now. */
  now?: number | undefined;
  /** Use the plain reader (reference path). */
  plain?: boolean | undefined;
  /** When a filtered scan reads ahead on a helper thread: see `ScanOptions.readAhead`. */
  readAhead?: number | undefined;
  onBad?: (report: BadReport) => void;
  /** Filled with the target's title during a timeline query. */
  info?: { title?: string };
  /** The space-os databases read with the day files (`space`, `off`, and where their problems are told). */
  sources?: QuerySources;
  /** Only what reached the day files after `cursor.after`; `cursor.next` is set to where this query ends (sources are not read). */
  cursor?: QueryCursor;
  /** Several stores read as one history (`dir` is then the first): each event tagged with its store's name. */
  dirs?: readonly string[] | undefined;
  /** Events as they may be shown: each store's masking policy and tombstones applied (trace redact --help); default: as stored. */
  redact?: boolean | undefined;
  /** The indexes of sealed days (docs/format.md): used unless `false`, which reads every day whole (`--no-index`). */
  index?: IndexOption;
}

/**
 * Runs a query: resolves the time range, reads the timeline or the filtered scan,
 * then applies `limit` and `reverse`. Memory stays flat unless `limit` or `reverse`
 * asks to hold events.
 *
 * @example
 * for await (const { line } of query({ dir, filter: { agent: "haiku-1" }, since: "2h ago" })) console.log(line);
 */
export async function* query(options: QueryOptions): AsyncGenerator<ReadEvent> {
  yield* flatten(queryBatches(options));
}

/** `query` a batch at a time: what the CLI reads, one await per block of the file. */
export async function* queryBatches(options: QueryOptions): AsyncGenerator<Hits> {
  const sources = options.sources ?? {};
  const ctx = { dir: options.dir, now: options.now ?? Date.now(), utc: options.utc, agent: options.filter?.agent ?? options.target, sources, index: options.index };
  const filter: Filter = { ...options.filter, ...(await resolveRange(options.since, options.until, ctx)) };
  if (options.cursor) requireOneStore(options.dirs);
  const source = options.cursor
    ? masked(cursorBatches({ dir: options.dir, target: options.target, filter, onBad: options.onBad }, options.cursor), options.redact ? createRedactor(options.dir) : undefined)
    : (options.dirs?.length ?? 0) > 1
      ? await acrossStores(options, filter)
      : await storeBatches(options, filter);
  if (options.limit === undefined && !options.reverse) return yield* source;
  const kept = await lastN(flatten(source), options.limit ?? Infinity, detach);
  yield options.reverse ? kept.reverse() : kept;
}

/**
 * Several stores merged (stores.ts). A timeline's members are found first, over all the
 * stores until they grow no more (a cause in one store, its effect in another), then
 * each store's members go out merged.
 */
async function acrossStores(options: QueryOptions, filter: Filter): Promise<AsyncGenerator<Hits>> {
  const dirs = options.dirs!;
  const names = storeNames(dirs);
  let members: Set<string> | undefined;
  if (options.target !== undefined) {
    members = new Set<string>();
    for (let size = -1; members.size !== size; ) {
      size = members.size;
      for (const dir of dirs) for await (const hits of timelineBatches({ dir, target: options.target, members, onBad: () => undefined, index: options.index })) void hits;
    }
  }
  // The stores are read at once, interleaved: a read-ahead thread each would crowd the cores.
  const streams = await Promise.all(dirs.map(async (dir, i) => ({ store: names[i]!, batches: await storeBatches({ ...options, dir, readAhead: Infinity }, filter, members && new Set(members)) })));
  return mergeStores(streams);
}

/** The day files' timeline or scan, with the sources' events merged in; `seed` starts a timeline's members. */
async function storeBatches(options: QueryOptions, filter: Filter, seed?: Set<string>): Promise<AsyncGenerator<Hits>> {
  const all = await readQuerySources(options.dir, options.sources ?? {}, selectionOf(filter, options.target));
  // The sources' members seed the timeline: day-file events they caused belong to it.
  const members = seed ?? new Set<string>();
  const extra = selectSources(all, filter, options.target, members);
  const redactor = options.redact ? createRedactor(options.dir) : undefined;
  const files =
    options.target === undefined
      ? scanBatches({ dir: options.dir, filter, plain: options.plain, onBad: options.onBad, readAhead: options.readAhead, redactor, index: options.index })
      : masked(timelineBatches({ dir: options.dir, target: options.target, filter, plain: options.plain, onBad: options.onBad, info: options.info, members, index: options.index }), redactor);
  if (options.info && options.info.title === undefined) {
    const titled = extra.find((h) => h.event.target_id === options.target && typeof h.event.metadata.title === "string");
    if (titled) options.info.title = titled.event.metadata.title as string;
  }
  return mergeHits(files, redactor ? extra.map((h) => redactor.hit(h)) : extra);
}

/** Batches as the store's redactor lets them be shown (a timeline's few lines, looked at batch by batch); as they are without one. */
function masked(batches: AsyncGenerator<Hits>, redactor: Redactor | undefined): AsyncGenerator<Hits> {
  if (!redactor) return batches;
  return (async function* () {
    for await (const hits of batches) yield redactor.hits(hits);
  })();
}

/**
 * The query's stored lines as NDJSON, a chunk of bytes at a time: what `trace --json`
 * prints. Lines the byte check accepted go out as the bytes read, never decoded.
 *
 * @example
 * for await (const chunk of queryNdjson({ dir, filter: { agent: "haiku-1" } })) process.stdout.write(chunk);
 */
export async function* queryNdjson(options: QueryOptions): AsyncGenerator<Buffer> {
  for await (const hits of queryBatches(options)) if (hits.length > 0) yield toNdjson(hits);
}

/** The last `n` items of a stream, in order, holding at most `n` at a time (each as `keep` makes it). */
async function lastN<T>(source: AsyncIterable<T>, n: number, keep: (item: T) => T = (item) => item): Promise<T[]> {
  const ring: T[] = [];
  if (n <= 0) {
    for await (const _ of source);
    return ring;
  }
  let at = 0;
  for await (const item of source) {
    if (ring.length < n) ring.push(keep(item));
    else {
      ring[at] = keep(item);
      at = (at + 1) % n;
    }
  }
  return ring.length < n ? ring : [...ring.slice(at), ...ring.slice(0, at)];
}
