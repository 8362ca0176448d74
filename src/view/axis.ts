/** The time axis above the lanes: ticks on round clock times, in UTC or the browser's zone. */
import { AXIS_H, LABEL_W, xOf } from "./geometry.js";
import { clock } from "./look.js";
import type { Model } from "./model.js";
import type { State } from "./state.js";

/** Tick steps, ms. */
const STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 108e5, 216e5, 432e5, 864e5];

/** Draws the axis over the top AXIS_H pixels. */
export function drawAxis(ctx: CanvasRenderingContext2D, model: Model, state: State, width: number): void {
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, width, AXIS_H);
  const perPx = (state.x1 - state.x0) / (width - LABEL_W);
  const step = STEPS.find((s) => s / perPx >= 90) ?? STEPS[STEPS.length - 1]!;
  const utc = model.data.about.utc;
  // Ticks fall on round clock times: measured from the epoch, not from t0.
  const offset = utc ? 0 : -new Date(model.data.t0).getTimezoneOffset() * 60_000;
  const first = Math.ceil((state.x0 + model.data.t0 + offset) / step) * step - offset - model.data.t0;
  ctx.fillStyle = "#57606a";
  ctx.strokeStyle = "#d0d7de";
  ctx.textAlign = "center";
  for (let at = first; at <= state.x1; at += step) {
    const x = xOf(at, state, width);
    if (x < LABEL_W + 20) continue;
    const text = clock(model.data.t0 + at, utc);
    ctx.fillText(step >= 1000 ? text.slice(0, 8) : text, x, AXIS_H / 2);
    ctx.beginPath();
    ctx.moveTo(x + 0.5, AXIS_H - 4);
    ctx.lineTo(x + 0.5, AXIS_H);
    ctx.stroke();
  }
  ctx.textAlign = "left";
  ctx.fillStyle = "#57606a";
  ctx.fillText(utc ? "UTC" : "local time", 8, AXIS_H / 2);
  ctx.beginPath();
  ctx.moveTo(0, AXIS_H + 0.5);
  ctx.lineTo(width, AXIS_H + 0.5);
  ctx.stroke();
}

