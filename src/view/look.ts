/** How the page draws things: a colour per agent, a shape per primitive, times as text. */

export { agentColour as laneColour, FAILURE_RED } from "../render/colour.js";

/** The shapes primitives are drawn as, in the order the page meets them. */
export const SHAPES = ["circle", "square", "diamond", "triangle", "down", "hexagon", "star"] as const;

/** Draws shape `shape` of radius `r` at (x, y) as the current path. */
export function shapePath(ctx: CanvasRenderingContext2D, shape: number, x: number, y: number, r: number): void {
  ctx.beginPath();
  switch (SHAPES[shape % SHAPES.length]) {
    case "circle":
      ctx.arc(x, y, r, 0, Math.PI * 2);
      break;
    case "square":
      ctx.rect(x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7);
      break;
    case "diamond":
      polygon(ctx, x, y, r * 1.15, 4, 0);
      break;
    case "triangle":
      polygon(ctx, x, y + r * 0.2, r * 1.2, 3, -Math.PI / 2);
      break;
    case "down":
      polygon(ctx, x, y - r * 0.2, r * 1.2, 3, Math.PI / 2);
      break;
    case "hexagon":
      polygon(ctx, x, y, r * 1.05, 6, 0);
      break;
    default:
      star(ctx, x, y, r * 1.25);
  }
}

function polygon(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, sides: number, turn: number): void {
  for (let i = 0; i < sides; i++) {
    const a = turn + (i * Math.PI * 2) / sides;
    if (i === 0) ctx.moveTo(x + r * Math.cos(a), y + r * Math.sin(a));
    else ctx.lineTo(x + r * Math.cos(a), y + r * Math.sin(a));
  }
  ctx.closePath();
}

function star(ctx: CanvasRenderingContext2D, x: number, y: number, r: number): void {
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    const rr = i % 2 === 0 ? r : r * 0.45;
    if (i === 0) ctx.moveTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
    else ctx.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
  }
  ctx.closePath();
}

/** A shape as a small inline SVG, for legends and the tree. */
export function shapeSvg(shape: number, colour: string): string {
  const kinds: Record<string, string> = {
    circle: '<circle cx="6" cy="6" r="4.5"/>',
    square: '<rect x="2" y="2" width="8" height="8"/>',
    diamond: '<polygon points="6,0.5 11.5,6 6,11.5 0.5,6"/>',
    triangle: '<polygon points="6,1 11,10.5 1,10.5"/>',
    down: '<polygon points="1,1.5 11,1.5 6,11"/>',
    hexagon: '<polygon points="11,6 8.5,10.3 3.5,10.3 1,6 3.5,1.7 8.5,1.7"/>',
    star: '<polygon points="6,0.5 7.4,4.3 11.5,4.3 8.2,6.9 9.4,11 6,8.5 2.6,11 3.8,6.9 0.5,4.3 4.6,4.3"/>',
  };
  return `<svg width="12" height="12" viewBox="0 0 12 12" fill="${colour}" aria-hidden="true">${kinds[SHAPES[shape % SHAPES.length]!]}</svg>`;
}

/** A clock time to the millisecond, in UTC or the browser's zone. */
export function clock(ms: number, utc: boolean, withDate = false): string {
  const d = new Date(ms);
  const p = (v: number, w = 2): string => String(v).padStart(w, "0");
  const [y, mo, da, h, mi, s, mil] = utc
    ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()]
    : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()];
  const time = `${p(h)}:${p(mi)}:${p(s)}.${p(mil, 3)}`;
  return withDate ? `${y}-${p(mo)}-${p(da)} ${time}${utc ? " UTC" : ""}` : time;
}

/** A duration as people say it: 840 ms, 2.4 s, 3 m 12 s, 1 h 05 m. */
export function spoken(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} m ${String(Math.floor((ms % 60_000) / 1000)).padStart(2, "0")} s`;
  return `${Math.floor(ms / 3_600_000)} h ${String(Math.floor((ms % 3_600_000) / 60_000)).padStart(2, "0")} m`;
}

/** Text safe inside HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
