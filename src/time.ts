import { UsageError } from "./errors.js";

/** A parsed time expression: a moment, or one that needs the store to resolve. */
export type When =
  | { kind: "time"; ms: number }
  | { kind: "last-wake" }
  | { kind: "created"; target: string };

/** How to read calendar times: in local time (default) or UTC. */
export interface TimeContext {
  now: number;
  utc?: boolean;
}

const UNIT_MS: Record<string, number> = {
  ms: 1, msec: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
  w: 604_800_000, week: 604_800_000, weeks: 604_800_000,
};

const DURATION_PART = /(\d+(?:\.\d+)?)\s*([a-z]+)\s*/gy;

/** The first and last millisecond a day file can be named for (years 0000 to 9999). */
export const EARLIEST_MS = Date.parse("0000-01-01T00:00:00.000Z");
export const LATEST_MS = Date.parse("9999-12-31T23:59:59.999Z");

/** The accepted forms, for error messages. */
export const WHEN_FORMS =
  '2h ago, 2 hours ago, -2h, 2h, 1h30m ago, yesterday, today, now, 2026-11-21, "2026-11-21 14:00", 2026-11-21T14:00:00Z, @1763733600, "last wake", "when TARGET created"';

/**
 * Parses a duration such as `30d`, `2 weeks` or `1h30m` into milliseconds;
 * undefined when the text is not a duration.
 *
 * @example
 * parseDuration("1h30m"); // 5400000
 */
export function parseDuration(text: string): number | undefined {
  const s = text.trim().toLowerCase();
  if (s === "") return undefined;
  DURATION_PART.lastIndex = 0;
  let total = 0;
  let m: RegExpExecArray | null;
  while (DURATION_PART.lastIndex < s.length && (m = DURATION_PART.exec(s)) !== null) {
    const unit = UNIT_MS[m[2]!];
    if (unit === undefined) return undefined;
    total += Number(m[1]) * unit;
  }
  return DURATION_PART.lastIndex === s.length ? Math.round(total) : undefined;
}

/** Midnight that starts the day holding `ms`, in local time or UTC. */
function startOfDay(ms: number, utc: boolean): number {
  const d = new Date(ms);
  return utc ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) : new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

const CALENDAR = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function parseCalendar(s: string, utc: boolean): number | undefined {
  const m = CALENDAR.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h = "0", mi = "0", sec = "0", frac = "0", zone] = m;
  const fields = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), Number(frac.padEnd(3, "0"))] as const;
  if (fields[1] > 11 || fields[2] < 1 || fields[2] > 31 || fields[3] > 23 || fields[4] > 59 || fields[5] > 60) return undefined;
  const asUtc = Date.UTC(...fields);
  if (new Date(asUtc).getUTCDate() !== fields[2]) return undefined;
  if (zone === undefined) return utc ? asUtc : new Date(...fields).getTime();
  if (zone === "Z") return asUtc;
  const sign = zone[0] === "-" ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return asUtc - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

/**
 * Parses a WHEN expression (docs/format.md). `last wake` and `when TARGET created`
 * come back unresolved; the query resolves them against the store.
 * Throws a UsageError that lists the accepted forms.
 *
 * @example
 * parseWhen("2h ago", { now: Date.parse("2026-11-21T14:00:00Z") }); // { kind: "time", ms: 1763726400000 }
 */
export function parseWhen(text: string, ctx: TimeContext, flag = "--since"): When {
  const when = parseWhenUnchecked(text, ctx, flag);
  if (when.kind === "time" && !(when.ms >= EARLIEST_MS && when.ms <= LATEST_MS)) {
    throw new UsageError(`${flag}: ${JSON.stringify(text)} is outside the years 0000 to 9999`);
  }
  return when;
}

function parseWhenUnchecked(text: string, ctx: TimeContext, flag: string): When {
  const s = text.trim().replace(/\s+/g, " ");
  const lower = s.toLowerCase();
  const utc = ctx.utc === true;
  if (lower === "now") return { kind: "time", ms: ctx.now };
  if (lower === "today") return { kind: "time", ms: startOfDay(ctx.now, utc) };
  if (lower === "yesterday") return { kind: "time", ms: startOfDay(startOfDay(ctx.now, utc) - 1, utc) };
  if (lower === "last wake") return { kind: "last-wake" };
  const created = /^when (\S+) created$/i.exec(s);
  if (created) return { kind: "created", target: created[1]! };
  const epoch = /^@(\d+(?:\.\d+)?)$/.exec(s);
  if (epoch) return { kind: "time", ms: Math.round(Number(epoch[1]) * 1000) };
  const calendar = parseCalendar(s, utc);
  if (calendar !== undefined) return { kind: "time", ms: calendar };
  const rel = /^(-)?\s*(.+?)(\s*ago)?$/i.exec(lower);
  const duration = rel ? parseDuration(rel[2]!) : undefined;
  if (duration !== undefined) return { kind: "time", ms: ctx.now - duration };
  throw new UsageError(`${flag}: cannot read ${JSON.stringify(text)}; accepted: ${WHEN_FORMS}`);
}

/**
 * Reads an AGE (`30d`, `2 weeks`) as milliseconds or throws a UsageError naming the flag.
 *
 * @example
 * parseAge("30d", "--older-than"); // 2592000000
 */
export function parseAge(text: string, flag: string): number {
  const ms = parseDuration(text.replace(/\s*ago$/i, ""));
  if (ms === undefined) throw new UsageError(`${flag}: cannot read ${JSON.stringify(text)}; expected an age such as 30d, 12h or "2 weeks"`);
  return ms;
}
