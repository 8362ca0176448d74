/**
 * Row times, read by one explicit rule per column, the rule of the code that writes it
 * (never guessed per row): epoch seconds, epoch milliseconds, UTC text (an SQL default,
 * `CURRENT_TIMESTAMP`, Python's `utcnow()`), or naive local text (`datetime.now()`) in
 * the writing machine's zone: `local` (the reading machine's, the default), `UTC`, an
 * offset such as `+11:00`, or a zone name such as `Australia/Sydney`.
 */
import { UsageError } from "../errors.js";

/** How a column spells time. */
export type TimeRule = "epoch-s" | "epoch-ms" | "utc-text" | "local-text";

const TEXT = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Milliseconds of a row's time by its column's rule; undefined when the value cannot be read so. */
export type TimeReader = (value: unknown, rule: TimeRule) => number | undefined;

/** Wall-clock fields: year, month (0-based), day, hour, minute, second, millisecond. */
type Fields = readonly [number, number, number, number, number, number, number];

/** The instant a naive wall-clock time names in a zone. */
type Zone = (fields: Fields) => number;

/**
 * A reader of row times, naive local text read in `zone`. A zone that is none of the
 * forms is a usage error naming `--space-tz`.
 *
 * @example
 * createTimeReader("Australia/Sydney")("2026-12-05T00:55:18.627711", "local-text"); // 1796392518627
 */
export function createTimeReader(zone = "local"): TimeReader {
  const inZone = zoneOf(zone);
  return (value, rule) => {
    if (value === null || value === undefined) return undefined;
    if (rule === "epoch-s" || rule === "epoch-ms") {
      const n = typeof value === "number" ? value : typeof value === "string" && /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
      return Number.isFinite(n) ? Math.round(rule === "epoch-s" ? n * 1000 : n) : undefined;
    }
    const m = typeof value === "string" ? TEXT.exec(value.trim()) : null;
    if (!m) return undefined;
    const [, y, mo, d, h, mi, s = "0", frac = "0", tz] = m;
    const fields: Fields = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(frac.slice(0, 3).padEnd(3, "0"))];
    if (tz !== undefined) return Date.UTC(...fields) - (tz === "Z" ? 0 : offsetMinutes(tz) * 60_000);
    return rule === "utc-text" ? Date.UTC(...fields) : inZone(fields);
  };
}

/**
 * Checks a zone as `--space-tz` / `TRACE_SPACE_TZ` takes it; throws the usage error
 * that names it.
 *
 * @example
 * checkZone("+11:00");
 */
export function checkZone(zone: string): void {
  zoneOf(zone);
}

function zoneOf(zone: string): Zone {
  if (zone === "local") return (f) => new Date(...f).getTime();
  if (zone === "UTC" || zone === "Z") return (f) => Date.UTC(...f);
  if (/^[+-]\d{2}:?\d{2}$/.test(zone)) {
    const offset = offsetMinutes(zone) * 60_000;
    return (f) => Date.UTC(...f) - offset;
  }
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
  } catch {
    throw new UsageError(`--space-tz ${JSON.stringify(zone)}: not a time zone; expected local, UTC, an offset such as +11:00, or a zone name such as Australia/Sydney (TRACE_SPACE_TZ takes the same)`);
  }
  return namedZone(format);
}

/**
 * A named zone's reading of wall-clock times: the zone's offset at the UTC reading of
 * the fields, then at the instant that gives, so that times near a change of offset
 * land on the side the zone's rules put them (a time skipped by a change reads forward).
 */
function namedZone(format: Intl.DateTimeFormat): Zone {
  // Offsets change at most every few months: one lookup an hour of wall-clock time.
  const byHour = new Map<number, number>();
  const offsetAt = (ms: number): number => {
    const hour = Math.floor(ms / 3_600_000);
    let offset = byHour.get(hour);
    if (offset === undefined) {
      const p = Object.fromEntries(format.formatToParts(new Date(hour * 3_600_000)).map((x) => [x.type, x.value]));
      offset = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - hour * 3_600_000;
      byHour.set(hour, offset);
    }
    return offset;
  };
  return (f) => {
    const wall = Date.UTC(...f);
    const first = wall - offsetAt(wall);
    const second = wall - offsetAt(first);
    return second === first ? first : Math.max(first, second);
  };
}

function offsetMinutes(tz: string): number {
  const digits = tz.slice(1).replace(":", "");
  return (tz[0] === "-" ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
}
