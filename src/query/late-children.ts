/**
 * Children written before their parent in an earlier block of the same day file (an
 * OTLP receiver writes a span's children first; `trace import` and merged stores can
 * order them so): a pass in file order passes them by before their parent joins. After
 * a day's pass, the day is searched again for children of what joined in it, and for
 * theirs, until none joins; a day's index names the blocks that hold them.
 */
import type { MemberSearch, SearchPool } from "../engine/facade.js";
import type { TraceEvent } from "../event/envelope.js";
import type { DayFile } from "../store/layout.js";
import { parseAt } from "../store/lines.js";
import { lineBlocks, readEvents, type ReadEvent } from "../store/read.js";
import { membersSource, type IndexOption } from "./indexed.js";

/** How a day is searched again. */
export interface LateOptions {
  /** The search of the pass, which knows every member: a new one on the same pool would lose them. */
  search: MemberSearch;
  pool: SearchPool;
  index?: IndexOption;
  /** Parse every line (the plain reader, or a target without a byte needle). */
  plain?: boolean;
  /** The first pass read the day up to this byte (follow's snapshot). */
  end?: number;
  /** The first search needs only the day's bytes before this one: children after their parent's block were found. */
  before?: number;
}

/**
 * The events of `file` whose parent is in `joined` (the events that joined in this day's
 * pass) or is one of these and that `isKnown` does not hold already, in file order of each
 * round. As in the pass, a child's own time does not matter: where it sits never decides
 * whether it belongs. Bad lines were told by the first pass: here they are passed by.
 *
 * @example
 * const late = await lateChildren(file, new Set([parent.id]), (id) => members.has(id), { search, pool });
 */
export async function lateChildren(file: DayFile, joined: ReadonlySet<string>, isKnown: (id: string) => boolean, o: LateOptions): Promise<ReadEvent[]> {
  const found: ReadEvent[] = [];
  const seen = new Set<string>();
  let first = true;
  for (let parents = joined; parents.size > 0; first = false) {
    const next = new Set<string>();
    const take = (hit: ReadEvent): void => {
      const e = hit.event;
      if (e.parent_event_id === null || !parents.has(e.parent_event_id) || isKnown(e.id) || seen.has(e.id)) return;
      seen.add(e.id);
      next.add(e.id);
      o.search.add(e.id);
      found.push(hit);
    };
    const end = Math.min(o.end ?? Infinity, first ? (o.before ?? Infinity) : Infinity);
    if (o.plain) {
      // The plain reader has no byte offsets to stop at: a snapshot's day is left as its pass read it.
      if (o.end !== undefined) break;
      for await (const hit of readEvents(file, () => {})) take(hit);
    } else {
      const source = membersSource(file, [...parents], undefined, o.index, o.pool);
      if (source?.blocks === "none") break;
      const blocks = source ? source.blocks(() => {}) : lineBlocks(file, 0, end, o.pool, () => {});
      for await (const { buf, end: stop, base } of blocks) {
        if (base >= end) break;
        o.search.block(buf, stop, (id) => parents.has(id), (s, e) => {
          const hit = parseAt(buf, s, e);
          if (hit) take(hit);
        });
      }
    }
    parents = next;
  }
  return found;
}

/**
 * `held` (in time order) with `late` put where their times fall.
 *
 * @example
 * mergeInOrder(dayHits, lateHits, compareEvents);
 */
export function mergeInOrder(held: readonly ReadEvent[], late: readonly ReadEvent[], compare: (a: TraceEvent, b: TraceEvent) => number): ReadEvent[] {
  const sorted = [...late].sort((a, b) => compare(a.event, b.event));
  const out: ReadEvent[] = [];
  let j = 0;
  for (const hit of held) {
    while (j < sorted.length && compare(sorted[j]!.event, hit.event) < 0) out.push(sorted[j++]!);
    out.push(hit);
  }
  while (j < sorted.length) out.push(sorted[j++]!);
  return out;
}
