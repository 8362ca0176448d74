/** The interfaces of the places events are read from (backend.ts has the day files' and the sources'). */
import type { Hits } from "../engine/facade.js";
import type { TraceEvent } from "../event/envelope.js";
import type { ReadEvent } from "../store/read.js";
import type { Filter } from "./filter.js";
import type { Tail } from "./tail-files.js";

/** One place events are read from. */
export interface Backend {
  /** The events that pass `filter`, in order. */
  select(filter: Filter): AsyncGenerator<Hits>;
  /**
   * A timeline's members: the target's own events (none without a target) and every
   * descendant of `members`, which grows as they are read (pass it on to find more in
   * another backend); `filter` chooses what is yielded, not who is a member.
   */
  members(target: string | undefined, members: Set<string>, filter: Filter): AsyncGenerator<Hits>;
  /** The events it holds with these ids. */
  byIds(ids: readonly string[]): Promise<TraceEvent[]>;
  /**
   * Following from here: a target's members (or the filter's events) as they arrive;
   * `wake` is called when the backend may have more (a hint: the follower polls too).
   */
  tail(target: string | undefined, filter: Filter, members: Set<string>, wake: () => void): Promise<Tail>;
}

/** A central database (db/read.ts): a backend, and its answers beyond a backend's: the lookups of WHEN words and trees, cursors, its end. */
export interface DatabaseBackend extends Backend {
  /** The timestamp of the first event acting as or on `target` (`when TARGET created`). */
  firstOwn(target: string): Promise<number | undefined>;
  /** The timestamp of the agent's latest wake (`last wake`). */
  lastWake(agent: string): Promise<number | undefined>;
  /** What `--causality` names: a full id, a unique id suffix (8+), or a target's first event. */
  focus(idOrTarget: string): Promise<{ event: TraceEvent; byId: boolean }>;
  /** The store an event came from, when the database holds several (a tree's tags). */
  storeOf(id: string): string | undefined;
  /** The last `n` events that pass `filter`, oldest first, with the rest of the oldest one's millisecond (whose order the query decides). */
  last(filter: Filter, n: number): Promise<ReadEvent[]>;
  /** The events after a cursor (`db:SEQ`), up to now; `next` is set to the position after them. */
  after(target: string | undefined, filter: Filter, cursor: { after?: string | undefined; where?: string | undefined; next?: string }): AsyncGenerator<ReadEvent[]>;
  close(): Promise<void>;
}

