/** A target's timeline: its own events and their descendants, in one pass over the store. */
import { createMemberSearch, createSearchPool, eventsOf, reorderBatches, type Hits, type MemberSearch, type SearchPool } from "../engine/facade.js";
import { startOf } from "../event/span.js";
import { listDayFiles, type DayFile } from "../store/layout.js";
import { createBadLines, parseAt, type BadReport } from "../store/lines.js";
import { lineBlocks, type ReadEvent } from "../store/read.js";
import { compareEvents, type TraceEvent } from "../event/envelope.js";
import { flatten } from "./batches.js";
import { matches, type Filter } from "./filter.js";
import { membersSource, storeFiltersFor, type IndexOption } from "./indexed.js";
import { lateChildren, mergeInOrder } from "./late-children.js";
import { plainFile, type FileScanOptions } from "./scan.js";

/** A target's timeline: its own events and everything they caused. */
export interface TimelineOptions {
  dir: string;
  /** Task, agent or channel id. */
  target: string;
  /** Further filters on what is printed (time range, agent, …); membership ignores them. */
  filter?: Filter;
  plain?: boolean;
  onBad?: (report: BadReport) => void;
  /** Filled in as the scan goes: the title of the target, from its first event with `metadata.title`. */
  info?: { title?: string };
  /** The ids in the timeline so far; pass one in to keep it (follow goes on with it). */
  members?: Set<string>;
  /** Read each plain file only up to this byte, by path (follow's snapshot). */
  ends?: Map<string, number>;
  /** The indexes of sealed days: used unless `false`. */
  index?: IndexOption;
}

/**
 * True when an event joins a target's timeline: it is the target's own, or its parent
 * is a member already.
 *
 * @example
 * joinsTimeline("task-1", event, members);
 */
export function joinsTimeline(target: string, e: { agent_id: string | null; target_id: string | null; parent_event_id: string | null }, members: ReadonlySet<string>): boolean {
  return isOwnEvent(target, e.agent_id, e.target_id) || (e.parent_event_id !== null && members.has(e.parent_event_id));
}

/** True when an event is the target's own: it acts as or on the target. */
export function isOwnEvent(target: string, agent: string | null | undefined, targetId: string | null | undefined): boolean {
  return agent === target || targetId === target;
}

/**
 * The timeline (docs/format.md): events whose `target_id` or `agent_id` is the target,
 * and their descendants through `parent_event_id`, in time order. One pass over the
 * store in file order (a parent is written before any child names it).
 *
 * @example
 * for await (const { event } of timeline({ dir, target: "task-abc123" })) console.log(event.event_type);
 */
export async function* timeline(options: TimelineOptions): AsyncGenerator<ReadEvent> {
  yield* flatten(timelineBatches(options));
}

/**
 * How many events of a day's timeline are held for its late children to be put in order
 * (about 32 MiB of lines; counted, not measured, so that no line is decoded for it); a
 * longer day streams, its late children after it.
 */
const HELD_EVENTS = 100_000;

/** `timeline` a block at a time. */
export async function* timelineBatches(options: TimelineOptions): AsyncGenerator<Hits> {
  const members = options.members ?? new Set<string>();
  const pool = createSearchPool();
  // A target holding U+FFFD has no byte needle: bad UTF-8 decodes to it too.
  const search = createMemberSearch(pool, options.target);
  for (const id of members) search.add(id);
  const filter = options.filter ?? {};
  let joinedHere = new Set<string>();
  const join = (e: TraceEvent): void => {
    members.add(e.id);
    search.add(e.id);
    joinedHere.add(e.id);
    if (options.info && options.info.title === undefined && e.target_id === options.target && typeof e.metadata.title === "string") {
      options.info.title = e.metadata.title;
    }
  };
  const keep = (hit: ReadEvent): boolean => {
    join(hit.event);
    return matches(filter, hit.event);
  };
  const isMember = (agent: string | null | undefined, target: string | null | undefined, parent: string | null | undefined): boolean =>
    isOwnEvent(options.target, agent, target) || (parent != null && members.has(parent));
  const days = storeFiltersFor(options.dir, options.index);
  // Membership needs every day (a cause may be older than the range); output does not.
  for (const file of listDayFiles(options.dir, { to: filter.until })) {
    joinedHere = new Set();
    const plain = options.plain || !search.usable;
    // A day's index names the blocks with the target's own lines and the children of members so far, and more as members join.
    const source = plain || options.ends ? undefined : membersSource(file, members, options.target, options.index, pool, days);
    if (source?.blocks === "none") continue;
    const end = options.ends ? { end: options.ends.get(file.path) ?? 0 } : {};
    const reach = { before: 0 };
    const hits = plain
      ? plainFile(file, (e) => isMember(e.agent_id, e.target_id, e.parent_event_id), options.onBad)
      : fastMembers(file, isMember, search, { onBad: options.onBad, pool, reach, ...end, ...(source ? { blocks: source.blocks, fresh: source.fresh } : {}) });
    let held: ReadEvent[] | undefined = [];
    for await (const batch of reorderBatches(hits, keep)) {
      if (!held) yield batch;
      else {
        for (const hit of eventsOf(batch)) held.push(hit);
        if (held.length > HELD_EVENTS) (yield held, (held = undefined));
      }
    }
    const late = joinedHere.size === 0 ? [] : await lateChildren(file, joinedHere, (id) => members.has(id), { search, pool, index: options.index, plain, ...end, before: plain ? undefined : reach.before });
    const shown = late.filter((hit) => (join(hit.event), matches(filter, hit.event)));
    if (held) yield shown.length > 0 ? mergeInOrder(held, shown, compareEvents) : held;
    else if (shown.length > 0) yield [...shown].sort((a, b) => compareEvents(a.event, b.event));
  }
}

/**
 * The children that stand before their parent in a block (no older than it: as OTLP
 * exporters, which send a span's children first, and merged stores write them): the
 * block is searched again (by `search`, which knows every member) for children of the
 * events `joined` in it, and of theirs, until none joins. Each is handed to `join` with
 * where its line starts. A child older than its cause's start (its time less its
 * `duration_ms`: a span's children end before it does) joins nowhere, as in a pass in
 * time order.
 */
export function childrenFirst(buf: Buffer, end: number, joined: readonly TraceEvent[], isKnown: (id: string) => boolean, search: MemberSearch, join: (hit: ReadEvent, at: number) => void): void {
  for (let parents = new Map(joined.map((e) => [e.id, startOf(e)])); parents.size > 0; ) {
    const found = new Map<string, number>();
    search.block(buf, end, (id) => parents.has(id), (s, e) => {
      const hit = parseAt(buf, s, e);
      const parent = hit?.event.parent_event_id;
      if (!hit || parent == null || !(hit.event.timestamp >= parents.get(parent)!) || isKnown(hit.event.id) || found.has(hit.event.id)) return;
      found.set(hit.event.id, startOf(hit.event));
      join(hit, s);
    });
    parents = found;
  }
}

type IsMember = (agent: string | null | undefined, target: string | null | undefined, parent: string | null | undefined) => boolean;

/**
 * Member events of one file a block at a time. A line that holds neither the target's
 * bytes nor a member as its parent is passed by from the bytes alone; only candidates
 * are parsed. Yields a block's members at once, so
 * the caller updates membership before the next block; within a block, the block's own
 * ids count too.
 */
async function* fastMembers(file: DayFile, isMember: IsMember, search: MemberSearch, options: FileScanOptions & { pool: SearchPool; fresh?: string[]; reach: { before: number } }): AsyncGenerator<ReadEvent[]> {
  const bad = createBadLines(file);
  const blockIds = new Set<string>();
  const inBlock: IsMember = (agent, tgt, parent) => isMember(agent, tgt, parent) || (parent != null && blockIds.has(parent));
  const isKnown = (id: string): boolean => inBlock(undefined, undefined, id);
  for await (const { buf, end, base } of options.blocks?.(bad.fail) ?? lineBlocks(file, 0, options.end, options.pool, bad.fail)) {
    const out: { hit: ReadEvent; at: number }[] = [];
    blockIds.clear();
    const join = (hit: ReadEvent, at: number): void => {
      blockIds.add(hit.event.id);
      search.add(hit.event.id);
      options.fresh?.push(hit.event.id);
      out.push({ hit, at });
    };
    search.block(buf, end, isKnown, (s, e) => {
      const hit = parseAt(buf, s, e);
      if (!hit) return bad.add(base + s);
      if (inBlock(hit.event.agent_id, hit.event.target_id, hit.event.parent_event_id)) join(hit, s);
    });
    if (out.length === 0) continue;
    // A child written before its parent in the block (as OTLP exporters and merged stores order them), put back where it stands.
    const before = out.length;
    childrenFirst(buf, end, out.map((o) => o.hit.event), isKnown, search, join);
    if (out.length > before) out.sort((a, b) => a.at - b.at);
    // Children of these stand after them, in this block, or in the blocks before it.
    options.reach.before = base;
    yield out.map((o) => o.hit);
  }
  const report = await bad.finish();
  if (report) options.onBad?.(report);
}
