/**
 * Causes before effects among events of one millisecond. Events sort by (timestamp,
 * id), and ids of different writers (or of an exporter that sends children first) say
 * nothing of cause: within a run of equal timestamps, each event whose parent is in the
 * run comes after it, the rest keeping their order. A strictly rising run of checked
 * lines passes as it is, but for its last line, held in case the next batch ties it.
 */
import { detach, eventsOf, type Hits } from "../engine/facade.js";
import type { ReadEvent } from "../store/read.js";

/** A hit's time: a checked line knows it without parsing its text. */
function timeOf(hit: ReadEvent): number {
  const known = (hit as { timestamp?: unknown }).timestamp;
  return typeof known === "number" ? known : hit.event.timestamp;
}

/**
 * The batches with every run of equal timestamps in causal order. A run of checked
 * lines whose ties are in causal order already (one writer's, with monotonic ids)
 * passes as it is, but for its last timestamp's lines, held in case the next batch
 * ties them.
 *
 * @example
 * for await (const hits of causalTies(batches)) …
 */
export async function* causalTies(batches: AsyncIterable<Hits>): AsyncGenerator<Hits> {
  let held: ReadEvent[] = [];
  let heldAt = NaN;
  for await (const batch of batches) {
    const n = batch.length;
    if (n === 0) continue;
    const hits = Array.isArray(batch) ? batch : undefined;
    const run = Array.isArray(batch) ? undefined : batch;
    const at = (k: number): number => (run ? run.timestamp(k) : timeOf(hits![k]!));
    const lines = (from: number, to: number): ReadEvent[] => (run ? run.slice(from, to).events() : hits!.slice(from, to));
    // The lines that tie what is held join it; the last timestamp's lines are held.
    let lead = 0;
    while (lead < n && at(lead) === heldAt) lead++;
    let cut = n - 1;
    while (cut > lead && at(cut - 1) === at(n - 1)) cut--;
    if (lead === n) {
      held = [...held, ...lines(0, n).map(detach)];
      continue;
    }
    if (held.length > 0 || lead > 0) yield causalOrder([...held, ...lines(0, lead)]);
    if (cut > lead) {
      const middle = settle(lead, cut, at, lines);
      yield middle !== "as-is" ? middle : run ? run.slice(lead, cut) : hits!.slice(lead, cut);
    }
    // Held past its block: their own bytes, since the block's buffer is read into again.
    held = lines(cut, n).map(detach);
    heldAt = at(n - 1);
  }
  if (held.length > 0) yield causalOrder(held);
}

/** Lines [from, to) with each tie in causal order, or `"as-is"` when every tie is already. */
function settle(from: number, to: number, at: (k: number) => number, lines: (from: number, to: number) => ReadEvent[]): ReadEvent[] | "as-is" {
  const groups: [number, number][] = [];
  for (let k = from + 1, start = from; k <= to; k++) {
    if (k < to && at(k) === at(start)) continue;
    if (k - start > 1) groups.push([start, k]);
    start = k;
  }
  const ordered = groups.map(([a, b]) => {
    const group = lines(a, b);
    const order = causalOrder(group);
    return order.every((h, i) => h === group[i]) ? undefined : order;
  });
  if (ordered.every((o) => o === undefined)) return "as-is";
  const out = lines(from, to);
  groups.forEach(([a], g) => ordered[g]?.forEach((h, i) => (out[a - from + i] = h)));
  return out;
}

/**
 * Events of one timestamp, each after its parent when the parent is among them (its
 * ancestors pulled forward, in a chain of any length); otherwise in the order given.
 *
 * @example
 * causalOrder([send, wake, aiCall]); // [wake, aiCall, send] when each is the next's parent
 */
export function causalOrder(group: readonly ReadEvent[]): ReadEvent[] {
  if (group.length < 2) return [...group];
  const at = new Map<string, number>();
  group.forEach((h, i) => at.set(h.event.id, i));
  const done = new Uint8Array(group.length);
  const out: ReadEvent[] = [];
  for (let i = 0; i < group.length; i++) {
    // The chain of ancestors in the group not out yet, nearest first; a cycle stops it.
    const chain: number[] = [];
    for (let j: number | undefined = i; j !== undefined && !done[j]; j = at.get(group[j]!.event.parent_event_id ?? "")) {
      done[j] = 1;
      chain.push(j);
    }
    for (let c = chain.length - 1; c >= 0; c--) out.push(group[chain[c]!]!);
  }
  return out;
}

/**
 * A list (a follower's round, in arrival order) with each stretch of equal timestamps
 * in causal order.
 *
 * @example
 * tiesInOrder(await tail.poll());
 */
export function tiesInOrder(list: readonly ReadEvent[]): ReadEvent[] {
  const settled = settle(0, list.length, (k) => timeOf(list[k]!), (from, to) => list.slice(from, to));
  return settled === "as-is" ? [...list] : settled;
}
