import type { TraceEvent } from "../event/envelope.js";
import { describe, type View } from "./describe.js";
import { escapeControl, formatTime, type Style } from "./text.js";

/** How to render timeline rows. */
export interface RowOptions {
  utc: boolean;
  view: View;
  style: Style;
  /** The event's store, shown after the time when a query reads several. */
  store?: string | undefined;
  /** Times with milliseconds (`-o short-precise`). */
  precise?: boolean | undefined;
  /** An agent column after the primitive (a query that may span several agents); the descriptions then leave their actor out. */
  agents?: boolean | undefined;
}

const PRIMITIVE_WIDTH = 9;
/** Most agent ids fit; a longer one pushes its row's description right rather than being cut. */
const AGENT_WIDTH = 10;

/**
 * One row of the human timeline: `2025-10-22 14:05:00 | ops       | task-sub1 claimed by haiku-1`,
 * or with `agents`: `2025-10-22 14:05:00 | ops       | haiku-1    | task-sub1 claimed`.
 *
 * @example
 * renderRow(event, { utc: true, view: { target: "task-abc123" }, style: createStyle(false) });
 */
export function renderRow(e: TraceEvent, o: RowOptions): string {
  const primitive = escapeControl(e.primitive);
  const store = o.store === undefined ? "" : `${escapeControl(o.store)} | `;
  const time = formatTime(e.timestamp, o.utc) + (o.precise ? `.${String(((e.timestamp % 1000) + 1000) % 1000).padStart(3, "0")}` : "");
  const agent = o.agents ? `${escapeControl(e.agent_id ?? "-").padEnd(AGENT_WIDTH)} | ` : "";
  const view = o.agents ? { ...o.view, agentColumn: true } : o.view;
  return `${o.style.dim(time)} | ${store}${o.style.primitive(e.primitive, primitive.padEnd(PRIMITIVE_WIDTH))} | ${agent}${escapeControl(describe(e, view))}`;
}

/** What the header line can name. */
export interface HeaderInput {
  target?: string | undefined;
  title?: string | undefined;
  agent?: string | undefined;
  task?: string | undefined;
  channel?: string | undefined;
}

/**
 * The line above a timeline, or undefined for a plain filtered listing.
 *
 * @example
 * timelineHeader({ target: "task-abc123", title: "Build payment system" }); // "Timeline for task-abc123 (Build payment system):"
 */
export function timelineHeader(h: HeaderInput): string | undefined {
  const title = h.title ? ` (${h.title})` : "";
  if (h.target) return escapeControl(`Timeline for ${h.target}${title}:`);
  if (h.task) return escapeControl(`Timeline for ${h.task}:`);
  if (h.channel) return escapeControl(`Timeline for #${h.channel}:`);
  if (h.agent) return escapeControl(`Activity timeline for ${h.agent}:`);
  return undefined;
}
