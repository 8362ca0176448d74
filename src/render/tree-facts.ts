/** What the drawn tree says after each node's label: its time, how long it took, whether it failed. */
import type { CausalNode } from "../causality/model.js";
import { failureOf } from "../event/status.js";
import { clip, formatTime, type Style } from "./text.js";

/** How a drawn tree tells times: clock times (local, or UTC), or offsets from the root. */
export interface TreeClock {
  utc: boolean;
  /** `+6m00s` after the root rather than a clock time. */
  relative?: boolean | undefined;
}

/**
 * A span of time, short: `350 ms`, `1.2 s`, `6m00s`, `1h05m`.
 *
 * @example
 * shortSpan(360_000); // "6m00s"
 */
export function shortSpan(ms: number): string {
  const a = Math.abs(ms);
  if (a < 1000) return `${Math.round(a)} ms`;
  if (a < 60_000) return `${(a / 1000).toFixed(a < 10_000 ? 1 : 0)} s`;
  if (a < 3_600_000) return `${Math.floor(a / 60_000)}m${String(Math.floor((a % 60_000) / 1000)).padStart(2, "0")}s`;
  return `${Math.floor(a / 3_600_000)}h${String(Math.floor((a % 3_600_000) / 60_000)).padStart(2, "0")}m`;
}

/**
 * A function giving each node its facts: `  14:05:00 · 1.2 s · ✗ exit code 1`. Clock
 * times carry their date when the tree spans more than one day.
 *
 * @example
 * const facts = treeFacts(tree.root, { utc: true }, style); facts(node, label);
 */
export function treeFacts(root: CausalNode, clock: TreeClock, style: Style): (node: CausalNode, label: string) => string {
  const start = root.event.timestamp;
  let days = false;
  if (!clock.relative) {
    const day = (ms: number): string => formatTime(ms, clock.utc).slice(0, 10);
    const first = day(start);
    for (const stack = [root]; stack.length > 0 && !days; ) {
      const node = stack.pop()!;
      days = day(node.event.timestamp) !== first;
      // A loop, not a spread: a node may have more children than a call takes arguments.
      for (const child of node.children) stack.push(child);
    }
  }
  return (node, label) => {
    const e = node.event;
    const when = clock.relative ? `${e.timestamp < start ? "-" : "+"}${shortSpan(e.timestamp - start).replace(" ", "")}` : formatTime(e.timestamp, clock.utc).slice(days ? 0 : 11);
    const d = e.metadata.duration_ms;
    const took = typeof d === "number" && Number.isFinite(d) && d > 0 ? ` · ${shortSpan(d)}` : "";
    const failure = failureOf(e);
    const failed = failure === undefined ? "" : ` · ${style.failed(`✗ ${label.includes(failure) ? "failed" : clip(failure, 60)}`)}`;
    return `  ${style.dim(when + took)}${failed}`;
  };
}
