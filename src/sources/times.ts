/**
 * Row times, read by one explicit rule per column (never guessed per row): epoch
 * seconds, epoch milliseconds, UTC text, or naive local text in a zone the user names
 * (`TRACE_SPACE_TZ`: `local`, the default, `UTC`, or an offset such as `+02:00`).
 */
import { UsageError } from "../errors.js";

/** How a column spells time. */
export type TimeRule = "epoch-s" | "epoch-ms" | "utc-text" | "local-text";

const TEXT = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Milliseconds of a row's time by its column's rule; undefined when the value cannot be read so. */
export type TimeReader = (value: unknown, rule: TimeRule) => number | undefined;

/**
 * A reader of row times for naive local text in `zone`.
 *
 * @example
 * createTimeReader("UTC")("2025-10-22 14:00:00", "local-text"); // 1761141600000
 */
export function createTimeReader(zone = "local"): TimeReader {
  const offset = zoneOffset(zone);
  return (value, rule) => {
    if (value === null || value === undefined) return undefined;
    if (rule === "epoch-s" || rule === "epoch-ms") {
      const n = typeof value === "number" ? value : typeof value === "string" && /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
      return Number.isFinite(n) ? Math.round(rule === "epoch-s" ? n * 1000 : n) : undefined;
    }
    const m = typeof value === "string" ? TEXT.exec(value.trim()) : null;
    if (!m) return undefined;
    const [, y, mo, d, h, mi, s = "0", frac = "0", tz] = m;
    const fields = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(frac.slice(0, 3).padEnd(3, "0"))] as const;
    const utc = Date.UTC(...fields);
    if (tz !== undefined) return utc - (tz === "Z" ? 0 : offsetMinutes(tz) * 60_000);
    if (rule === "utc-text") return utc;
    return offset === undefined ? new Date(...fields).getTime() : utc - offset * 60_000;
  };
}

/** Minutes east of UTC for a zone, undefined for the machine's local zone. */
function zoneOffset(zone: string): number | undefined {
  if (zone === "local") return undefined;
  if (zone === "UTC" || zone === "Z") return 0;
  if (/^[+-]\d{2}:?\d{2}$/.test(zone)) return offsetMinutes(zone);
  throw new UsageError(`TRACE_SPACE_TZ: cannot read ${JSON.stringify(zone)}; expected local, UTC or an offset such as +02:00`);
}

function offsetMinutes(tz: string): number {
  const digits = tz.slice(1).replace(":", "");
  return (tz[0] === "-" ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
}
