/** `trace import`: the sources' events copied into day files once, for history that outlives the databases. */
import type { Reading } from "./reading.js";

/** What an import did. */
export interface ImportResult {
  /** Events written to day files. */
  imported: number;
  /** Events the day files already held (an earlier import, or an emit of the same happening). */
  present: number;
}

/**
 * Copies every event of the sources that the store does not hold yet (by id) into its
 * day files: a second import adds nothing.
 *
 * @example
 * const { imported } = await importSources({ dir: ".space/trace" });
 */
export async function importSources(reading: Reading = {}, options: { dryRun?: boolean | undefined } = {}): Promise<ImportResult> {
  const [{ resolveReading }, { readQuerySources }, { scan }, { appendEvents }] = await Promise.all([import("./reading.js"), import("../query/sources.js"), import("../query/scan.js"), import("../store/append.js")]);
  const read = resolveReading(reading);
  const dir = read.dirs[0]!;
  const events = (await readQuerySources(dir, read.sources)).map((h) => h.event);
  if (events.length === 0) return { imported: 0, present: 0 };
  const held = new Set<string>();
  const [since, until] = [events[0]!.timestamp, events.at(-1)!.timestamp];
  for await (const { event } of scan({ dir, filter: { since, until }, onBad: () => undefined })) held.add(event.id);
  const fresh = events.filter((e) => !held.has(e.id));
  if (!options.dryRun) appendEvents(dir, fresh);
  return { imported: fresh.length, present: events.length - fresh.length };
}
