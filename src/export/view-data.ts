/**
 * What `trace view` puts in its page (the contract is src/view/data.ts): the events
 * once, as rows of plain values with the strings that repeat (agents, primitives, event
 * types) named once in tables.
 */
import type { TraceEvent } from "../event/envelope.js";
import { failureOf } from "../event/status.js";
import { label } from "../render/describe.js";
import { CYCLE_CUT, FAILED, INFERRED, type Data, type Row } from "../view/data.js";
import { cutsCycle, durationOf, type ExportItem } from "./item.js";

/** Events a page holds at most: past this it says how many it left out, and from when. */
export const VIEW_MAX_EVENTS = 200_000;

/** What a page says about itself: its store, its question as flags, its zone. */
export type ViewAbout = Data["about"];

/**
 * Collects a page's data from batches of events in time order, up to `max`.
 *
 * @example
 * const data = await viewData(batches, { store: "payments", asked: "task-abc123", utc: false });
 */
export async function viewData(batches: AsyncIterable<readonly ExportItem[]>, about: ViewAbout, max = VIEW_MAX_EVENTS): Promise<Data> {
  const lanes = table();
  const primitives = table();
  const types = table();
  const agentless: boolean[] = [];
  const rows: Row[] = [];
  let t0: number | undefined;
  let leftOut: Data["leftOut"] = null;
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

function rowOf(item: ExportItem, e: TraceEvent, t0: number, lane: number, primitive: number, type: number): Row {
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
