/** Following a store like `tail -F`: the backlog, then every line appended, once. */
import { stat } from "node:fs/promises";
import { existsSync } from "node:fs";
import { basename } from "node:path";
import type { FSWatcher } from "chokidar";
import { eventsOf } from "../engine/facade.js";
import { parseEventLine } from "../event/envelope.js";
import { dayOf, listDayFiles, parseDayFileName } from "../store/layout.js";
import type { ReadEvent } from "../store/read.js";
import { createTailer } from "../store/tail.js";
import { matches } from "./filter.js";
import { fastFile } from "./scan.js";
import { requireOneStore, type QueryCursor } from "./cursor.js";
import { followCursor, type FollowBase } from "./follow-cursor.js";
import { storeNames } from "./stores.js";
import { createSourceTail, mergeHits, selectionOf, selectSources, type QuerySources } from "./sources.js";
import { joinsTimeline, timeline } from "./timeline.js";

/** What to follow and how. */
export interface FollowOptions extends FollowBase {
  /** Notes for stderr: truncation, replaced files. */
  onNote?: (message: string) => void;
  /** The space-os databases followed with the day files: new rows appear as they are committed. */
  sources?: QuerySources;
  /** Several stores followed as one (`dir` is then the first): each event tagged with its store's name. */
  dirs?: readonly string[] | undefined;
  /** Follow from a cursor (`after`; none: the last `backlog` events), reading the day files only; `onPosition` gets the position after each round. */
  cursor?: QueryCursor;
  onPosition?: (cursor: string) => void | Promise<void>;
}

const DAY_MS = 86_400_000;

/**
 * Follows the store like `tail -F`: the last `backlog` matching events, then each new
 * one as it is appended, in file order, each exactly once. chokidar is a wake-up hint
 * only; a timer re-reads too, since watchers drop changes in bursts. Ends when the
 * signal aborts or `filter.until` has passed.
 *
 * @example
 * for await (const { line } of follow({ dir, filter: { agent: "haiku-1" }, signal })) console.log(line);
 */
export async function* follow(options: FollowOptions): AsyncGenerator<ReadEvent> {
  if (options.cursor) {
    requireOneStore(options.dirs);
    return yield* followCursor({ ...options, cursor: options.cursor, onPosition: options.onPosition });
  }
  if ((options.dirs?.length ?? 0) > 1) return yield* followAcross(options);
  const filter = options.filter ?? {};
  const { signal } = options;
  // Loaded when a follow starts: every other command's start skips chokidar's.
  const { watch } = await import("chokidar");
  const members = new Set<string>();
  const tailer = createTailer(options.onNote ?? (() => undefined));
  const files = listDayFiles(options.dir);
  const ends = new Map<string, number>();
  for (const f of files) {
    const info = await stat(f.path).catch(() => undefined);
    if (!info) continue;
    if (!f.gz) ends.set(f.path, info.size);
    tailer.start(f.path, info.ino, info.size);
  }
  const sourceTail = createSourceTail(options.dir, { onNote: options.onNote, ...options.sources }, selectionOf(filter, options.target));
  const backlog = await backlogOf(options, members, ends);
  // The sources' backlog joins the day files' (their last `backlog` events together).
  const fromSources = selectSources(await sourceTail.start(), filter, options.target, members);
  const n = options.backlog ?? 10;
  // The day files' backlog keeps its file order; the sources' events go in by time.
  const merged: ReadEvent[] = [];
  for await (const hits of mergeHits(oneBatch(backlog), fromSources)) merged.push(...eventsOf(hits));
  if (n > 0) yield* merged.slice(-n);
  const firstDay = dayOf(Date.now() - DAY_MS);
  const dirty = new Set<string>();
  let wake: () => void = () => undefined;
  const onChange = (path: string): void => {
    if (parseDayFileName(basename(path))) dirty.add(path);
    wake();
  };
  let watcher: FSWatcher | undefined;
  const onAbort = (): void => wake();
  signal?.addEventListener("abort", onAbort);
  try {
    while (!signal?.aborted) {
      if (!watcher && existsSync(options.dir)) {
        watcher = watch(options.dir, { ignoreInitial: true, depth: 0, atomic: false }).on("all", (_event, path) => onChange(path));
      }
      const all = listDayFiles(options.dir);
      tailer.keepOnly(all);
      // Recent days, plus any older day the watcher saw change (a backfill), read from where it was.
      const recent = all.filter((f) => f.day >= firstDay || dirty.has(f.path));
      dirty.clear();
      for (const { path, line, bytes } of await tailer.read(recent)) {
        const event = parseEventLine(line);
        if (!event) {
          options.onNote?.(`${path}: skipped a bad line (${JSON.stringify(line.slice(0, 40))}…)`);
          continue;
        }
        const member = options.target === undefined || joinsTimeline(options.target, event, members);
        if (!member) continue;
        if (options.target !== undefined) members.add(event.id);
        if (matches(filter, event)) yield bytes ? { event, line, bytes } : { event, line };
      }
      for (const hit of selectSources(await sourceTail.poll(Date.now()), filter, options.target, members)) yield hit;
      if (filter.until !== undefined && Date.now() > filter.until) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollMs ?? 25);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    await watcher?.close();
    await tailer.close();
  }
}

/** The last `backlog` matching events of the store as it was when following began. */
async function backlogOf(options: FollowOptions, members: Set<string>, ends: Map<string, number>): Promise<ReadEvent[]> {
  const n = options.backlog ?? 10;
  const filter = options.filter ?? {};
  const kept: ReadEvent[] = [];
  if (options.target !== undefined) {
    // Membership needs the whole history, so a target's backlog reads it all.
    for await (const hit of timeline({ dir: options.dir, target: options.target, filter, members, ends, onBad: options.onBad })) {
      kept.push(hit);
      if (kept.length > n) kept.shift();
    }
    return kept;
  }
  for (const file of listDayFiles(options.dir, { from: filter.since }).reverse()) {
    if (kept.length >= n) break;
    const inFile: ReadEvent[] = [];
    for await (const batch of fastFile(file, filter, { onBad: options.onBad, end: ends.get(file.path) ?? 0 })) inFile.push(...batch);
    kept.unshift(...inFile.slice(Math.max(0, inFile.length - (n - kept.length))));
  }
  return n === 0 ? [] : kept.slice(-n);
}

/**
 * Several stores followed at once: each store's follower, their events as they come,
 * tagged with the store's name (a follower shows arrival, not a merged order).
 */
async function* followAcross(options: FollowOptions): AsyncGenerator<ReadEvent> {
  const names = storeNames(options.dirs!);
  const its = options.dirs!.map((dir, i) => ({ store: names[i]!, it: follow({ ...options, dir, dirs: undefined }) }));
  const next = (k: number) => its[k]!.it.next().then((r) => ({ k, r }));
  const pending = new Map(its.map((_, k) => [k, next(k)]));
  try {
    while (pending.size > 0) {
      const { k, r } = await Promise.race(pending.values());
      if (r.done) {
        pending.delete(k);
        continue;
      }
      const hit = r.value;
      hit.store = its[k]!.store;
      yield hit;
      pending.set(k, next(k));
    }
  } finally {
    await Promise.all(its.map((x) => x.it.return(undefined)));
  }
}

/** One batch of hits, as a stream. */
async function* oneBatch(hits: ReadEvent[]): AsyncGenerator<ReadEvent[]> {
  yield hits;
}
