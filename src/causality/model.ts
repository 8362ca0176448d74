/** The shapes of a causality tree: its nodes and the tree around the event asked about. */
import type { TraceEvent } from "../event/envelope.js";

/** One event in a causality tree and the events it caused, in time order. */
export interface CausalNode {
  event: TraceEvent;
  children: CausalNode[];
  /** The edge from the parent was inferred (`--infer`), not recorded. */
  inferred?: boolean;
  /** The store it was found in, when the tree spans several. */
  store?: string;
}

/** A tree around the event asked about. */
export interface CausalTree {
  root: CausalNode;
  /** The event asked about (the target's earliest event when given a target). */
  focus: TraceEvent;
  /** True when the user named an event id rather than a target. */
  byId: boolean;
  /** The root's recorded parent, when that event is not in the store (pruned or never written). */
  missingParent?: string;
  /** The root's parent chain came back round to an event already seen: cut here. */
  cycle?: boolean;
}

