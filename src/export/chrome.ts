/**
 * Chrome trace-event JSON, which Perfetto and `chrome://tracing` open: one process (`pid`)
 * for the store, one track (`tid`) per agent (an agentless event on its primitive's
 * track); each event a slice (`ph:"X"`), as long as its `duration_ms`, else 2 µs; each
 * cause → effect an arrow, a flow start (`ph:"s"`) on the cause and its finish
 * (`ph:"f"`, `bp:"e"`) on the effect. Times in microseconds. Streamed: a parent seen is
 * remembered (up to a bound) for its children's arrows, and a child seen first waits.
 *
 * The viewers bind a flow event to the slice open on its track at its time, and
 * Perfetto pairs an `s` with its `f` by category, name and id: so every slice and flow
 * shares one category, each flow event lies just inside its slice (an instant
 * could end before its flow is read), and follows its slice in the file. A slice with a
 * duration starts on a millisecond and its flows sit 0.5 µs in; a point starts 1 µs
 * after its millisecond (after any slice starting there, so inside it) and its flows sit
 * 1 µs in: no flow is taken by a neighbour that starts with it.
 */
import type { TraceEvent } from "../event/envelope.js";
import { remember } from "./bounded.js";
import { capDepth } from "./attributes.js";
import { cutsCycle, durationOf, type ExportItem } from "./item.js";

/** Where a flow event goes: just inside its event's slice, on its track. */
type Place = { ts: number; tid: number };

/** The one category of slices and flows; the primitive is in each slice's name and args. */
const CATEGORY = "trace";
/** A point in time is a slice this long (µs), so that a flow has a slice to bind to. */
const POINT_US = 2;

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
  const pointsEnd = new Map<number, number>();
  let out: string[] = [JSON.stringify({ ph: "M", name: "process_name", pid, tid: 0, args: { name: storeName } })];
  yield '{"displayTimeUnit":"ms","traceEvents":[\n';
  let flows = 0;
  const flow = (parentId: string, childId: string, from: Place, to: Place): void => {
    const id = ++flows;
    out.push(JSON.stringify({ ph: "s", id, name: "cause", cat: CATEGORY, pid, tid: from.tid, ts: from.ts }));
    out.push(JSON.stringify({ ph: "f", bp: "e", id, name: "cause", cat: CATEGORY, pid, tid: to.tid, ts: to.ts, args: { cause: parentId, effect: childId } }));
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
      const slice = sliceOf(e, pid, tid, cut);
      // Points of one track in one millisecond follow each other: two slices over the
      // same span would nest, and a flow bound to the outer one land on the inner.
      const free = pointsEnd.get(tid) ?? -Infinity;
      if (slice.dur === POINT_US && slice.ts < free && free - slice.ts < 1000) slice.ts = free;
      if (slice.dur === POINT_US) pointsEnd.set(tid, slice.ts + POINT_US);
      out.push(JSON.stringify(slice));
      const place = { ts: slice.ts + (slice.dur === POINT_US ? POINT_US / 2 : 0.5), tid };
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

/** An event's slice, as long as its duration (else POINT_US, 1 µs after its time); `cut` marks a parent link cut as a cycle's. */
function sliceOf(e: TraceEvent, pid: number, tid: number, cut: boolean): { ts: number; dur: number } & Record<string, unknown> {
  const dur = durationOf(e);
  const args = { id: e.id, primitive: e.primitive, target_id: e.target_id, parent_event_id: e.parent_event_id, metadata: capDepth(e.metadata), ...(cut ? { cycle_cut: true } : {}) };
  const name = `${e.primitive} ${e.event_type}`;
  if (dur !== undefined) return { ph: "X", name, cat: CATEGORY, pid, tid, ts: (e.timestamp - dur) * 1000, dur: dur * 1000, args };
  return { ph: "X", name, cat: CATEGORY, pid, tid, ts: e.timestamp * 1000 + 1, dur: POINT_US, args };
}
