/**
 * The query path's look at the seals: a sealed day file whose size or modification time
 * is no longer what it was when sealed is named once, without hashing a byte (`trace
 * verify` says what changed). A day that grew (a late event) or was compacted since is
 * not named: its seal still holds as far as a glance can tell.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { sealLines } from "./record.js";

/**
 * One line per sealed day file of `dir` in [fromDay, toDay] that is shorter than sealed,
 * or as long but written since. Nothing when the store was never sealed.
 *
 * @example
 * for (const note of changedSinceSeal(dir)) warn(note);
 */
export function changedSinceSeal(dir: string, fromDay = "", toDay = "9999-12-31"): string[] {
  const out: string[] = [];
  // The folder as join spells it, ending in its separator.
  const folder = join(dir, "_").slice(0, -1);
  for (const line of sealLines(dir)) {
    // Only what a sealed day's line names is looked at; the chain is verify's.
    const r = dayAndFiles(line);
    if (!r) continue;
    if (typeof r.day !== "string" || r.day < fromDay || r.day > toDay || !Array.isArray(r.files)) continue;
    for (const f of r.files as unknown[]) {
      if (!Array.isArray(f) || typeof f[0] !== "string" || typeof f[1] !== "number" || typeof f[2] !== "number") continue;
      // A plain file name (what the writer records) spliced onto the folder: join, for every sealed day of every question, cost 1.5–2.5 ms cold.
      const path = PLAIN_NAME.test(f[0]) ? folder + f[0] : join(dir, f[0]);
      const st = statSync(path, { throwIfNoEntry: false });
      if (st && (st.size < f[1] || (st.size === f[1] && st.mtimeMs !== f[2]))) out.push(`${path}: ${st.size < f[1] ? "shorter" : "rewritten"} since it was sealed; trace verify says what changed`);
    }
  }
  return out;
}

/** A name join would not change when put after a folder. */
const PLAIN_NAME = /^(?!\.\.?$)[^/\\]+$/;

/** Where a record of this project's writer names its day and files: `"day":"YYYY-MM-DD"` then, further on, `"files":[[…]]`. */
const DAY_KEY = /"day":"(\d{4}-\d{2}-\d{2})"/;
const FILES_KEY = '"files":[';

/**
 * A seal line's `day` and `files`. A line of the writer's shape is read in its two
 * fields only: the rest (a hash per megabyte of the day) is most of its bytes and of a
 * glance's garbage, once per query. Any other line is parsed whole.
 */
function dayAndFiles(line: string): { day?: unknown; files?: unknown } | undefined {
  const day = DAY_KEY.exec(line);
  const at = line.indexOf(FILES_KEY);
  const end = at < 0 ? -1 : line.indexOf("]]", at);
  if (day && end > 0) {
    try {
      return { day: day[1], files: JSON.parse(line.slice(at + FILES_KEY.length - 1, end + 2)) as unknown };
    } catch {
      // not the writer's shape after all: parsed whole below
    }
  }
  try {
    return JSON.parse(line) as { day?: unknown; files?: unknown };
  } catch {
    return undefined;
  }
}
