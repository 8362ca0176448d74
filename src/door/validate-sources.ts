/** `trace validate` of the sources: every row read, each problem told, each event held to the envelope. */
import { isEvent } from "../event/envelope.js";
import { findSources } from "../sources/discover.js";
import type { Reading } from "./reading.js";

/** What validating the sources found. */
export interface SourcesVerdict {
  /** The databases read. */
  databases: number;
  /** The events their rows make. */
  events: number;
  /** Problems of rows and tables (a time that cannot be read, a missing column, an unknown schema version). */
  problems: number;
  /** Databases that could not be read at all. */
  unreadable: number;
}

/**
 * Reads every row of every source, telling each problem as one line, and checks that
 * each event the rows make is a valid envelope (a mapping's own fault, if not).
 *
 * @example
 * const v = await validateSources({ dir: ".space/trace", onNote: console.error });
 */
export async function validateSources(reading: Reading = {}): Promise<SourcesVerdict> {
  const [{ resolveReading }, { readQuerySources }] = await Promise.all([import("./reading.js"), import("../query/sources.js")]);
  const read = resolveReading(reading);
  const dir = read.dirs[0]!;
  const verdict: SourcesVerdict = { databases: findSources(dir, read.sources).length, events: 0, problems: 0, unreadable: 0 };
  const onNote = (message: string, unreadable?: boolean): void => {
    if (unreadable) verdict.unreadable++;
    else verdict.problems++;
    read.sources.onNote?.(message, unreadable);
  };
  for (const { event } of await readQuerySources(dir, { ...read.sources, onNote })) {
    verdict.events++;
    if (!isEvent(event as unknown)) onNote(`${String((event.metadata.source as { db?: string } | undefined)?.db)}: event ${event.id} is not a valid envelope`);
  }
  return verdict;
}
