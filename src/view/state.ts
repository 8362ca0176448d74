/** What the reader has done to the page: the window of time, the scroll, what is selected and filtered. */
import type { Model } from "./model.js";

/** The page's state; every view draws from it. */
export interface State {
  /** The window of time shown, ms after t0. */
  x0: number;
  x1: number;
  /** Lanes scrolled past, in pixels. */
  scrollY: number;
  /** The selected row, -1 for none. */
  selected: number;
  /** Rows on the selected row's path (1), or null with no selection. */
  lit: Uint8Array | null;
  /** Rows that pass the filters and the search (1). */
  shown: Uint8Array;
  hiddenLanes: Set<number>;
  hiddenPrims: Set<number>;
  query: string;
}

/** A fresh state: the whole run, nothing selected or hidden. */
export function initialState(model: Model): State {
  const pad = (model.span[1] - model.span[0]) * 0.02;
  return { x0: model.span[0] - pad, x1: model.span[1] + pad, scrollY: 0, selected: -1, lit: null, shown: new Uint8Array(model.n).fill(1), hiddenLanes: new Set(), hiddenPrims: new Set(), query: "" };
}

/** The lanes drawn, in order: those not hidden. */
export function drawnLanes(model: Model, state: State): number[] {
  return model.data.lanes.map((_, i) => i).filter((i) => !state.hiddenLanes.has(i));
}
