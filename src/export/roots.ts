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
  const roots = new Map<string, string>();
  const pool = createSearchPool();
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
    // Damage is told by the export's own read of the store.
    const { top, missingParent } = await walkUp(dir, e, { pool, onBad: () => undefined, known: await known() });
    const root = missingParent ?? top.id;
    // Its siblings to come find the root by the parent, without a walk of their own.
    remember(roots, e.parent_event_id, root);
    return remember(roots, e.id, root);
  };
}
