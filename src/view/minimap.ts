/** The minimap: the whole run in a strip, a band per lane, and the window shown as a box. */
import { FAILURE_RED, laneColour } from "./look.js";
import { FAILED } from "./data.js";
import type { Model } from "./model.js";
import { drawnLanes, type State } from "./state.js";
import { LABEL_W } from "./geometry.js";

export const MINIMAP_H = 46;

/** The run drawn once (for a width and a filter) and the window drawn over it each frame. */
export interface Minimap {
  draw(ctx: CanvasRenderingContext2D, state: State, width: number): void;
  /** Forget the drawn run: the filters or the width changed. */
  invalidate(): void;
  /** The time at x. */
  timeAt(x: number, width: number): number;
}

/**
 * A minimap of `model`.
 *
 * @example
 * const minimap = createMinimap(model); minimap.draw(ctx, state, 1200);
 */
export function createMinimap(model: Model): Minimap {
  let cached: { width: number; image: HTMLCanvasElement } | null = null;
  const [lo, hi] = model.span;
  const xAt = (time: number, width: number): number => LABEL_W + ((time - lo) / (hi - lo)) * (width - LABEL_W - 1);
  const render = (state: State, width: number): HTMLCanvasElement => {
    const image = document.createElement("canvas");
    image.width = width;
    image.height = MINIMAP_H;
    const ctx = image.getContext("2d")!;
    const lanes = drawnLanes(model, state);
    const band = Math.max(1, Math.floor((MINIMAP_H - 4) / Math.max(1, lanes.length)));
    const cols = width - LABEL_W;
    lanes.forEach((l, slot) => {
      const y = 2 + slot * band;
      if (y >= MINIMAP_H - 2) return;
      const seen = new Uint8Array(cols + 1);
      const rows = model.laneRows[l]!;
      for (let k = 0; k < rows.length; k++) {
        const i = rows[k]!;
        if (!state.shown[i]) continue;
        const c = Math.round(xAt(model.t[i]!, width)) - LABEL_W;
        seen[c] = Math.max(seen[c]!, model.flags[i]! & FAILED ? 2 : 1);
      }
      for (let c = 0; c <= cols; c++) {
        if (!seen[c]) continue;
        ctx.fillStyle = seen[c] === 2 ? FAILURE_RED : laneColour(model.data.lanes[l]!);
        ctx.fillRect(LABEL_W + c, y, 1, Math.max(1, band - (band > 2 ? 1 : 0)));
      }
    });
    return image;
  };
  return {
    draw(ctx, state, width) {
      if (cached === null || cached.width !== width) cached = { width, image: render(state, width) };
      ctx.clearRect(0, 0, width, MINIMAP_H);
      ctx.fillStyle = "#f6f8fa";
      ctx.fillRect(0, 0, width, MINIMAP_H);
      ctx.drawImage(cached.image, 0, 0);
      ctx.fillStyle = "#57606a";
      ctx.font = "11px system-ui, sans-serif";
      ctx.textBaseline = "middle";
      ctx.fillText("whole run", 8, MINIMAP_H / 2);
      const a = Math.max(LABEL_W, xAt(state.x0, width));
      const b = Math.min(width - 1, xAt(state.x1, width));
      ctx.fillStyle = "rgba(31,111,235,0.10)";
      ctx.fillRect(a, 0, Math.max(2, b - a), MINIMAP_H);
      ctx.strokeStyle = "#1f6feb";
      ctx.lineWidth = 1;
      ctx.strokeRect(a + 0.5, 0.5, Math.max(2, b - a) - 1, MINIMAP_H - 1);
    },
    invalidate() {
      cached = null;
    },
    timeAt(x, width) {
      return lo + ((x - LABEL_W) / (width - LABEL_W - 1)) * (hi - lo);
    },
  };
}
