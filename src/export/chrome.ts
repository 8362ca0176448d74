/**
 * Chrome trace-event JSON, which Perfetto and `chrome://tracing` open: one process (`pid`)
 * for the store, one track (`tid`) per agent (an agentless event on its primitive's
 * track); `ph:"X"` with `dur` for an event with `duration_ms`, `ph:"i"` otherwise; each
 * cause → effect an arrow, a flow start (`ph:"s"`) on the cause and its finish
 * (`ph:"f"`) on the effect. Times in microseconds. Streamed: a parent seen is remembered
 * (up to a bound) for its children's arrows, and a child seen first waits for it.
 */
import type { TraceEvent } from "../event/envelope.js";
import { remember } from "./bounded.js";
import { capDepth } from "./attributes.js";
import { cutsCycle, durationOf, type ExportItem } from "./item.js";

type Place = { ts: number; tid: number };

/**
 * The export as Chrome trace-event JSON text, a chunk per batch of events.
 *
 * @example
 * for await (const chunk of chromeChunks(batches, "payments")) process.stdout.write(chunk);
 */
export async function* chromeChunks(batches: AsyncIterable<readonly ExportItem[]>, storeName: string): AsyncGenerator<string> {
  const pid = 1;
  const tracks = new Map<string, number>();
  const seen = new Map<string, Place>();
  const waiting = new Map<string, { id: string; at: Place }[]>();
  let out: string[] = [JSON.stringify({ ph: "M", name: "process_name", pid, tid: 0, args: { name: storeName } })];
  yield '{"displayTimeUnit":"ms","traceEvents":[\n';
  let flows = 0;
  const flow = (parentId: string, childId: string, from: Place, to: Place): void => {
    const id = ++flows;
    out.push(JSON.stringify({ ph: "s", id, name: "cause", cat: "causality", pid, tid: from.tid, ts: from.ts }));
    out.push(JSON.stringify({ ph: "f", bp: "e", id, name: "cause", cat: "causality", pid, tid: to.tid, ts: to.ts, args: { cause: parentId, effect: childId } }));
  };
  for await (const batch of batches) {
    for (const item of batch) {
      const e = item.event;
      const cut = cutsCycle(item);
      const track = e.agent_id ?? `(${e.primitive})`;
      let tid = tracks.get(track);
      if (tid === undefined) {
        tid = tracks.size + 1;
        tracks.set(track, tid);
        out.push(JSON.stringify({ ph: "M", name: "thread_name", pid, tid, args: { name: track } }));
      }
      out.push(JSON.stringify(sliceOf(e, pid, tid, cut)));
      const dur = durationOf(e);
      const place = { ts: (e.timestamp - (dur ?? 0)) * 1000, tid };
      remember(seen, e.id, place);
      // A link that closes a cycle is cut, as --causality cuts it: no arrow.
      if (e.parent_event_id !== null && !cut) {
        const parent = seen.get(e.parent_event_id);
        if (parent) flow(e.parent_event_id, e.id, parent, place);
        else {
          const list = waiting.get(e.parent_event_id);
          if (list) list.push({ id: e.id, at: place });
          else remember(waiting, e.parent_event_id, [{ id: e.id, at: place }]);
        }
      }
      for (const child of waiting.get(e.id) ?? []) flow(e.id, child.id, place, child.at);
      waiting.delete(e.id);
    }
    if (out.length > 0) {
      yield out.join(",\n") + ",\n";
      out = [];
    }
  }
  // Every chunk ends in a comma: the last element closes the list.
  out.push(JSON.stringify({ ph: "M", name: "process_sort_index", pid, tid: 0, args: { sort_index: 0 } }));
  yield `${out.join(",\n")}\n]}\n`;
}

/** An event's slice: `X` with its duration, else an instant on its track; `cut` marks a parent link cut as a cycle's. */
function sliceOf(e: TraceEvent, pid: number, tid: number, cut: boolean): Record<string, unknown> {
  const dur = durationOf(e);
  const args = { id: e.id, target_id: e.target_id, parent_event_id: e.parent_event_id, metadata: capDepth(e.metadata), ...(cut ? { cycle_cut: true } : {}) };
  const name = `${e.primitive} ${e.event_type}`;
  if (dur !== undefined) return { ph: "X", name, cat: e.primitive, pid, tid, ts: (e.timestamp - dur) * 1000, dur: dur * 1000, args };
  return { ph: "i", s: "t", name, cat: e.primitive, pid, tid, ts: e.timestamp * 1000, args };
}
