/**
 * The walk up from an event to the root of its tree. The first few parents are found
 * as before, each by a search for its id (one fast pass over a day or two); a longer
 * chain switches to day tables: each day file is read once into a table of where each
 * id's line stands, so a chain 100,000 deep costs about one pass over its days instead
 * of one pass per ancestor.
 */
import { createDayTables, type Link, type SearchPool } from "../engine/facade.js";
import type { TraceEvent } from "../event/envelope.js";
import type { IndexOption } from "../query/indexed.js";
import { findById } from "../query/lookup.js";
import { createDayLookup, listDayFiles } from "../store/layout.js";
import type { BadReport } from "../store/lines.js";

/** Parents found by search before the walk builds day tables. */
const SEARCHED_STEPS = 8;

/** Where the walk up ended. */
export interface Ancestry {
  top: TraceEvent;
  /** The top's recorded parent, not in the store. */
  missingParent?: string;
  /** The chain came back to an event already seen. */
  cycle?: boolean;
}

/** How to walk: the pool, where damage is told, and the cause of a parentless event (`--infer`). */
export interface WalkOptions {
  pool: SearchPool;
  onBad?: ((report: BadReport) => void) | undefined;
  guess?: (e: TraceEvent) => Promise<TraceEvent | undefined>;
  /** Events of the sources, by id: looked at before the day files. */
  known?: ReadonlyMap<string, TraceEvent>;
  /** The indexes of sealed days: used unless `false`. */
  index?: IndexOption;
}

/**
 * Walks `parent_event_id` up from `focus` to the root, cutting a cycle and stopping at
 * a parent that is not in the store.
 *
 * @example
 * const { top, missingParent } = await walkUp(dir, leaf, { pool: createSearchPool() });
 */
export async function walkUp(dir: string, focus: TraceEvent, options: WalkOptions): Promise<Ancestry> {
  const seen = new Set<string>([focus.id]);
  const tables = createDayTables(() => listDayFiles(dir), options.onBad);
  const dayOf = createDayLookup();
  // The top so far; a `.gz` day's table knows only its id, parent and time.
  let top: Link = focus;
  const whole = async (link: Link): Promise<TraceEvent> => ("metadata" in link ? link : (await findById(dir, link.id, dayOf(link.timestamp), options))!);
  try {
    for (let step = 0; ; step++) {
      const parentId = top.parent_event_id;
      if (parentId === null) {
        const event = await whole(top);
        const guess = await options.guess?.(event);
        if (!guess || seen.has(guess.id)) return { top: event };
        seen.add(guess.id);
        top = guess;
        continue;
      }
      if (seen.has(parentId)) return { top: await whole(top), cycle: true };
      const beforeDay = dayOf(top.timestamp);
      const parent = options.known?.get(parentId) ?? (step < SEARCHED_STEPS ? await findById(dir, parentId, beforeDay, options) : await tables.find(parentId, beforeDay));
      if (!parent) return { top: await whole(top), missingParent: parentId };
      seen.add(parentId);
      top = parent;
    }
  } finally {
    tables.close();
  }
}
