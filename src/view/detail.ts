/** The side panels: the agents with their counts (and filters), the primitives, and the selected event. */
import { clock, escapeHtml, FAILURE_RED, laneColour, shapeSvg, spoken } from "./look.js";
import { FAILED, INFERRED } from "./data.js";
import { ancestorsOf, descendantCount, type Model } from "./model.js";
import type { State } from "./state.js";

/**
 * The agents' table: a checkbox to show or hide each lane, its events, time taken,
 * tokens and failures.
 *
 * @example
 * host.innerHTML = agentsHtml(model, state);
 */
export function agentsHtml(model: Model, state: State): string {
  const rows = model.data.lanes.map((name, l) => {
    const s = model.stats[l]!;
    return `<tr><td><input type="checkbox" data-lane="${l}" ${state.hiddenLanes.has(l) ? "" : "checked"} aria-label="show ${escapeHtml(name)}"></td><td><span class="sw" style="background:${laneColour(name)}"></span>${escapeHtml(name)}</td><td class="n">${s.events.toLocaleString("en-US")}</td><td class="n">${s.busyMs > 0 ? spoken(s.busyMs) : ""}</td><td class="n">${s.tokens > 0 ? s.tokens.toLocaleString("en-US") : ""}</td><td class="n"${s.failures > 0 ? ` style="color:${FAILURE_RED}"` : ""}>${s.failures || ""}</td></tr>`;
  });
  return `<table class="agents"><thead><tr><th></th><th>lane</th><th class="n">events</th><th class="n">time</th><th class="n">tokens</th><th class="n">errors</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/**
 * The primitives as filters, each with its shape and count.
 *
 * @example
 * host.innerHTML = primitivesHtml(model, state);
 */
export function primitivesHtml(model: Model, state: State): string {
  const counts = new Int32Array(model.data.primitives.length);
  for (let i = 0; i < model.n; i++) counts[model.prim[i]!]!++;
  return model.data.primitives
    .map((name, p) => `<label class="chip"><input type="checkbox" data-prim="${p}" ${state.hiddenPrims.has(p) ? "" : "checked"}>${shapeSvg(p, "#57606a")} ${escapeHtml(name)} <span class="n">${counts[p]!.toLocaleString("en-US")}</span></label>`)
    .join("");
}

/**
 * The selected event: its time to the millisecond, duration, failure, place in the tree
 * and its envelope with its metadata (as masked when the page was made).
 *
 * @example
 * host.innerHTML = eventHtml(model, 12);
 */
export function eventHtml(model: Model, i: number): string {
  const r = model.data.rows[i]!;
  const utc = model.data.about.utc;
  const at = model.data.t0 + r[1];
  const lane = model.data.lanes[r[3]]!;
  const envelope = {
    id: r[0],
    timestamp: at,
    primitive: model.data.primitives[r[4]],
    event_type: model.data.types[r[5]],
    agent_id: model.data.agentless[r[3]] ? null : lane,
    target_id: r[6],
    parent_event_id: r[7],
    metadata: r[10],
  };
  const path = ancestorsOf(model, i);
  const place = path.length === 0 ? "a root" : `depth ${path.length}, under ${path.map((a) => `<a href="#" data-go="${a}">${escapeHtml(model.data.rows[a]![9])}</a>`).join(" › ")}`;
  const kids = model.kidStart[i + 1]! - model.kidStart[i]!;
  const facts: [string, string][] = [
    ["time", escapeHtml(clock(at, utc, true))],
    ...(r[2] > 0 ? [["duration", `${spoken(r[2])} (from ${escapeHtml(clock(at - r[2], utc))})`] as [string, string]] : []),
    ["lane", `<span class="sw" style="background:${laneColour(lane)}"></span>${escapeHtml(lane)}`],
    ...(r[11] !== null ? [["failed", `<span style="color:${FAILURE_RED}">${escapeHtml(r[11])}</span>`] as [string, string]] : []),
    ["in the tree", place],
    ["below it", `${kids} direct, ${descendantCount(model, i)} in all`],
    ...(r[8] & INFERRED && r[12] !== null ? [["inferred cause", escapeHtml(r[12])] as [string, string]] : []),
  ];
  const dl = facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("");
  return `<h2 class="${r[8] & FAILED ? "failed" : ""}">${shapeSvg(r[4], r[8] & FAILED ? FAILURE_RED : laneColour(lane))} ${escapeHtml(r[9])}</h2><dl>${dl}</dl><pre class="json">${escapeHtml(JSON.stringify(envelope, null, 2))}</pre>`;
}
