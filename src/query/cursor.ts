/**
 * A query after a cursor: only what reached the store after the position, each event
 * once, late ones too. A filtered query reads just the new bytes of each day; a timeline
 * finds its members in the whole history and prints the new ones.
 */
import { UsageError } from "../errors.js";
import { createSearchPool, eventsOf, searchFile, type Hits } from "../engine/facade.js";
import { eachLine, parseAt, type BadReport } from "../store/lines.js";
import { decodeCursor, encodeCursor, planAfter, type ReadPlan } from "../store/cursor.js";
import { lineBlocks } from "../store/read.js";
import { toByteFilter, type Filter } from "./filter.js";
import { reorderBatches } from "../engine/facade.js";
import { timelineBatches } from "./timeline.js";

/** A query's cursor: where to start (none: the beginning), and, once the query began, where it ends. */
export interface QueryCursor {
  /** The cursor to read after (a cursor's text), or undefined for everything. */
  after?: string | undefined;
  /** Named in errors about `after`: `--cursor-file F`, `--after-cursor`. */
  where?: string | undefined;
  /** Set before the first event is yielded: the position after what this query reads. */
  next?: string;
}

/** A cursor is a position in one store: several are a UsageError. */
export function requireOneStore(dirs: readonly string[] | undefined): void {
  if ((dirs?.length ?? 0) > 1) throw new UsageError("--cursor-file reads one store: name one --dir");
}

/** What a cursor query reads. */
export interface CursorQuery {
  dir: string;
  target?: string | undefined;
  filter: Filter;
  onBad?: ((report: BadReport) => void) | undefined;
}

/**
 * The query's events after `cursor.after`, up to the store as it was when the query
 * began; `cursor.next` is set to that position first.
 *
 * @example
 * const cursor: QueryCursor = { after: saved };
 * for await (const hits of cursorBatches({ dir, filter: {} }, cursor)) …; save(cursor.next);
 */
export async function* cursorBatches(q: CursorQuery, cursor: QueryCursor): AsyncGenerator<Hits> {
  const after = cursor.after === undefined ? undefined : decodeCursor(cursor.after, cursor.where ?? "cursor");
  const { plans, next, ends } = await planAfter(q.dir, after, cursor.where);
  cursor.next = encodeCursor(next);
  const pool = createSearchPool();
  if (q.target === undefined) {
    const bytes = toByteFilter(q.filter);
    for (const plan of plans) yield* reorderBatches(searchFile(plan.file, bytes, { start: plan.start, end: plan.end, pool, onBad: q.onBad, blocks: plan.blocks }));
    return;
  }
  // Membership needs the whole history; the output is what the plans hold.
  const fresh = after === undefined ? undefined : await idsIn(plans);
  for await (const hits of timelineBatches({ dir: q.dir, target: q.target, filter: q.filter, onBad: q.onBad, ends })) {
    const kept = eventsOf(hits).filter((h) => fresh === undefined || fresh.has(h.event.id));
    if (kept.length > 0) yield kept;
  }
}

/** The ids of the events the plans hold. */
async function idsIn(plans: readonly ReadPlan[]): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const plan of plans) {
    // Damage is told by the timeline's own read.
    const blocks = plan.blocks?.(() => undefined) ?? lineBlocks(plan.file, plan.start, plan.end, undefined, () => undefined);
    for await (const { buf, end } of blocks) {
      eachLine(buf, end, (s, e) => {
        const hit = parseAt(buf, s, e);
        if (hit) ids.add(hit.event.id);
      });
    }
  }
  return ids;
}
