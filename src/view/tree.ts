/** The tree beside the lanes: causes and effects, collapsible, only the rows in sight in the page. */
import { escapeHtml, FAILURE_RED, laneColour, shapeSvg, spoken } from "./look.js";
import { FAILED, INFERRED } from "./data.js";
import { ancestorsOf, type Model } from "./model.js";
import type { State } from "./state.js";

const ROW_H = 22;
/** Past this many events the tree opens with its roots folded. */
const OPEN_UP_TO = 5000;
/** Indentation stops growing here; deeper rows say their level. */
const INDENT_MAX = 24;

/** The tree panel. */
export interface TreePanel {
  /** Redraw the rows in sight (selection, filters changed). */
  refresh(): void;
  /** Unfold the way to row `i` and scroll it into sight. */
  reveal(i: number): void;
}

/**
 * The tree of `model` in `host`, calling `select` when a row is clicked.
 *
 * @example
 * const tree = createTreePanel(document.getElementById("tree")!, model, state, select);
 */
export function createTreePanel(host: HTMLElement, model: Model, state: State, select: (i: number) => void): TreePanel {
  const open = new Uint8Array(model.n).fill(model.n <= OPEN_UP_TO ? 1 : 0);
  const rootOf = new Int32Array(model.n);
  let flat = new Int32Array(0);
  let depth = new Int32Array(0);
  const spacer = document.createElement("div");
  spacer.className = "tree-spacer";
  host.replaceChildren(spacer);
  const flatten = (): void => {
    const rows: number[] = [];
    const depths: number[] = [];
    const stack: [number, number, number][] = [];
    for (let r = model.roots.length - 1; r >= 0; r--) stack.push([model.roots[r]!, 0, model.roots[r]!]);
    while (stack.length > 0) {
      const [i, d, root] = stack.pop()!;
      rows.push(i);
      depths.push(d);
      rootOf[i] = root;
      if (!open[i]) continue;
      for (let k = model.kidStart[i + 1]! - 1; k >= model.kidStart[i]!; k--) stack.push([model.kids[k]!, d + 1, root]);
    }
    flat = Int32Array.from(rows);
    depth = Int32Array.from(depths);
    spacer.style.height = `${flat.length * ROW_H}px`;
  };
  const rowHtml = (slot: number): string => {
    const i = flat[slot]!;
    const d = depth[slot]!;
    const r = model.data.rows[i]!;
    const kids = model.kidStart[i + 1]! - model.kidStart[i]!;
    const failed = (model.flags[i]! & FAILED) !== 0;
    const classes = ["row", i === state.selected ? "sel" : "", state.lit?.[i] ? "lit" : "", state.lit !== null && !state.lit[i] ? "dim" : "", !state.shown[i] ? "out" : "", failed ? "failed" : ""].join(" ");
    const toggle = kids === 0 ? '<span class="tog"></span>' : `<span class="tog" data-tog="${i}">${open[i] ? "▾" : "▸"}</span>`;
    const since = model.t[i]! - model.t[rootOf[i]!]!;
    const level = d > INDENT_MAX ? `<span class="lvl">[level ${d}]</span> ` : "";
    const took = model.dur[i]! > 0 ? ` · ${spoken(model.dur[i]!)}` : "";
    return `<div class="${classes}" data-i="${i}" style="top:${slot * ROW_H}px;padding-left:${4 + Math.min(d, INDENT_MAX) * 14}px">${toggle}${shapeSvg(model.prim[i]!, failed ? FAILURE_RED : laneColour(model.data.lanes[model.lane[i]!]!))}${model.flags[i]! & INFERRED ? '<span class="inf" title="inferred cause">┄</span>' : ""}<span class="lbl">${level}${escapeHtml(r[9])}</span><span class="tm">+${spoken(since)}${took}</span></div>`;
  };
  const refresh = (): void => {
    const first = Math.max(0, Math.floor(host.scrollTop / ROW_H) - 5);
    const last = Math.min(flat.length, first + Math.ceil(host.clientHeight / ROW_H) + 10);
    let html = "";
    for (let slot = first; slot < last; slot++) html += rowHtml(slot);
    spacer.innerHTML = html;
  };
  host.addEventListener("scroll", () => requestAnimationFrame(refresh));
  host.addEventListener("click", (ev) => {
    const el = ev.target as HTMLElement;
    const tog = el.closest("[data-tog]");
    if (tog) {
      const i = Number(tog.getAttribute("data-tog"));
      open[i] = open[i] ? 0 : 1;
      flatten();
      refresh();
      return;
    }
    const row = el.closest("[data-i]");
    if (row) select(Number(row.getAttribute("data-i")));
  });
  flatten();
  return {
    refresh,
    reveal(i) {
      const closed = ancestorsOf(model, i).filter((a) => !open[a]);
      for (const a of closed) open[a] = 1;
      if (closed.length > 0) flatten();
      const slot = flat.indexOf(i);
      if (slot >= 0 && (slot * ROW_H < host.scrollTop || (slot + 1) * ROW_H > host.scrollTop + host.clientHeight)) host.scrollTop = Math.max(0, slot * ROW_H - host.clientHeight / 3);
      refresh();
    },
  };
}
