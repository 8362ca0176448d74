/**
 * A question and a reading as the query layers take them: resolved once, at the
 * library's door (door/), so that no layer below parses a word, finds a store or
 * decides whether to mask.
 */
import type { BadReport } from "../store/lines.js";
import type { Filter } from "./filter.js";
import type { IndexOption } from "./indexed.js";
import type { Redactor } from "./redactor.js";
import type { QuerySources } from "./sources.js";
import type { DatabaseBackend } from "./backend-types.js";

/** What is asked, resolved: times in milliseconds, a channel without its `#`. */
export interface Asked {
  /** A timeline's target (task, agent or channel): its own events and what they caused. */
  target?: string | undefined;
  filter: Filter;
  /** Only the last N matching events. */
  limit?: number | undefined;
  /** Newest first. */
  reverse?: boolean | undefined;
}

/** Where and how events are read, resolved. */
export interface Read {
  /** The stores, at least one; `names[i]` tags the events of `dirs[i]` when there are several. */
  dirs: readonly string[];
  names: readonly string[];
  /** What may be shown of a store's events: its one masking step, made at the door (an identity only when asked for). */
  mask(dir: string): Redactor;
  /** The space-os databases read with the day files, and where their problems are told. */
  sources: QuerySources;
  /** The indexes of sealed days: used unless `false`. */
  index: IndexOption;
  /** The plain reader (split2 + JSON.parse): the reference path the fast one must equal. */
  plain: boolean;
  /** When a filtered scan reads ahead on a helper thread (scan.ts). */
  readAhead?: number | undefined;
  /** A filter's batches may be lent, each valid only until the next is asked for: the reader writes each out first. */
  lend?: boolean | undefined;
  /** Told once per file that had bad lines. */
  onBad(report: BadReport): void;
  /** A central database (`--db`), answering in place of the stores' day files and sources, masked by itself. */
  database?: DatabaseBackend | undefined;
}
