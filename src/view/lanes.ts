/** The lanes: one per agent on a shared time axis, events as marks and bars, causes as arrows. */
import { drawAxis } from "./axis.js";
import { AXIS_H, LABEL_W, LANE_H, laneY, timeAt, xOf } from "./geometry.js";
import { FAILURE_RED, laneColour, shapePath } from "./look.js";
import { FAILED, INFERRED } from "./data.js";
import { firstEndingAfter, type Model } from "./model.js";
import { drawnLanes, type State } from "./state.js";

const R = 5;
/** Arrows drawn at most in one frame; past it only the selected path's (the page says so). */
export const ARROW_MAX = 5000;

/** What a frame drew: for the page's notes and for tests. */
export interface Frame {
  lanes: string[];
  /** Events in the window that pass the filters, and marks drawn for them (neighbours within a pixel share one). */
  inWindow: number;
  marks: number;
  arrows: [string, string][];
  arrowsHidden: number;
  ms: number;
}

/**
 * Draws the lanes into `ctx` (already scaled to CSS pixels) of size width × height.
 *
 * @example
 * const frame = drawLanes(ctx, model, state, 1200, 600);
 */
export function drawLanes(ctx: CanvasRenderingContext2D, model: Model, state: State, width: number, height: number): Frame {
  const started = performance.now();
  const lanes = drawnLanes(model, state);
  const slotOf = new Int32Array(model.data.lanes.length).fill(-1);
  lanes.forEach((l, slot) => (slotOf[l] = slot));
  const colours = model.data.lanes.map(laneColour);
  ctx.clearRect(0, 0, width, height);
  ctx.font = "12px system-ui, sans-serif";
  ctx.textBaseline = "middle";
  lanes.forEach((_, slot) => {
    const y = laneY(slot, state) - LANE_H / 2;
    ctx.fillStyle = slot % 2 === 0 ? "#fafbfc" : "#f1f3f5";
    ctx.fillRect(LABEL_W, y, width - LABEL_W, LANE_H);
  });
  const visible = (x: number): boolean => x >= LABEL_W - 40 && x <= width + 40;
  const dim = (i: number): boolean => state.lit !== null && state.lit[i] === 0;
  // Arrows first, so that marks sit on top of them.
  const pairs: number[] = [];
  let candidates = 0;
  const y0 = AXIS_H - LANE_H;
  const inView = (slot: number): boolean => {
    const y = laneY(slot, state);
    return y >= y0 && y <= height + LANE_H;
  };
  ctx.save();
  ctx.beginPath();
  ctx.rect(LABEL_W, AXIS_H, width - LABEL_W, height - AXIS_H);
  ctx.clip();
  const inside = (time: number): boolean => time >= state.x0 && time <= state.x1;
  const consider = (p: number, i: number): void => {
    if (!state.shown[i] || !state.shown[p]) return;
    const ps = slotOf[model.lane[p]!]!;
    const cs = slotOf[model.lane[i]!]!;
    if (ps < 0 || cs < 0 || (!inView(cs) && !inView(ps))) return;
    candidates++;
    pairs.push(p, i);
  };
  // An arrow is drawn when one of its ends is in the window: effects that start in it
  // (whatever their cause), and causes in it whose effects start outside.
  for (const l of lanes) {
    const rows = model.laneRows[l]!;
    for (let k = firstEndingAfter(model, rows, state.x0); k < rows.length; k++) {
      const i = rows[k]!;
      if (model.t[i]! - model.laneMaxDur[l]! > state.x1) break;
      const p = model.parent[i]!;
      if (p >= 0 && inside(model.t[i]! - model.dur[i]!)) consider(p, i);
      if (!inside(model.t[i]!)) continue;
      for (let j = model.kidStart[i]!; j < model.kidStart[i + 1]!; j++) {
        const kid = model.kids[j]!;
        if (!inside(model.t[kid]! - model.dur[kid]!)) consider(i, kid);
      }
    }
  }
  const arrows: [string, string][] = [];
  let hidden = 0;
  for (let a = 0; a < pairs.length; a += 2) {
    const p = pairs[a]!;
    const i = pairs[a + 1]!;
    const onPath = state.lit !== null && state.lit[i] === 1 && state.lit[p] === 1;
    if (candidates > ARROW_MAX && !onPath) {
      hidden++;
      continue;
    }
    const x1 = xOf(model.t[p]!, state, width);
    const y1 = laneY(slotOf[model.lane[p]!]!, state);
    const x2 = xOf(model.t[i]! - model.dur[i]!, state, width);
    const y2 = laneY(slotOf[model.lane[i]!]!, state);
    arrow(ctx, x1, y1, x2, y2, (model.flags[i]! & INFERRED) !== 0, onPath ? "#1f2328" : state.lit !== null ? "rgba(80,90,100,0.12)" : "rgba(80,90,100,0.55)");
    if (arrows.length < 20_000) arrows.push([model.data.rows[p]![0], model.data.rows[i]![0]]);
  }
  let inWindow = 0;
  let marks = 0;
  // Failures and the selected path are drawn last, on top of their neighbours.
  const onTop: [number, number, number][] = [];
  const mark = (i: number, x: number, y: number, start: number): void => {
    marks++;
    const alpha = dim(i) ? 0.15 : 1;
    const failed = (model.flags[i]! & FAILED) !== 0;
    const colour = failed ? FAILURE_RED : colours[model.lane[i]!]!;
    ctx.globalAlpha = alpha;
    if (x - start >= 2) {
      ctx.fillStyle = colour;
      ctx.globalAlpha = alpha * 0.55;
      ctx.fillRect(start, y - 6, x - start, 12);
      ctx.globalAlpha = alpha;
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1;
      ctx.strokeRect(start + 0.5, y - 5.5, x - start - 1, 11);
    }
    shapePath(ctx, model.prim[i]!, x, y, R);
    ctx.fillStyle = colour;
    ctx.fill();
    if (failed) {
      ctx.strokeStyle = "#8d1b1e";
      ctx.lineWidth = 1.2;
      ctx.stroke();
    }
    if (i === state.selected) {
      ctx.globalAlpha = 1;
      ctx.strokeStyle = "#1f2328";
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(x, y, R + 4, 0, Math.PI * 2);
      ctx.stroke();
    }
  };
  for (const l of lanes) {
    const slot = slotOf[l]!;
    if (!inView(slot)) continue;
    const y = laneY(slot, state);
    const rows = model.laneRows[l]!;
    let lastX = -1e9;
    for (let k = firstEndingAfter(model, rows, state.x0); k < rows.length; k++) {
      const i = rows[k]!;
      if (model.t[i]! - model.dur[i]! > state.x1) {
        if (model.t[i]! - model.laneMaxDur[l]! > state.x1) break;
        continue;
      }
      if (!state.shown[i]) continue;
      inWindow++;
      const x = xOf(model.t[i]!, state, width);
      const start = model.dur[i]! > 0 ? xOf(model.t[i]! - model.dur[i]!, state, width) : x;
      if (!visible(x) && !visible(start)) continue;
      if (i === state.selected || (model.flags[i]! & FAILED) !== 0 || (state.lit !== null && state.lit[i] === 1)) {
        onTop.push([i, x, start]);
        continue;
      }
      // Neighbours within a pixel share a mark: a zoomed-out hour draws pixels, not events.
      if (x - start < 2 && Math.abs(x - lastX) < 1) continue;
      lastX = x;
      mark(i, x, y, start);
    }
  }
  for (const [i, x, start] of onTop) mark(i, x, laneY(slotOf[model.lane[i]!]!, state), start);
  ctx.globalAlpha = 1;
  ctx.restore();
  drawLabels(ctx, model, state, lanes, colours, height);
  drawAxis(ctx, model, state, width);
  return { lanes: lanes.map((l) => model.data.lanes[l]!), inWindow, marks, arrows, arrowsHidden: hidden, ms: performance.now() - started };
}

/** A cause → effect arrow: a curve from the cause's mark to the effect's start, with a head. */
function arrow(ctx: CanvasRenderingContext2D, x1: number, y1: number, x2: number, y2: number, dashed: boolean, colour: string): void {
  const bend = Math.max(12, Math.min(80, Math.abs(x2 - x1) / 2));
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = 1.2;
  ctx.setLineDash(dashed ? [4, 3] : []);
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.bezierCurveTo(x1 + bend, y1, x2 - bend, y2, x2 - R, y2);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.beginPath();
  ctx.moveTo(x2 - R, y2);
  ctx.lineTo(x2 - R - 6, y2 - 3.5);
  ctx.lineTo(x2 - R - 6, y2 + 3.5);
  ctx.closePath();
  ctx.fill();
}

function drawLabels(ctx: CanvasRenderingContext2D, model: Model, state: State, lanes: number[], colours: string[], height: number): void {
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, AXIS_H, LABEL_W, height - AXIS_H);
  lanes.forEach((l, slot) => {
    const y = laneY(slot, state);
    if (y < AXIS_H || y > height) return;
    ctx.fillStyle = colours[l]!;
    ctx.fillRect(6, y - 6, 4, 12);
    ctx.fillStyle = model.data.agentless[l] ? "#6e7781" : "#1f2328";
    const stats = model.stats[l]!;
    ctx.fillText(fit(ctx, model.data.lanes[l]!, LABEL_W - 60), 16, y);
    ctx.fillStyle = "#6e7781";
    ctx.textAlign = "right";
    ctx.fillText(String(stats.events), LABEL_W - 8, y);
    if (stats.failures > 0) {
      ctx.fillStyle = FAILURE_RED;
      ctx.fillRect(LABEL_W - 4, y - 5, 2, 10);
    }
    ctx.textAlign = "left";
  });
  ctx.strokeStyle = "#d0d7de";
  ctx.beginPath();
  ctx.moveTo(LABEL_W + 0.5, AXIS_H);
  ctx.lineTo(LABEL_W + 0.5, height);
  ctx.stroke();
}

/** Text cut with an ellipsis to `room` pixels. */
function fit(ctx: CanvasRenderingContext2D, s: string, room: number): string {
  if (ctx.measureText(s).width <= room) return s;
  let cut = s;
  while (cut.length > 1 && ctx.measureText(`${cut}…`).width > room) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * The row whose mark is under (x, y), or -1.
 *
 * @example
 * const i = rowAt(model, state, event.offsetX, event.offsetY, canvas.clientWidth);
 */
export function rowAt(model: Model, state: State, x: number, y: number, width: number): number {
  if (x < LABEL_W || y < AXIS_H) return -1;
  const lanes = drawnLanes(model, state);
  const slot = Math.floor((y + state.scrollY - AXIS_H) / LANE_H);
  const l = lanes[slot];
  if (l === undefined) return -1;
  const rows = model.laneRows[l]!;
  const tol = ((R + 3) / (width - LABEL_W)) * (state.x1 - state.x0);
  const at = timeAt(x, state, width);
  let best = -1;
  let bestD = Infinity;
  for (let k = firstEndingAfter(model, rows, at - tol); k < rows.length; k++) {
    const i = rows[k]!;
    if (model.t[i]! - model.laneMaxDur[l]! > at + tol) break;
    if (!state.shown[i]) continue;
    const d = Math.abs(model.t[i]! - at);
    const inside = model.t[i]! - model.dur[i]! <= at && at <= model.t[i]!;
    const score = d <= tol ? d : inside ? tol + (model.t[i]! - at) : Infinity;
    if (score < bestD) [best, bestD] = [i, score];
  }
  return best;
}
