/** The values a store's latest days hold, for shell completion: read from the tails of its plain day files. */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { parseEventLine } from "../event/envelope.js";
import { listDayFiles, type DayFile } from "../store/layout.js";

/** How much of each day file's end is read: completion must answer at once. */
const TAIL_BYTES = 4 << 20;
/** How many of the latest plain days are read. */
const DAYS_READ = 2;

/** What a store's recent events name, each list sorted. */
export interface RecentValues {
  agents: string[];
  /** Targets, and agents (an agent is a timeline's target too). */
  targets: string[];
  /** The targets of bridge events. */
  channels: string[];
  primitives: string[];
}

/**
 * The agents, targets, channels and primitives of the last 4 MiB of the store's two
 * latest plain day files; empty lists for a store that is not there.
 *
 * @example
 * recentValues(".space/trace").agents; // ["haiku-1", "zealot-1"]
 */
export function recentValues(dir: string): RecentValues {
  const [agents, targets, channels, primitives] = [new Set<string>(), new Set<string>(), new Set<string>(), new Set<string>()];
  let files: DayFile[] = [];
  try {
    files = listDayFiles(dir).filter((f) => !f.gz).slice(-DAYS_READ);
  } catch {
    // no store, or not a folder: nothing to offer
  }
  for (const file of files) {
    for (const line of tailLines(file.path)) {
      const e = parseEventLine(line);
      if (!e) continue;
      if (e.agent_id !== null) agents.add(e.agent_id);
      if (e.target_id !== null) targets.add(e.target_id);
      primitives.add(e.primitive);
      if (e.primitive === "bridge" && e.target_id !== null) channels.add(e.target_id);
    }
  }
  const sorted = (s: Set<string>): string[] => [...s].sort();
  return { agents: sorted(agents), targets: sorted(new Set([...targets, ...agents])), channels: sorted(channels), primitives: sorted(primitives) };
}

/** The whole lines of the last `TAIL_BYTES` of a file. */
function tailLines(path: string): string[] {
  try {
    const fd = openSync(path, "r");
    try {
      const size = fstatSync(fd).size;
      const at = Math.max(0, size - TAIL_BYTES);
      const buf = Buffer.allocUnsafe(size - at);
      const n = readSync(fd, buf, 0, buf.length, at);
      const lines = buf.toString("utf8", 0, n).split("\n");
      return at > 0 ? lines.slice(1) : lines;
    } finally {
      closeSync(fd);
    }
  } catch {
    return [];
  }
}
