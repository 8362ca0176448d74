/** Finding single events in a store: by id, a target's first, an agent's last wake. */
import { createSearchPool, type SearchPool } from "../engine/facade.js";
import { type BadReport } from "../store/lines.js";
import { compareEvents, type TraceEvent } from "../event/envelope.js";
import { listDayFiles, type DayFile } from "../store/layout.js";
import type { Filter } from "./filter.js";
import { storeFiltersFor, type IndexOption } from "./indexed.js";
import { fastFile } from "./scan.js";

/** How a lookup reads: one pool for many lookups, and where damage it meets is told. */
export interface LookupOptions {
  pool?: SearchPool;
  onBad?: ((report: BadReport) => void) | undefined;
  /** The indexes of sealed days: used unless `false`. */
  index?: IndexOption;
}

/** The earliest (or, with `latest`, the latest) event of one file that passes the filter and `accept`. */
async function pickIn(file: DayFile, filter: Filter, options: LookupOptions, accept: (e: TraceEvent) => boolean = () => true, latest = false): Promise<TraceEvent | undefined> {
  let best: TraceEvent | undefined;
  for await (const batch of fastFile(file, filter, options)) {
    for (const { event } of batch) {
      if (accept(event) && (!best || compareEvents(event, best) * (latest ? -1 : 1) < 0)) best = event;
    }
  }
  return best;
}

/**
 * The event with this id, searching days newest first, none later than `beforeDay`
 * (a parent is never on a later day than its child). A walk up many parents passes
 * one `pool` to every call.
 *
 * @example
 * const parent = await findById(dir, child.parent_event_id!, dayOf(child.timestamp));
 */
export async function findById(dir: string, id: string, beforeDay?: string, options: LookupOptions = {}): Promise<TraceEvent | undefined> {
  const o = { ...options, pool: options.pool ?? createSearchPool() };
  for (const file of listDayFiles(dir).reverse()) {
    if (beforeDay !== undefined && file.day > beforeDay) continue;
    const hit = await pickIn(file, { id }, o);
    if (hit) return hit;
  }
  return undefined;
}

/** The first event acting as or on the target (`when TARGET created`, the root of its tree). */
export async function findFirstOwn(dir: string, target: string, options: LookupOptions = {}): Promise<TraceEvent | undefined> {
  const o = { ...options, pool: options.pool ?? createSearchPool(), days: storeFiltersFor(dir, options.index) };
  for (const file of listDayFiles(dir)) {
    const hit = await pickIn(file, { own: target }, o);
    if (hit) return hit;
  }
  return undefined;
}

/** The agent's latest `wake` event (`last wake`), newest day first. */
export async function findLastWake(dir: string, agent: string, options: LookupOptions = {}): Promise<TraceEvent | undefined> {
  const o = { ...options, pool: options.pool ?? createSearchPool(), days: storeFiltersFor(dir, options.index) };
  for (const file of listDayFiles(dir).reverse()) {
    const hit = await pickIn(file, { agent }, o, (e) => e.event_type === "wake", true);
    if (hit) return hit;
  }
  return undefined;
}
