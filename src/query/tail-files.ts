/**
 * A store's day files as a follower reads them, like `tail -F`: the backlog as the
 * files stood when following began, then each line appended since, once, in file order.
 * chokidar is a wake-up hint only: the follower also polls, since watchers drop changes
 * in bursts.
 */
import { existsSync } from "node:fs";
import { basename } from "node:path";
import type { FSWatcher } from "chokidar";
import { eventsOf } from "../engine/facade.js";
import { parseEventLine } from "../event/envelope.js";
import type { BadReport } from "../store/lines.js";
import { dayOf, listDayFiles, parseDayFileName } from "../store/layout.js";
import type { ReadEvent } from "../store/read.js";
import { createTailer } from "../store/tail.js";
import { matches, type Filter } from "./filter.js";
import { fastFile } from "./scan.js";
import { joinsTimeline, timeline } from "./timeline.js";

const DAY_MS = 86_400_000;
/** How often every day is looked at, not only recent ones and those the watcher named (ms): watchers drop changes in bursts. */
const FULL_LOOK_MS = 1_000;

/** A backend followed: its backlog as it stood when following began, then what arrives, each event once. */
export interface Tail {
  /** The last `n` matching events at the start, in order. */
  backlog(n: number): Promise<ReadEvent[]>;
  /** What arrived since the last call, in arrival order. */
  poll(): Promise<ReadEvent[]>;
  close(): Promise<void>;
}

/** What a day-file tail reads, and where it tells what it meets. */
export interface FilesTailOptions {
  dir: string;
  target: string | undefined;
  filter: Filter;
  /** The timeline's members so far (a target's), shared with the other backends' tails. */
  members: Set<string>;
  onBad?: ((report: BadReport) => void) | undefined;
  /** Truncation, replaced files, bad lines appended. */
  onNote?: ((message: string) => void) | undefined;
}

/**
 * The day files' tail of the store `opts.dir`: `backlog(n)` the last n matching events
 * as the files stood at the start, `poll()` what was appended since the last call;
 * `wake` is called when the folder changed.
 *
 * @example
 * const tail = await tailFiles({ dir, target: undefined, filter: {}, members: new Set() }, () => wake());
 */
export async function tailFiles(opts: FilesTailOptions, wake: () => void): Promise<Tail> {
  const { dir, target, filter, members } = opts;
  const { watch } = await import("chokidar");
  // Loaded here, not at the module's top: a question that never follows must not pay for it (2 ms).
  const { stat } = process.getBuiltinModule("node:fs/promises");
  const tailer = createTailer(opts.onNote ?? (() => undefined));
  const ends = new Map<string, number>();
  for (const f of listDayFiles(dir)) {
    const info = await stat(f.path).catch(() => undefined);
    if (!info) continue;
    if (!f.gz) ends.set(f.path, info.size);
    tailer.start(f.path, info.ino, info.size);
  }
  const firstDay = dayOf(Date.now() - DAY_MS);
  const dirty = new Set<string>();
  let lastFull = Date.now();
  let watcher: FSWatcher | undefined;
  const onChange = (path: string): void => {
    if (parseDayFileName(basename(path))) dirty.add(path);
    wake();
  };
  return {
    backlog: (n) => backlogOf(opts, n, ends),
    async poll() {
      if (!watcher && existsSync(dir)) watcher = watch(dir, { ignoreInitial: true, depth: 0, atomic: false }).on("all", (_event, path) => onChange(path));
      const all = listDayFiles(dir);
      tailer.keepOnly(all);
      // Recent days, plus any older day the watcher saw change (a backfill), read from where
      // it was; every day once a second, for the changes the watcher dropped (a late event
      // appended to an old `.gz`).
      const full = Date.now() - lastFull >= FULL_LOOK_MS;
      if (full) lastFull = Date.now();
      const recent = all.filter((f) => full || f.day >= firstDay || dirty.has(f.path));
      dirty.clear();
      const out: ReadEvent[] = [];
      for (const { path, line, bytes } of await tailer.read(recent)) {
        const event = parseEventLine(line);
        if (!event) {
          opts.onNote?.(`${path}: skipped a bad line (${JSON.stringify(line.slice(0, 40))}…)`);
          continue;
        }
        if (target !== undefined && !joinsTimeline(target, event, members)) continue;
        if (target !== undefined) members.add(event.id);
        if (matches(filter, event)) out.push(bytes ? { event, line, bytes } : { event, line });
      }
      return out;
    },
    async close() {
      await watcher?.close();
      await tailer.close();
    },
  };
}

/** The last `n` matching events of the store as it was when following began. */
async function backlogOf(opts: FilesTailOptions, n: number, ends: Map<string, number>): Promise<ReadEvent[]> {
  const { dir, target, filter, members } = opts;
  let kept: ReadEvent[] = [];
  if (target !== undefined) {
    // Membership needs the whole history, so a target's backlog reads it all.
    for await (const hit of timeline({ dir, target, filter, members, ends, onBad: opts.onBad })) {
      kept.push(hit);
      if (kept.length > n) kept.shift();
    }
    return kept;
  }
  for (const file of listDayFiles(dir, { from: filter.since }).reverse()) {
    if (kept.length >= n) break;
    const inFile: ReadEvent[] = [];
    for await (const batch of fastFile(file, filter, { onBad: opts.onBad, end: ends.get(file.path) ?? 0 })) for (const hit of eventsOf(batch)) inFile.push(hit);
    // No spread: `-f --since` keeps every event since then, which may be many.
    kept = inFile.slice(Math.max(0, inFile.length - (n - kept.length))).concat(kept);
  }
  return n === 0 ? [] : kept.slice(-n);
}
