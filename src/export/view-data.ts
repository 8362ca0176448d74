/**
 * What `trace view` puts in its page: the events once, as rows of plain values with the
 * strings that repeat (agents, primitives, event types) named once in tables. The page
 * (src/view/) reads this and nothing else.
 */
import type { TraceEvent } from "../event/envelope.js";
import { failureOf } from "../event/status.js";
import { label } from "../render/describe.js";
import { cutsCycle, durationOf, type ExportItem } from "./item.js";

/** Events a page holds at most: past this it says how many it left out, and from when. */
export const VIEW_MAX_EVENTS = 200_000;

/** What a page says about itself. */
export interface ViewAbout {
  /** The store's name. */
  store: string;
  /** The question, as flags: `task-abc123`, `--causality epic-1`, `--agent haiku-1 --since 2h`. */
  asked: string;
  /** Clock times in UTC rather than the browser's zone. */
  utc: boolean;
}

/** Flags of a row: the event failed; its parent link was inferred; its parent link closed a cycle and was cut. */
export const FAILED = 1;
export const INFERRED = 2;
export const CYCLE_CUT = 4;

/**
 * A row: `[id, ms after t0, duration ms, lane, primitive, event type, target, parent id,
 * flags, label, metadata, failure, inferred cause]`. The tree draws the parent unless
 * CYCLE_CUT, else the inferred cause.
 */
export type ViewRow = [string, number, number, number, number, number, string | null, string | null, number, string, Record<string, unknown>, string | null, string | null];

/** A page's data as one JSON text, built from a stream of events in time order. */
export interface ViewData {
  about: ViewAbout;
  t0: number;
  lanes: string[];
  /** Per lane: it has no agent (the lane is named after a primitive). */
  agentless: boolean[];
  primitives: string[];
  types: string[];
  rows: ViewRow[];
  /** Events past VIEW_MAX_EVENTS: how many, and the time of the first. */
  leftOut: { count: number; from: number } | null;
}

/**
 * Collects a page's data from batches of events in time order, up to `max`.
 *
 * @example
 * const data = await viewData(batches, { store: "payments", asked: "task-abc123", utc: false });
 */
export async function viewData(batches: AsyncIterable<readonly ExportItem[]>, about: ViewAbout, max = VIEW_MAX_EVENTS): Promise<ViewData> {
  const lanes = table();
  const primitives = table();
  const types = table();
  const agentless: boolean[] = [];
  const rows: ViewRow[] = [];
  let t0: number | undefined;
  let leftOut: ViewData["leftOut"] = null;
  for await (const batch of batches) {
    for (const item of batch) {
      const e = item.event;
      if (rows.length >= max) {
        leftOut = leftOut === null ? { count: 1, from: e.timestamp } : { count: leftOut.count + 1, from: Math.min(leftOut.from, e.timestamp) };
        continue;
      }
      t0 ??= e.timestamp;
      const lane = lanes.of(e.agent_id ?? `(${e.primitive})`);
      agentless[lane] = e.agent_id === null;
      rows.push(rowOf(item, e, t0, lane, primitives.of(e.primitive), types.of(e.event_type)));
    }
  }
  return { about, t0: t0 ?? 0, lanes: lanes.names, agentless, primitives: primitives.names, types: types.names, rows, leftOut };
}

function rowOf(item: ExportItem, e: TraceEvent, t0: number, lane: number, primitive: number, type: number): ViewRow {
  const cut = cutsCycle(item);
  const failure = failureOf(e) ?? null;
  const flags = (failure !== null ? FAILED : 0) | (item.inferred ? INFERRED : 0) | (cut ? CYCLE_CUT : 0);
  return [e.id, e.timestamp - t0, durationOf(e) ?? 0, lane, primitive, type, e.target_id, e.parent_event_id, flags, label(e), e.metadata, failure, item.inferred?.id ?? null];
}

/** Strings named once, by their place. */
function table(): { names: string[]; of(name: string): number } {
  const names: string[] = [];
  const at = new Map<string, number>();
  return {
    names,
    of(name) {
      let i = at.get(name);
      if (i === undefined) {
        i = names.push(name) - 1;
        at.set(name, i);
      }
      return i;
    },
  };
}
