/** `trace validate` of the sources: every row read, each problem told, each event held to the envelope. */
import { isEvent } from "../event/envelope.js";
import { findSources } from "../sources/discover.js";
import { readQuerySources, type QuerySources } from "./sources.js";

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
 * const v = await validateSources(".space/trace", { onNote: console.error });
 */
export async function validateSources(dir: string, options: QuerySources = {}): Promise<SourcesVerdict> {
  const verdict: SourcesVerdict = { databases: findSources(dir, options).length, events: 0, problems: 0, unreadable: 0 };
  const onNote = (message: string, unreadable?: boolean): void => {
    if (unreadable) verdict.unreadable++;
    else verdict.problems++;
    options.onNote?.(message, unreadable);
  };
  for (const { event } of await readQuerySources(dir, { ...options, onNote })) {
    verdict.events++;
    if (!isEvent(event as unknown)) onNote(`${String((event.metadata.source as { db?: string } | undefined)?.db)}: event ${event.id} is not a valid envelope`);
  }
  return verdict;
}
