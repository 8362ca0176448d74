/** Events that already have their ids (imported from a source) appended to their day files. */
import { isEvent, type TraceEvent } from "../event/envelope.js";
import { serializeEvent } from "../event/serialize.js";
import { appendBytes, createSinks } from "./day-sink.js";
import { dayOf } from "./layout.js";

/** Bytes gathered for one day before they are written. */
const CHUNK = 1 << 20;

/**
 * Appends whole events, ids and all, to the day files of their timestamps, a few
 * hundred lines a write, with every check of the writer's.
 *
 * @example
 * appendEvents(".space/trace", events);
 */
export function appendEvents(dir: string, events: readonly TraceEvent[]): void {
  const sinks = createSinks(dir);
  const byDay = new Map<string, string[]>();
  const flush = (day: string, lines: string[]): void => {
    if (lines.length > 0) appendBytes(sinks.get(day), lines.join(""), Date.now(), false);
    lines.length = 0;
  };
  try {
    for (const e of events) {
      if (!isEvent(e)) throw new Error(`not an event: ${JSON.stringify(e).slice(0, 80)}`);
      const day = dayOf(e.timestamp);
      let lines = byDay.get(day);
      if (!lines) byDay.set(day, (lines = []));
      lines.push(serializeEvent(e));
      if (lines.length * 256 > CHUNK) flush(day, lines);
    }
    for (const [day, lines] of byDay) flush(day, lines);
  } finally {
    sinks.closeAll();
  }
}
