/** The cause → effect tree around an event: the walk up to its root, then everything below. */
import { createMemberSearch, createSearchPool, type SearchPool } from "../engine/facade.js";
import { createBadLines, eachLine, parseAt, type BadReport } from "../store/lines.js";
import { compareEvents, type TraceEvent } from "../event/envelope.js";
import { dayOf, listDayFiles } from "../store/layout.js";
import { lineBlocks } from "../store/read.js";
import { readQuerySources, type QuerySources } from "../query/sources.js";
import { membersSource, storeFiltersFor, type IndexOption } from "../query/indexed.js";
import { childrenFirst } from "../query/timeline.js";
import { lateChildren } from "../query/late-children.js";
import { causalityAcross } from "./across.js";
import { walkUp } from "./ancestors.js";
import { findFocus } from "./find.js";
import { createMentions, inferParent, sessionKey } from "./infer.js";

export type { CausalNode, CausalTree } from "./model.js";
import type { CausalNode, CausalTree } from "./model.js";

/** How to build a tree. */
export interface CausalityOptions {
  dir: string;
  /** Link parentless events to the same agent's previous event of the same session. */
  infer?: boolean;
  /** How far back inference looks (ms); default 5 s. */
  inferWindowMs?: number;
  onBad?: (report: BadReport) => void;
  /** The space-os databases read with the day files. */
  sources?: QuerySources;
  /** Several stores, one tree (`dir` is then the first): a cause in one, its effects in another. */
  dirs?: readonly string[] | undefined;
  /** The indexes of sealed days: used unless `false`. */
  index?: IndexOption;
}

/** Default `--infer-window`. */
export const INFER_WINDOW_MS = 5_000;

/**
 * Builds the cause → effect tree around an event id, id suffix or target: walks up
 * `parent_event_id` to the root (cutting cycles, stopping at a missing parent), then
 * collects everything below the root in one pass from the root's day on.
 *
 * @example
 * const tree = await causality("task-abc123", { dir: "logs/payments" });
 */
export async function causality(idOrTarget: string, options: CausalityOptions): Promise<CausalTree> {
  if ((options.dirs?.length ?? 0) > 1) return causalityAcross(idOrTarget, options.dirs!, options);
  // The walk up and the pass below may read the same files: each is reported once.
  const reported = new Set<string>();
  const onBad = (report: BadReport): void => void (reported.has(report.file) || (reported.add(report.file), options.onBad?.(report)));
  const pool = createSearchPool();
  const extra = (await readQuerySources(options.dir, options.sources ?? {})).map((h) => h.event);
  const known = new Map(extra.map((e) => [e.id, e]));
  const { event: focus, byId } = await findFocus(options.dir, idOrTarget, { pool, onBad, index: options.index }, extra);
  const windowMs = options.inferWindowMs ?? INFER_WINDOW_MS;
  const guess = options.infer ? (e: TraceEvent) => inferParent(options.dir, e, windowMs, extra) : undefined;
  const { top, missingParent, cycle } = await walkUp(options.dir, focus, { pool, onBad, known, index: options.index, ...(guess ? { guess } : {}) });
  const root = await collectBelow(top, { ...options, onBad }, windowMs, pool, extra);
  return { root, focus, byId, ...(missingParent ? { missingParent } : {}), ...(cycle ? { cycle } : {}) };
}

/** One pass from the root's day on, attaching every event whose parent is already in the tree. */
async function collectBelow(rootEvent: TraceEvent, options: CausalityOptions, windowMs: number, pool: SearchPool, extra: readonly TraceEvent[]): Promise<CausalNode> {
  const root: CausalNode = { event: rootEvent, children: [] };
  const nodes = new Map<string, CausalNode>([[rootEvent.id, root]]);
  const search = createMemberSearch(pool);
  search.add(rootEvent.id);
  const lastOfSession = new Map<string, TraceEvent>();
  // Under --infer, a spawn joins below the message that mentioned its agent just before: the sources' messages, and the day files' as they pass.
  const [known, passing] = [createMentions(windowMs, false), createMentions(windowMs, true)];
  if (options.infer) for (const e of extra) known.add(e);
  const mentionedBy = (e: TraceEvent): CausalNode | undefined => {
    if (!options.infer || e.parent_event_id !== null) return undefined;
    const [a, b] = [known.causeOf(e), passing.causeOf(e)];
    const send = a && b ? (compareEvents(a, b) > 0 ? a : b) : (a ?? b);
    return send && nodes.get(send.id);
  };
  const rootDay = dayOf(rootEvent.timestamp);
  // The sources' events join where their parent is in the tree: before each day's file,
  // those of that day and earlier; at the end, all that are left, until none joins.
  let pending = [...extra];
  const attach = (upTo: string): void => {
    for (let joined = true; joined; ) {
      joined = false;
      pending = pending.filter((e) => {
        if (nodes.has(e.id) || dayOf(e.timestamp) > upTo) return !nodes.has(e.id);
        const recorded = e.parent_event_id === null ? undefined : nodes.get(e.parent_event_id);
        const inferred = recorded ? undefined : mentionedBy(e);
        const parent = recorded ?? inferred;
        if (!parent) return true;
        const node: CausalNode = inferred ? { event: e, children: [], inferred: true } : { event: e, children: [] };
        parent.children.push(node);
        nodes.set(e.id, node);
        search.add(e.id);
        joined = true;
        return false;
      });
    }
  };
  const days = storeFiltersFor(options.dir, options.index);
  for (const file of listDayFiles(options.dir)) {
    if (file.day < rootDay) continue;
    attach(file.day);
    // Without --infer only children join: a day's index names their blocks, and more as they join.
    const source = options.infer ? undefined : membersSource(file, { [Symbol.iterator]: () => nodes.keys() }, undefined, options.index, pool, days);
    if (source?.blocks === "none") continue;
    const bad = createBadLines(file);
    const joinedDay = new Set<string>();
    let before = 0;
    const join = (ev: TraceEvent, parent: CausalNode, inferred: boolean): void => {
      const node: CausalNode = inferred ? { event: ev, children: [], inferred } : { event: ev, children: [] };
      parent.children.push(node);
      nodes.set(ev.id, node);
      search.add(ev.id);
      source?.fresh.push(ev.id);
      joinedDay.add(ev.id);
    };
    for await (const { buf, end, base } of source ? source.blocks(bad.fail) : lineBlocks(file, 0, Infinity, pool, bad.fail)) {
      const size = joinedDay.size;
      const visit = (s: number, e: number): void => {
        const hit = parseAt(buf, s, e);
        if (!hit) return bad.add(base + s);
        const ev = hit.event;
        const key = options.infer ? sessionKey(ev) : undefined;
        const prev = key === undefined ? undefined : lastOfSession.get(key);
        if (key !== undefined) lastOfSession.set(key, ev);
        if (options.infer) passing.add(ev);
        if (nodes.has(ev.id)) return;
        let parent = ev.parent_event_id === null ? undefined : nodes.get(ev.parent_event_id);
        const mention = mentionedBy(ev);
        const inferred = mention !== undefined || (ev.parent_event_id === null && prev !== undefined && ev.timestamp - prev.timestamp <= windowMs && nodes.has(prev.id));
        if (inferred) parent = mention ?? nodes.get(prev!.id);
        if (parent) join(ev, parent, inferred);
      };
      // Inferring links needs every event of a session, not only the children.
      if (options.infer) eachLine(buf, end, visit);
      else search.block(buf, end, (id) => nodes.has(id), visit);
      // A child written before its parent in the block (as OTLP exporters and merged stores order them).
      if (joinedDay.size > size) {
        childrenFirst(buf, end, [...joinedDay].slice(size).map((id) => nodes.get(id)!.event), (id) => nodes.has(id), search, ({ event }) => join(event, nodes.get(event.parent_event_id!)!, false));
        before = base;
      }
    }
    const report = await bad.finish();
    if (report) options.onBad?.(report);
    // Children written in an earlier block than their parent, joined by their recorded parent.
    if (joinedDay.size > 0) {
      for (const { event } of await lateChildren(file, joinedDay, (id) => nodes.has(id), { search, pool, index: options.index, before })) join(event, nodes.get(event.parent_event_id!)!, false);
    }
  }
  attach("9999-12-31");
  for (const node of nodes.values()) node.children.sort((a, b) => compareEvents(a.event, b.event));
  return root;
}
