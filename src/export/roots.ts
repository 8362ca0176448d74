/**
 * The root of each exported event's tree, for its trace id. Events come in time order
 * and a parent comes before its children, so nearly every root is the parent's,
 * remembered; a parent not seen (outside the export's filters, or forgotten past the
 * bound) is found by the walk up the store, as `--causality` finds it.
 */
import { walkUp } from "../causality/ancestors.js";
import { createSearchPool } from "../engine/facade.js";
import type { TraceEvent } from "../event/envelope.js";
import { remember } from "./bounded.js";

/**
 * A resolver of roots in the store `dir`; `known` gives the sources' events by id.
 *
 * @example
 * const rootOf = createRootResolver(dir, async () => new Map());
 * const traceRoot = await rootOf(event);
 */
export function createRootResolver(dir: string, known: () => Promise<ReadonlyMap<string, TraceEvent>>): (e: TraceEvent) => Promise<string> {
  const pool = createSearchPool();
  return rootResolver(async (e) => {
    // Damage is told by the export's own read of the store.
    const { top, missingParent } = await walkUp(dir, e, { pool, onBad: () => undefined, known: await known() });
    return missingParent ?? top.id;
  });
}

/**
 * A resolver of roots that walks up by looking events up by id (a central database).
 *
 * @example
 * const rootOf = createRootResolverBy((ids) => db.byIds(ids));
 */
export function createRootResolverBy(byIds: (ids: readonly string[]) => Promise<TraceEvent[]>): (e: TraceEvent) => Promise<string> {
  return rootResolver(async (e) => {
    const seen = new Set([e.id]);
    let top = e;
    for (let parent = top.parent_event_id; parent !== null && !seen.has(parent); parent = top.parent_event_id) {
      const [found] = await byIds([parent]);
      if (!found) return parent;
      seen.add(parent);
      top = found;
    }
    return top.id;
  });
}

/** Roots remembered by parent, and `walk` for a parent not seen. */
function rootResolver(walk: (e: TraceEvent) => Promise<string>): (e: TraceEvent) => Promise<string> {
  const roots = new Map<string, string>();
  return async (e) => {
    if (e.parent_event_id === null) return remember(roots, e.id, e.id);
    const viaParent = roots.get(e.parent_event_id);
    if (viaParent !== undefined) {
      // A parent with many children (an agent's wake under its hours of work) stays the
      // newest entry: the bound forgets the oldest, and a forgotten parent costs a walk.
      roots.delete(e.parent_event_id);
      roots.set(e.parent_event_id, viaParent);
      return remember(roots, e.id, viaParent);
    }
    const root = await walk(e);
    // Its siblings to come find the root by the parent, without a walk of their own.
    remember(roots, e.parent_event_id, root);
    return remember(roots, e.id, root);
  };
}
