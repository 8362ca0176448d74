/**
 * A query's use of the indexes of days: which blocks of a day its filter can touch, or a
 * timeline's and a tree's blocks as their members grow. Every block with a bad line is
 * read too, so that reports are the scan's; of an open day, every line after what its
 * index covers. A day without a fresh index, a value an index cannot key (U+FFFD), or an
 * index found damaged midway falls back to reading the day whole, so answers never
 * depend on the index.
 */
import type { IndexedField, SearchPool } from "../engine/facade.js";
import { statSync } from "node:fs";
import { AUTO_INDEX_BYTES, chosenBlocks, createStoreFilters, IndexDamage, indexedBlocks, indexPathOf, openDayIndex, type BlockTable, type DayIndex, type IndexUse, type StoreFilters } from "../day-index/facade.js";
import { isSealed, type DayFile } from "../store/layout.js";
import { lineBlocks, type LineBlock, type OnFail } from "../store/read.js";
import type { Filter } from "./filter.js";
import { intersectionOf, readPicked, unionOf, type LinePick } from "../store/pick-lines.js";

/** Above this share of a day's blocks, the day is read whole. */
const WHOLE_DAY_SHARE = 0.25;
/** Wanted lines this far apart on average are read one by one (read-lines.ts). */
const SPARSE_GAP = 8 << 10;

/** How a query uses indexes: `false` reads every day whole (`--no-index`). */
export type IndexOption = IndexUse | false | undefined;

/** A day's blocks, as the search reads them. */
export type BlockSource = (onFail: OnFail) => AsyncIterable<LineBlock>;

/** A day's blocks from its index, or `"none"`: the index says no line of the day can match. */
export type IndexedSource = BlockSource | "none";

/**
 * A day where what the filter selects is on most pages but its index lists the lines
 * (postings.ts): those lines are read alone, by whoever reads the day (the scan's
 * helper thread, or this one), and only they are searched.
 */
export type PickedSource = LinePick;

/**
 * The blocks to search of a day: its index's, or its picked lines, or undefined when
 * the index has no say (the search reads the day).
 *
 * @example
 * const blocks = blocksOf(filterSource(file, filter, {}, pool), file, pool);
 */
export function blocksOf(source: BlockSource | PickedSource | undefined, file: DayFile, pool: SearchPool): BlockSource | undefined {
  if (source === undefined || typeof source === "function") return source;
  return (onFail) => readPicked(file, source, pool, onFail);
}

/** The (field, value) pairs a filter needs: each inner list is "one of these", all lists must hold. */
function selectionsOf(f: Filter): [IndexedField, string][][] {
  const all: [IndexedField, string][][] = [];
  if (f.id !== undefined) all.push([["id", f.id]]);
  if (f.own !== undefined) all.push([["agent_id", f.own], ["target_id", f.own]]);
  if (f.agent !== undefined) all.push([["agent_id", f.agent]]);
  if (f.task !== undefined) all.push([["target_id", f.task]]);
  // A channel's spawns name it in metadata, which no index keys: every spawn block is read.
  if (f.channel !== undefined) all.push([["target_id", f.channel], ["primitive", "spawn"]]);
  if (f.primitive !== undefined) all.push([["primitive", f.primitive]]);
  return all;
}

/**
 * The day filters of the store `dir` for a pass over its days (none with `use` false):
 * made once per pass, read on first use.
 *
 * @example
 * const days = storeFiltersFor(dir, options.index);
 */
export function storeFiltersFor(dir: string, use: IndexOption): StoreFilters | undefined {
  return use === false ? undefined : createStoreFilters(dir, use?.onNote);
}

/** The values of `selections` that surely select nothing on a day its filter lacks: one list all of `agent_id` or `target_id` (the filter's fields), or none. */
function filterValues(selections: [IndexedField, string][][]): string[] | undefined {
  const list = selections.find((alternatives) => alternatives.every(([field]) => field === "agent_id" || field === "target_id"));
  return list?.map(([, v]) => v);
}

/** False when a value holds U+FFFD: bad UTF-8 decodes to it, so it may match stored bytes no key names. */
function keyable(values: Iterable<string>): boolean {
  for (const v of values) if (v.includes("\uFFFD")) return false;
  return true;
}

/**
 * A fresh index of a day, unless the query reads whole days: a sealed day's, or an open
 * day's over the lines it had when built. A builder is wanted for a sealed day without
 * one, and for an open day with a megabyte or more that no index covers.
 */
function usable(file: DayFile, use: IndexOption): DayIndex | undefined {
  if (use === false || (file.start ?? 0) > 0) return undefined;
  const index = openDayIndex(file, use || {});
  if (use && (isSealed(file) ? !index || index.covered !== undefined : !file.gz && uncovered(file, index) >= AUTO_INDEX_BYTES)) use.onMissing?.(file);
  return index;
}

/** The bytes of an open day that its index does not cover. */
function uncovered(file: DayFile, index: DayIndex | undefined): number {
  return (statSync(file.path, { throwIfNoEntry: false })?.size ?? 0) - (index?.covered ?? 0);
}

/** The blocks `first` names, then, of an open day's index, every line after what it covers. */
async function* thenUncovered(first: AsyncIterable<LineBlock>, file: DayFile, covered: number | undefined, pool: SearchPool, onFail: OnFail): AsyncGenerator<LineBlock> {
  yield* first;
  if (covered !== undefined) yield* lineBlocks(file, covered, Infinity, pool, onFail);
}

/** A day whose index names no block: nothing, or of an open day, every line after what the index covers. */
function uncoveredOnly(file: DayFile, covered: number | undefined, pool: SearchPool): IndexedSource {
  return covered === undefined ? "none" : (onFail) => lineBlocks(file, covered, Infinity, pool, onFail);
}

function damaged(err: unknown, file: DayFile, use: IndexOption): undefined {
  if (!(err instanceof IndexDamage)) throw err;
  if (use) use.onNote?.(`${indexPathOf(file)}: ${err.message}; ignored (trace index rebuilds it)`);
  return undefined;
}

/**
 * The blocks of a sealed day that can hold what `filter` selects, from the day's
 * index; undefined when the day is to be read whole (no fresh index, no value to look
 * up, `use` false).
 *
 * @example
 * const source = filterSource(file, { agent: "haiku-1" }, {}, pool);
 */
export function filterSource(file: DayFile, filter: Filter, use: IndexOption, pool: SearchPool, days?: StoreFilters): IndexedSource | PickedSource | undefined {
  return selectionSource(file, selectionsOf(filter), use, pool, days);
}

/**
 * The blocks of a sealed day holding, for each list of `selections`, one of its
 * (field, value) pairs (an id's value may be a suffix of 8+ characters); undefined
 * when the day is to be read whole.
 *
 * @example
 * const source = selectionSource(file, [[["id", "9f3c2a1b"]]], {}, pool);
 */
export function selectionSource(file: DayFile, selections: [IndexedField, string][][], use: IndexOption, pool: SearchPool, days?: StoreFilters): IndexedSource | PickedSource | undefined {
  const values = selections.flat().map(([, v]) => v);
  if (values.length === 0 || !keyable(values)) return undefined;
  const lacking = days ? filterValues(selections) : undefined;
  if (days && lacking && days.lacks(file, lacking)) return "none";
  const index = usable(file, use);
  if (!index) return undefined;
  try {
    let chosen: Set<number> | undefined;
    // The pairs some block holds: a pair no block holds adds no line either.
    const present = selections.map(() => [] as [IndexedField, string][]);
    for (const [k, alternatives] of selections.entries()) {
      const here = new Set<number>();
      for (const [field, value] of alternatives) {
        const found = index.lookup(field, [value]);
        if (found.length > 0) present[k]!.push([field, value]);
        for (const b of found) here.add(b);
      }
      chosen = chosen ? new Set([...chosen].filter((b) => here.has(b))) : here;
    }
    const blocks = [...chosen!, ...index.bad()];
    const covered = index.covered;
    if (blocks.length === 0) return uncoveredOnly(file, covered, pool);
    // Most of the day holds the value: one read of all of it (with the helper thread) beats many small ones; of its lines only, when listed.
    if (blocks.length > ((use ? use.wholeDayShare : undefined) ?? WHOLE_DAY_SHARE) * index.blocks) return file.gz || index.badBlocks > 0 ? undefined : pickedSource(index, present);
    const table = index.table();
    const choice = chosenBlocks(blocks, index.blocks);
    return (onFail) => thenUncovered(indexedBlocks(file, table, choice, pool, onFail), file, covered, pool, onFail);
  } catch (err) {
    return damaged(err, file, use);
  } finally {
    index.close();
  }
}

/** The lines of `present` (lists of pairs, one pair of each list on a line) that the day's postings name; undefined when a pair has none. */
function pickedSource(index: DayIndex, present: [IndexedField, string][][]): PickedSource | undefined {
  let chosen: Float64Array | undefined;
  for (const alternatives of present) {
    let here: Float64Array = new Float64Array(0);
    for (const [field, value] of alternatives) {
      const starts = index.lineStarts(field, value);
      if (!starts) return undefined;
      here = unionOf(here, starts);
    }
    chosen = chosen ? intersectionOf(chosen, here) : here;
  }
  // A read of each line costs about what copying 8 KiB does: farther apart, they are read one by one.
  return { starts: chosen!, covered: index.covered, sparse: index.source.size >= SPARSE_GAP * chosen!.length };
}

/** A day's blocks for a set of members that grows as they are read: `fresh` takes each new member's id. */
export interface GrowingSource {
  blocks: IndexedSource;
  /** Push each id that joins while the day is read: the blocks of its children are chosen next. */
  fresh: string[];
}

/**
 * The blocks of a sealed day that can hold events whose parent is in `members` (or,
 * with `own`, that act as or on it), growing as new members are pushed to `fresh`;
 * undefined when the day is to be read whole.
 *
 * @example
 * const source = membersSource(file, members, "task-42", {}, pool);
 */
export function membersSource(file: DayFile, members: Iterable<string>, own: string | undefined, use: IndexOption, pool: SearchPool, days?: StoreFilters): GrowingSource | undefined {
  if (!keyable(members) || (own !== undefined && !keyable([own]))) return undefined;
  // No member yet: only the target's own lines can be wanted, which the day's filter may rule out.
  if (days && members[Symbol.iterator]().next().done === true && days.lacks(file, own === undefined ? [] : [own])) return { blocks: "none", fresh: [] };
  const index = usable(file, use);
  if (!index) return undefined;
  let table: BlockTable | undefined;
  let blocks: number[];
  try {
    blocks = [...(own === undefined ? [] : [...index.lookup("agent_id", [own]), ...index.lookup("target_id", [own])]), ...index.lookup("parent_event_id", members), ...index.bad()];
    // Most days hold nothing of it: their block table is never read.
    if (blocks.length > 0) table = index.table();
  } catch (err) {
    index.close();
    return damaged(err, file, use);
  }
  const covered = index.covered;
  if (!table) {
    index.close();
    return { blocks: uncoveredOnly(file, covered, pool), fresh: [] };
  }
  const chosen = table;
  const fresh: string[] = [];
  const choice = chosenBlocks(blocks, index.blocks);
  let whole = false;
  const growing = {
    first(after: number): number {
      if (fresh.length > 0 && !whole) {
        try {
          if (keyable(fresh)) for (const b of index.lookup("parent_event_id", fresh)) choice.add(b);
          else whole = true;
        } catch (err) {
          damaged(err, file, use);
          whole = true;
        }
        // The rest of the day is read whole: more than needed, never less.
        if (whole) for (let b = after + 1; b < index.blocks; b++) choice.add(b);
        fresh.length = 0;
      }
      return choice.first(after);
    },
  };
  const read = async function* (onFail: OnFail): AsyncGenerator<LineBlock> {
    try {
      yield* indexedBlocks(file, chosen, growing, pool, onFail);
    } finally {
      index.close();
    }
  };
  return { blocks: (onFail) => thenUncovered(read(onFail), file, covered, pool, onFail), fresh };
}
