import type { BadReport } from "../store/lines.js";

/**
 * Formats a bad-line report as the one stderr line the reader promises.
 *
 * @example
 * formatBadReport({ file: "/s/2026-11-21.ndjson", count: 1, lines: [2] }); // "/s/2026-11-21.ndjson:2: skipped 1 bad line (line 2)"
 */
export function formatBadReport(r: BadReport): string {
  const more = r.count > r.lines.length ? ", …" : "";
  const where = r.lines.length > 0 ? ` (line${r.lines.length === 1 ? "" : "s"} ${r.lines.join(", ")}${more})` : "";
  const skipped = `skipped ${r.count} bad line${r.count === 1 ? "" : "s"}${where}`;
  if (r.problem === undefined) return `${r.file}:${r.lines[0]}: ${skipped}`;
  return `${r.file}: ${r.problem}${r.count > 0 ? `; ${skipped}` : ""}`;
}
