/**
 * Where events are read from, behind one interface: a store's day files (with their
 * indexes and the engine) and a workspace's space-os databases are two backends; a
 * central PostgreSQL would be one more. The query kinds — a filtered listing, a
 * timeline, several stores merged, a follow, a tree across stores — are written once,
 * over backends (query.ts, follow.ts, causality/across.ts); each backend answers the
 * same four questions, in (timestamp, id) order, its events through its store's masking
 * step. (A tree of one store still takes its own pass over the day files from the root's
 * day on, and `--infer` needs every event of a session: causality/tree.ts.)
 */
import type { Hits } from "../engine/facade.js";
import type { TraceEvent } from "../event/envelope.js";
import type { ReadEvent } from "../store/read.js";
import type { Read } from "./asked.js";
import { masked } from "./batches.js";
import type { Filter } from "./filter.js";
import { findById } from "./lookup.js";
import { scanBatches } from "./scan.js";
import { createSourceTail, readQuerySources, selectionOf, selectSources } from "./sources.js";
import { tailFiles, type Tail } from "./tail-files.js";
import { timelineBatches } from "./timeline.js";

export type { Backend, DatabaseBackend } from "./backend-types.js";
import type { Backend } from "./backend-types.js";

/** A target no event has: a members pass then finds only the descendants of its seed. */
const NOBODY = "00000000-0000-0000-0000-000000000000";

/**
 * The day files of the store `dir`: the engine's scan and timeline, with the indexes
 * the reading allows; `info` gets a timeline target's title.
 *
 * @example
 * for await (const hits of dayFiles(dir, read).select({ agent: "haiku-1" })) …
 */
export function dayFiles(dir: string, read: Read, info?: { title?: string }): Backend {
  const redactor = read.mask(dir);
  return {
    select: (filter) => scanBatches({ dir, filter, plain: read.plain, onBad: read.onBad, readAhead: read.readAhead, redactor, index: read.index, lend: read.lend }),
    members: (target, members, filter) => masked(timelineBatches({ dir, target: target ?? NOBODY, filter, plain: read.plain, onBad: read.onBad, info, members, index: read.index }), redactor),
    async byIds(ids) {
      const found: TraceEvent[] = [];
      for (const id of ids) {
        const event = await findById(dir, id, undefined, { onBad: read.onBad, index: read.index });
        if (event) found.push(redactor.event(event));
      }
      return found;
    },
    async tail(target, filter, members, wake) {
      const tail = await tailFiles({ dir, target, filter, members, onBad: read.onBad, onNote: read.sources.onNote }, wake);
      return { backlog: async (n) => (await tail.backlog(n)).map((h) => redactor.hit(h)), poll: async () => (await tail.poll()).map((h) => redactor.hit(h)), close: () => tail.close() };
    },
  };
}

/**
 * The space-os databases of the store `dir`'s workspace (and the reading's `space`),
 * read once per question, with each table's filters in SQL.
 *
 * @example
 * for await (const hits of spaceSources(dir, read).members("task-1", new Set(), {})) …
 */
export function spaceSources(dir: string, read: Read): Backend {
  const redactor = read.mask(dir);
  const shown = (events: ReturnType<typeof selectSources>): ReadEvent[] => events.map((h) => redactor.hit(h));
  return {
    async *select(filter) {
      yield shown(selectSources(await readQuerySources(dir, read.sources, selectionOf(filter, undefined)), filter, undefined));
    },
    async *members(target, members, filter) {
      const all = await readQuerySources(dir, read.sources, target === undefined ? {} : selectionOf(filter, target));
      // Without a target, NOBODY's members are the descendants of the seed, parents first.
      yield shown(selectSources(all, filter, target ?? NOBODY, members));
    },
    async byIds(ids) {
      const wanted = new Set(ids);
      return (await readQuerySources(dir, read.sources)).filter((h) => wanted.has(h.event.id)).map((h) => redactor.event(h.event));
    },
    async tail(target, filter, members) {
      // The databases are looked at on the follower's polls: a changed size or mtime reads them again.
      const tail = createSourceTail(dir, read.sources, selectionOf(filter, target));
      return {
        backlog: async (n) => {
          // Started whatever `n`: what is there now is not news on the next poll.
          const now = shown(selectSources(await tail.start(), filter, target, members));
          return n === 0 ? [] : now.slice(-n);
        },
        poll: async () => shown(selectSources(await tail.poll(Date.now()), filter, target, members)),
        close: async () => undefined,
      };
    },
  };
}
