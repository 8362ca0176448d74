/** Where things are on the lanes' canvas: the label column, lane height, axis, and time ↔ x. */
import type { State } from "./state.js";

/** The column of lane names, px. */
export const LABEL_W = 170;
/** A lane's height, px. */
export const LANE_H = 28;
/** The time axis's height, px. */
export const AXIS_H = 24;

/** Where a lane's middle is, in CSS pixels of the canvas. */
export function laneY(slot: number, state: State): number {
  return AXIS_H + slot * LANE_H + LANE_H / 2 - state.scrollY;
}

/** The x of a time, in CSS pixels of the canvas. */
export function xOf(time: number, state: State, width: number): number {
  return LABEL_W + ((time - state.x0) / (state.x1 - state.x0)) * (width - LABEL_W);
}

/** The time at x. */
export function timeAt(x: number, state: State, width: number): number {
  return state.x0 + ((x - LABEL_W) / (width - LABEL_W)) * (state.x1 - state.x0);
}

