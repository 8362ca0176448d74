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
  for (const line of sealLines(dir)) {
    // Only what a sealed day's line names is looked at; the chain is verify's.
    let r: { day?: unknown; files?: unknown };
    try {
      r = JSON.parse(line) as typeof r;
    } catch {
      continue;
    }
    if (typeof r.day !== "string" || r.day < fromDay || r.day > toDay || !Array.isArray(r.files)) continue;
    for (const f of r.files as unknown[]) {
      if (!Array.isArray(f) || typeof f[0] !== "string" || typeof f[1] !== "number" || typeof f[2] !== "number") continue;
      const path = join(dir, f[0]);
      const st = statSync(path, { throwIfNoEntry: false });
      if (st && (st.size < f[1] || (st.size === f[1] && st.mtimeMs !== f[2]))) out.push(`${path}: ${st.size < f[1] ? "shorter" : "rewritten"} since it was sealed; trace verify says what changed`);
    }
  }
  return out;
}
