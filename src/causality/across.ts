/**
 * A causality tree across several stores: a cause in one, its effects in another. The
 * focus is looked for in each store, the walk up finds each parent in whichever store
 * holds it, and the tree below is the root's descendants found over all the stores
 * until they grow no more (as a timeline's members are), then put together.
 */
import type { BadReport } from "../store/lines.js";
import { compareEvents, type TraceEvent } from "../event/envelope.js";
import { UsageError } from "../errors.js";
import type { IndexOption } from "../query/indexed.js";
import { dayFiles, type Backend } from "../query/backend.js";
import { createRedactor } from "../query/redactor.js";
import { storeNames } from "../query/stores.js";
import { eventsOf } from "../engine/facade.js";
import { findFocus } from "./find.js";
import type { CausalNode, CausalTree } from "./model.js";

/** Where an event was found. */
type Found = { event: TraceEvent; store: string | undefined };

/**
 * The tree around `idOrTarget` over the stores `dirs`.
 *
 * @example
 * const tree = await causalityAcross("task-1", ["/a/.space/trace", "/b/.space/trace"], {});
 */
export async function causalityAcross(idOrTarget: string, dirs: readonly string[], options: { infer?: boolean | undefined; onBad?: ((r: BadReport) => void) | undefined; index?: IndexOption }): Promise<CausalTree> {
  if (options.infer) throw new UsageError("--infer reads one store: name one --dir");
  const names = storeNames(dirs);
  // Each store's day files, as stored: the door masks the tree it hands out.
  const read = { dirs, names, mask: (dir: string) => createRedactor(dir, { off: true }), sources: { off: true }, index: options.index, plain: false, onBad: options.onBad ?? (() => undefined) };
  const places = dirs.map((dir, i) => ({ name: names[i]!, backend: dayFiles(dir, read), focus: (x: string) => findFocus(dir, x, { onBad: options.onBad, index: options.index }) }));
  return causalityOver(idOrTarget, places);
}

/** Where a tree's events are looked for: a backend, named, and how it finds what `--causality` names. */
export interface Place {
  name: string;
  backend: Backend;
  focus(idOrTarget: string): Promise<{ event: TraceEvent; byId: boolean }>;
  /** The store an event came from, when the place holds several (a central database). */
  storeOf?: ((id: string) => string | undefined) | undefined;
}

/**
 * The tree around `idOrTarget` over several places (stores, or a central database): the
 * focus looked for in each, the walk up finding each parent where it is, the tree below
 * the root's descendants over all of them until they grow no more.
 *
 * @example
 * const tree = await causalityOver("task-1", [{ name: "db", backend: db, focus: db.focus }]);
 */
export async function causalityOver(idOrTarget: string, places: readonly Place[]): Promise<CausalTree> {
  const focusIn: (Found & { byId: boolean })[] = [];
  for (const place of places) {
    try {
      const { event, byId } = await place.focus(idOrTarget);
      focusIn.push({ event, byId, store: storeIn(place, event.id) });
    } catch (err) {
      if (places.length === 1 || !(err instanceof UsageError) || !/no event with that id/.test(err.message)) throw err;
    }
  }
  if (focusIn.length === 0) throw new UsageError(`--causality ${idOrTarget}: no event with that id and no events of that target in ${places.length} stores`);
  const focus = focusIn.find((f) => f.byId) ?? focusIn.sort((a, b) => compareEvents(a.event, b.event))[0]!;
  // The walk up: each parent in whichever store holds it.
  let top: Found = focus;
  const seen = new Set([focus.event.id]);
  let missingParent: string | undefined;
  let cycle = false;
  for (let parentId = top.event.parent_event_id; parentId !== null; parentId = top.event.parent_event_id) {
    if (seen.has(parentId)) {
      cycle = true;
      break;
    }
    const parent = await findIn(places, parentId);
    if (!parent) {
      missingParent = parentId;
      break;
    }
    seen.add(parentId);
    top = parent;
  }
  // The tree below: descendants over all the stores until they grow no more.
  const members = new Set([top.event.id]);
  const below = new Map<string, Found>();
  for (let size = -1; below.size !== size; ) {
    size = below.size;
    for (const place of places) {
      for await (const hits of place.backend.members(undefined, members, {})) {
        for (const { event } of eventsOf(hits)) if (event.id !== top.event.id && !below.has(event.id)) below.set(event.id, { event, store: storeIn(place, event.id) });
      }
    }
  }
  const nodes = new Map<string, CausalNode>([[top.event.id, { event: top.event, children: [], store: top.store }]]);
  for (const { event, store } of below.values()) nodes.set(event.id, { event, children: [], store });
  for (const node of nodes.values()) {
    const parent = node === nodes.get(top.event.id) || node.event.parent_event_id === null ? undefined : nodes.get(node.event.parent_event_id);
    parent?.children.push(node);
  }
  for (const node of nodes.values()) node.children.sort((a, b) => compareEvents(a.event, b.event));
  return { root: nodes.get(top.event.id)!, focus: focus.event, byId: focus.byId, ...(missingParent ? { missingParent } : {}), ...(cycle ? { cycle } : {}) };
}

/** The store an event of `place` came from: the place's own, or the one the central database says. */
function storeIn(place: Place, id: string): string | undefined {
  return place.storeOf ? place.storeOf(id) : place.name;
}

/** An event by id in the first store that holds it. */
async function findIn(places: readonly Place[], id: string): Promise<Found | undefined> {
  for (const place of places) {
    const [event] = await place.backend.byIds([id]);
    if (event) return { event, store: storeIn(place, event.id) };
  }
  return undefined;
}
