/**
 * `trace view`'s page: reads the data the export inlined and wires the lanes, minimap,
 * tree and panels to one state. Everything is drawn here, from the page itself: the
 * page asks the network for nothing (its Content-Security-Policy forbids it).
 */
import { agentsHtml, eventHtml, primitivesHtml } from "./detail.js";
import { drawLanes, rowAt, type Frame } from "./lanes.js";
import { AXIS_H, LABEL_W, LANE_H, laneY, timeAt, xOf } from "./geometry.js";
import { clock, escapeHtml, spoken } from "./look.js";
import { createMinimap, MINIMAP_H } from "./minimap.js";
import { FAILED, type Data } from "./data.js";
import { modelOf, pathThrough } from "./model.js";
import { drawnLanes, initialState } from "./state.js";
import { createTreePanel } from "./tree.js";

/** What the page tells scripts (and its tests) about itself: `window.traceView`. */
interface ViewHandle {
  ready: boolean;
  /** ms from navigation to the first frame drawn. */
  loadMs: number;
  /** The last frames' drawing times, ms. */
  frames: number[];
  last: Frame | null;
  /** Where event `id`'s mark is on screen (client pixels), or null when it is not drawn. */
  where(id: string): { x: number; y: number } | null;
  /** Select event `id`, as a click on it does. */
  select(id: string): boolean;
}

const $ = (id: string): HTMLElement => document.getElementById(id)!;

/** The page's data: gzipped JSON in base64, inflated by the browser itself. */
async function readData(): Promise<Data> {
  const text = atob(($("trace-data").textContent ?? "").trim());
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  const json = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
  return JSON.parse(json) as Data;
}

async function start(): Promise<void> {
  const data = await readData();
  const model = modelOf(data);
  const state = initialState(model);
  const lanesCanvas = $("lanes") as HTMLCanvasElement;
  const miniCanvas = $("minimap") as HTMLCanvasElement;
  const minimap = createMinimap(model);
  const handle: ViewHandle = { ready: false, loadMs: 0, frames: [], last: null, where, select: (id) => (model.byId.has(id) ? (select(model.byId.get(id)!), true) : false) };
  (window as unknown as { traceView: ViewHandle }).traceView = handle;
  let size = { w: 0, h: 0, dpr: 1 };
  let pending = false;
  let haystacks: string[] | null = null;

  const schedule = (): void => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(frame);
  };
  function frame(): void {
    pending = false;
    const ctx = lanesCanvas.getContext("2d")!;
    ctx.setTransform(size.dpr, 0, 0, size.dpr, 0, 0);
    const drawn = drawLanes(ctx, model, state, size.w, size.h);
    const mctx = miniCanvas.getContext("2d")!;
    mctx.setTransform(size.dpr, 0, 0, size.dpr, 0, 0);
    minimap.draw(mctx, state, size.w);
    handle.last = drawn;
    handle.frames.push(drawn.ms);
    if (handle.frames.length > 240) handle.frames.shift();
    $("hint").textContent = `${drawn.inWindow.toLocaleString("en-US")} events in the window · ${spoken(state.x1 - state.x0)} wide${drawn.arrowsHidden > 0 ? ` · ${drawn.arrowsHidden.toLocaleString("en-US")} arrows left out: zoom in or select an event` : ""} · wheel zooms, drag pans, click selects, Esc clears`;
    if (!handle.ready) {
      handle.ready = true;
      handle.loadMs = performance.now();
      document.body.dataset.ready = "true";
    }
  }
  function resize(): void {
    const pane = $("lanes-pane");
    const dpr = window.devicePixelRatio || 1;
    const w = pane.clientWidth;
    const h = Math.max(120, pane.clientHeight - MINIMAP_H);
    size = { w, h, dpr };
    for (const [canvas, height] of [[lanesCanvas, h], [miniCanvas, MINIMAP_H]] as const) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.width = `${w}px`;
      canvas.style.height = `${height}px`;
    }
    minimap.invalidate();
    schedule();
  }
  function where(id: string): { x: number; y: number } | null {
    const i = model.byId.get(id);
    if (i === undefined || !state.shown[i]) return null;
    const slot = drawnLanes(model, state).indexOf(model.lane[i]!);
    const x = xOf(model.t[i]!, state, size.w);
    const y = laneY(slot, state);
    if (slot < 0 || x < LABEL_W || x > size.w || y < AXIS_H || y > size.h) return null;
    const box = lanesCanvas.getBoundingClientRect();
    return { x: box.left + x, y: box.top + y };
  }
  function select(i: number): void {
    state.selected = i;
    state.lit = i < 0 ? null : pathThrough(model, i);
    if (i >= 0) {
      const t = model.t[i]!;
      if (t < state.x0 || t > state.x1) {
        const half = (state.x1 - state.x0) / 2;
        [state.x0, state.x1] = [t - half, t + half];
      }
      const slot = drawnLanes(model, state).indexOf(model.lane[i]!);
      const y = laneY(slot, state);
      if (slot >= 0 && (y < AXIS_H || y > size.h)) state.scrollY = Math.max(0, slot * LANE_H - (size.h - AXIS_H) / 2);
      $("detail").innerHTML = eventHtml(model, i);
      tree.reveal(i);
    } else {
      $("detail").innerHTML = model.n === 0 ? '<p class="muted">No events matched the question.</p>' : '<p class="muted">Click an event (or a row of the tree) to see it, its causes and its effects.</p>';
      tree.refresh();
    }
    schedule();
  }
  function refilter(): void {
    const q = state.query.trim().toLowerCase();
    if (q !== "" && haystacks === null) haystacks = data.rows.map((r) => `${r[9]}\n${r[0]}\n${r[6] ?? ""}\n${JSON.stringify(r[10])}`.toLowerCase());
    let count = 0;
    for (let i = 0; i < model.n; i++) {
      const on = !state.hiddenLanes.has(model.lane[i]!) && !state.hiddenPrims.has(model.prim[i]!) && (q === "" || haystacks![i]!.includes(q));
      state.shown[i] = on ? 1 : 0;
      count += state.shown[i]!;
    }
    $("found").textContent = count === model.n ? "" : `${count.toLocaleString("en-US")} of ${model.n.toLocaleString("en-US")} shown`;
    minimap.invalidate();
    tree.refresh();
    schedule();
  }
  const tree = createTreePanel($("tree"), model, state, select);

  summarise(data, model.n, model.stats.reduce((s, l) => s + l.failures, 0));
  $("agents").innerHTML = agentsHtml(model, state);
  $("prims").innerHTML = primitivesHtml(model, state);
  select(-1);
  // A checkbox hides or shows the lane or primitive its data attribute names.
  const hider = (hidden: Set<number>, key: "lane" | "prim") => (ev: Event): void => {
    const box = ev.target as HTMLInputElement;
    if (box.checked) hidden.delete(Number(box.dataset[key]));
    else hidden.add(Number(box.dataset[key]));
    refilter();
  };
  $("agents").addEventListener("change", hider(state.hiddenLanes, "lane"));
  $("prims").addEventListener("change", hider(state.hiddenPrims, "prim"));
  let typing = 0;
  $("search").addEventListener("input", (ev) => {
    clearTimeout(typing);
    typing = window.setTimeout(() => {
      state.query = (ev.target as HTMLInputElement).value;
      refilter();
    }, 120);
  });
  $("detail").addEventListener("click", (ev) => {
    const go = (ev.target as HTMLElement).closest("[data-go]");
    if (!go) return;
    ev.preventDefault();
    select(Number(go.getAttribute("data-go")));
  });
  wirePointer(lanesCanvas, miniCanvas);
  window.addEventListener("keydown", (ev) => {
    if ((ev.target as HTMLElement).tagName === "INPUT") return;
    if (ev.key === "Escape") select(-1);
    if (ev.key === "0") {
      Object.assign(state, { x0: initialState(model).x0, x1: initialState(model).x1, scrollY: 0 });
      schedule();
    }
  });
  new ResizeObserver(resize).observe($("lanes-pane"));
  resize();

  function wirePointer(canvas: HTMLCanvasElement, mini: HTMLCanvasElement): void {
    const maxScroll = (): number => Math.max(0, drawnLanes(model, state).length * LANE_H - (size.h - AXIS_H) + LANE_H / 2);
    canvas.addEventListener(
      "wheel",
      (ev) => {
        ev.preventDefault();
        if (ev.offsetX < LABEL_W) {
          state.scrollY = Math.min(maxScroll(), Math.max(0, state.scrollY + ev.deltaY));
        } else if (ev.shiftKey || Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
          const shift = ((ev.shiftKey ? ev.deltaY : ev.deltaX) / (size.w - LABEL_W)) * (state.x1 - state.x0);
          state.x0 += shift;
          state.x1 += shift;
        } else {
          const at = timeAt(ev.offsetX, state, size.w);
          const factor = Math.exp(Math.max(-1, Math.min(1, ev.deltaY * 0.002)));
          const width = Math.max(1, Math.min((model.span[1] - model.span[0]) * 20, (state.x1 - state.x0) * factor));
          const ratio = (at - state.x0) / (state.x1 - state.x0);
          state.x0 = at - ratio * width;
          state.x1 = state.x0 + width;
        }
        schedule();
      },
      { passive: false },
    );
    let drag: { x: number; y: number; x0: number; x1: number; scrollY: number; moved: boolean } | null = null;
    canvas.addEventListener("mousedown", (ev) => {
      drag = { x: ev.clientX, y: ev.clientY, x0: state.x0, x1: state.x1, scrollY: state.scrollY, moved: false };
    });
    window.addEventListener("mousemove", (ev) => {
      if (drag === null) return hover(ev);
      const dx = ev.clientX - drag.x;
      const dy = ev.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      if (!drag.moved) return;
      const shift = (dx / (size.w - LABEL_W)) * (drag.x1 - drag.x0);
      state.x0 = drag.x0 - shift;
      state.x1 = drag.x1 - shift;
      state.scrollY = Math.min(maxScroll(), Math.max(0, drag.scrollY - dy));
      schedule();
    });
    window.addEventListener("mouseup", (ev) => {
      const was = drag;
      drag = null;
      if (was === null || was.moved || ev.target !== canvas) return;
      select(rowAt(model, state, ev.offsetX, ev.offsetY, size.w));
    });
    const tip = $("tip");
    function hover(ev: MouseEvent): void {
      if (ev.target !== canvas) {
        tip.hidden = true;
        return;
      }
      const i = rowAt(model, state, ev.offsetX, ev.offsetY, size.w);
      canvas.style.cursor = i >= 0 ? "pointer" : "grab";
      if (i < 0) {
        tip.hidden = true;
        return;
      }
      const r = data.rows[i]!;
      tip.innerHTML = `${escapeHtml(r[9])}<br><span class="muted">${clock(data.t0 + r[1], data.about.utc)}${r[2] > 0 ? ` · ${spoken(r[2])}` : ""}${r[8] & FAILED ? " · failed" : ""}</span>`;
      tip.style.left = `${ev.clientX + 14}px`;
      tip.style.top = `${ev.clientY + 14}px`;
      tip.hidden = false;
    }
    let sliding = false;
    const slide = (ev: MouseEvent): void => {
      const centre = minimap.timeAt(ev.offsetX, size.w);
      const half = (state.x1 - state.x0) / 2;
      [state.x0, state.x1] = [centre - half, centre + half];
      schedule();
    };
    mini.addEventListener("mousedown", (ev) => {
      sliding = true;
      slide(ev);
    });
    mini.addEventListener("mousemove", (ev) => sliding && slide(ev));
    window.addEventListener("mouseup", () => (sliding = false));
  }
}

/** The header: what was asked, of which store, and what the page holds. */
function summarise(data: Data, n: number, failures: number): void {
  const agents = data.agentless.filter((x) => !x).length;
  const first = data.rows[0];
  const span = first ? data.rows.reduce((hi, r) => Math.max(hi, r[1]), 0) - first[1] + first[2] : 0;
  $("asked").textContent = `${data.about.store} · ${data.about.asked}`;
  $("summary").textContent = `${n.toLocaleString("en-US")} events · ${agents} agents · ${spoken(span)}${first ? ` from ${clock(data.t0, data.about.utc, true)}` : ""}${failures > 0 ? ` · ${failures} failed` : ""}`;
  if (data.leftOut !== null) {
    const notice = $("notice");
    notice.hidden = false;
    notice.textContent = `This page holds the first ${n.toLocaleString("en-US")} events; ${data.leftOut.count.toLocaleString("en-US")} later ones (from ${clock(data.leftOut.from, data.about.utc, true)}) are left out. Narrow the question (--since, --until, --agent, a TARGET) to see them.`;
  }
}

start().catch((err: unknown) => {
  document.body.textContent = `trace view could not read its data: ${String(err)}`;
  throw err;
});
