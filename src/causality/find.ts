import { UsageError } from "../errors.js";
/** What `--causality` names: a full id, a unique id suffix, or a target. */
import { createSearchPool, eachLineHolding } from "../engine/facade.js";
import { compareEvents, type TraceEvent } from "../event/envelope.js";
import { blocksOf, selectionSource, type IndexOption } from "../query/indexed.js";
import { findById, findFirstOwn, type LookupOptions } from "../query/lookup.js";
import { listDayFiles } from "../store/layout.js";
import { parseAt } from "../store/lines.js";
import { lineBlocks } from "../store/read.js";

const FULL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ID_SUFFIX = /^[0-9a-f-]{8,}$/;

/** Every distinct event whose id ends with `suffix`. */
async function findBySuffix(dir: string, suffix: string, index: IndexOption): Promise<TraceEvent[]> {
  const found = new Map<string, TraceEvent>();
  const bytes = Buffer.from(`${suffix}"`);
  const pool = createSearchPool();
  for (const file of listDayFiles(dir)) {
    // Damage is reported by the tree's own pass over the store.
    const source = selectionSource(file, [[["id", suffix]]], index, pool);
    if (source === "none") continue;
    for await (const { buf, end } of blocksOf(source, file, pool)?.(() => undefined) ?? lineBlocks(file, 0, Infinity, pool, () => undefined)) {
      eachLineHolding(buf, end, bytes, pool, (s, e) => {
        const hit = parseAt(buf, s, e);
        if (hit && hit.event.id.endsWith(suffix)) found.set(hit.event.id, hit.event);
      });
    }
  }
  return [...found.values()].sort(compareEvents);
}

/**
 * Resolves what `--causality` was given: a full id, a unique id suffix of 8+
 * characters, or a target (its earliest event). An ambiguous suffix is a UsageError
 * listing the candidates.
 *
 * The sources' events (`extra`, in order) are looked at beside the day files.
 *
 * @example
 * const { event, byId } = await findFocus(dir, "task-abc123");
 */
export async function findFocus(dir: string, idOrTarget: string, options: LookupOptions = {}, extra: readonly TraceEvent[] = []): Promise<{ event: TraceEvent; byId: boolean }> {
  const key = idOrTarget.toLowerCase();
  if (FULL_ID.test(key)) {
    const event = extra.find((e) => e.id === key) ?? (await findById(dir, key, undefined, options));
    if (event) return { event, byId: true };
  } else if (ID_SUFFIX.test(key)) {
    const matches = [...(await findBySuffix(dir, key, options.index)), ...extra.filter((e) => e.id.endsWith(key))].sort(compareEvents);
    if (matches.length > 1) {
      throw new UsageError(`--causality ${idOrTarget}: ambiguous, ${matches.length} events end so: ${matches.map((e) => e.id).join(", ")}`);
    }
    if (matches[0]) return { event: matches[0], byId: true };
  }
  const fromFiles = await findFirstOwn(dir, idOrTarget, options);
  const fromSources = extra.find((e) => e.agent_id === idOrTarget || e.target_id === idOrTarget);
  const event = fromFiles && fromSources ? (compareEvents(fromFiles, fromSources) <= 0 ? fromFiles : fromSources) : fromFiles ?? fromSources;
  if (event) return { event, byId: false };
  throw new UsageError(`--causality ${idOrTarget}: no event with that id and no events of that target`);
}
