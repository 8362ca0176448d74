import { UsageError } from "../errors.js";
import { compareEvents, type TraceEvent } from "../event.js";
import { listDayFiles, type DayFile } from "../store/layout.js";
import { lineBlocks } from "../store/read.js";
import { eachCandidate, parseAt, toNeedle } from "../query/lines.js";
import { ALTERNATE_SPELLINGS, type Filter } from "../query/filter.js";
import { fastFile } from "../query/scan.js";

const FULL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ID_SUFFIX = /^[0-9a-f-]{8,}$/;

/** The earliest event of one file that passes the filter. */
async function earliestIn(file: DayFile, filter: Filter): Promise<TraceEvent | undefined> {
  let best: TraceEvent | undefined;
  for await (const batch of fastFile(file, filter)) {
    for (const { event } of batch) if (!best || compareEvents(event, best) < 0) best = event;
  }
  return best;
}

/**
 * The event with this id, searching days newest first from `beforeDay` (a parent is
 * never on a later day than its child).
 */
export async function findById(dir: string, id: string, beforeDay?: string): Promise<TraceEvent | undefined> {
  for (const file of listDayFiles(dir).reverse()) {
    if (beforeDay !== undefined && file.day > beforeDay) continue;
    const hit = await earliestIn(file, { id });
    if (hit) return hit;
  }
  return undefined;
}

/** The first event acting as or on the target (its own earliest event). */
export async function findFirstOwn(dir: string, target: string): Promise<TraceEvent | undefined> {
  for (const file of listDayFiles(dir)) {
    const hits = [await earliestIn(file, { task: target }), await earliestIn(file, { agent: target })].filter((e) => e !== undefined);
    if (hits.length > 0) return hits.sort(compareEvents)[0];
  }
  return undefined;
}

/** Every distinct event whose id ends with `suffix`. */
async function findBySuffix(dir: string, suffix: string): Promise<TraceEvent[]> {
  const found = new Map<string, TraceEvent>();
  const needles = [toNeedle(Buffer.from(`${suffix}"`)), ...ALTERNATE_SPELLINGS];
  for (const file of listDayFiles(dir)) {
    for await (const { buf, end } of lineBlocks(file)) {
      eachCandidate(buf, end, needles, (s, e) => {
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
 * @example
 * const { event, byId } = await findFocus(dir, "task-abc123");
 */
export async function findFocus(dir: string, idOrTarget: string): Promise<{ event: TraceEvent; byId: boolean }> {
  const key = idOrTarget.toLowerCase();
  if (FULL_ID.test(key)) {
    const event = await findById(dir, key);
    if (event) return { event, byId: true };
  } else if (ID_SUFFIX.test(key)) {
    const matches = await findBySuffix(dir, key);
    if (matches.length > 1) {
      throw new UsageError(`--causality ${idOrTarget}: ambiguous, ${matches.length} events end so: ${matches.map((e) => e.id).join(", ")}`);
    }
    if (matches[0]) return { event: matches[0], byId: true };
  }
  const event = await findFirstOwn(dir, idOrTarget);
  if (event) return { event, byId: false };
  throw new UsageError(`--causality ${idOrTarget}: no event with that id and no events of that target`);
}
