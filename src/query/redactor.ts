/**
 * Private payloads on the way out: the store's policy (its config's `redact`, on by
 * default with the defaults) and its tombstones, applied to every event a command
 * shows, as text, as NDJSON, in a tree or in an export. A line that can hold nothing to
 * mask goes out as its stored bytes; only lines that might are parsed.
 */
import { createMasker, type Masker, type Tombstone } from "../event/redact.js";
import type { TraceEvent } from "../event/envelope.js";
import { serializeEvent } from "../event/serialize.js";
import { policyOf } from "../store/config.js";
import { createCleanDays } from "../store/clean-days.js";
import type { DayFile } from "../store/layout.js";
import type { ReadEvent } from "../store/read.js";
import { eventsOf, toNdjson, type Hits } from "../engine/facade.js";
import { readTombstones } from "../store/tombstones.js";
import { anyPiece } from "../store/lines.js";

/** What a command shows of each event. */
export interface Redactor {
  event(e: TraceEvent): TraceEvent;
  hit(h: ReadEvent): ReadEvent;
  /** A batch as shown: as it is when none of its lines can need masking (one look at its bytes). */
  hits(h: Hits): Hits;
  /**
   * The batches of one day file as shown. A sealed day known clean under this policy
   * goes out untouched; a sealed day read whole (`whole`) and found clean is noted so.
   */
  file(file: DayFile, whole: boolean): { hits(h: Hits): Hits; end(): void };
}

/** The id of each line of one line's or a batch's NDJSON: its first `"id"` key's value. */
const LINE_IDS = /(?:^|\n)[^\n]*?"id"\s*:\s*"([^"\\]+)"/g;

/**
 * The redactor of a store; with `off` (`--no-redact`), the stored data as it is.
 *
 * @example
 * const r = createRedactor(dir);
 * for await (const hits of batches) yield r.hits(hits);
 */
export function createRedactor(dir: string | undefined, options: RedactorOptions = {}): Redactor {
  if (options.off) return { event: (e) => e, hit: (h) => h, hits: (h) => h, file: () => ({ hits: (h) => h, end: () => undefined }) };
  // Made on first use: a command checks its store before anything reads the store's config.
  let made: Redactor | undefined;
  const ready = (): Redactor => (made ??= redactorOf(dir, options.leaving === true, options.tombstones));
  return { event: (e) => ready().event(e), hit: (h) => ready().hit(h), hits: (h) => ready().hits(h), file: (f, whole) => ready().file(f, whole) };
}

/** How a redactor masks: not at all (`off`), as what leaves the machine (`leaving`), with tombstones read elsewhere. */
export interface RedactorOptions {
  off?: boolean | undefined;
  leaving?: boolean | undefined;
  /** The tombstones by hidden id (default: the store's registry), as a central database holds them. */
  tombstones?: ReadonlyMap<string, Tombstone> | undefined;
}

/** Without a store, its policy is the defaults. */
function redactorOf(dir: string | undefined, leaving: boolean, given: ReadonlyMap<string, Tombstone> | undefined): Redactor {
  const policy = policyOf(dir, { leaving });
  const masker: Masker = createMasker(policy);
  const tombstones = given ?? (dir === undefined ? new Map<string, Tombstone>() : readTombstones(dir));
  const noPolicy = policy.keys.length === 0 && policy.patterns.length === 0;
  const event = (e: TraceEvent): TraceEvent => masker.event(e, tombstones.get(e.id));
  // A line, or a batch of lines, needs a look when it might hold what the policy masks, or
  // when any of its lines is an event with a tombstone (every line's id, not only the first's).
  const needsLook = (text: string): boolean => {
    if (!noPolicy && masker.mayHold(text)) return true;
    if (tombstones.size === 0) return false;
    for (const m of text.matchAll(LINE_IDS)) if (tombstones.has(m[1]!)) return true;
    return false;
  };
  const hits = (h: Hits): Hits => {
    if (h.length === 0 || (noPolicy && tombstones.size === 0)) return h;
    const bytes = toNdjson(h);
    if (!anyPiece(bytes, bytes.length, needsLook)) return h;
    const lines = eventsOf(h);
    const shown = lines.map(hit);
    return shown.some((x, i) => x !== lines[i]) ? shown : h;
  };
  const verdicts = dir === undefined ? { clean: () => false, note: () => undefined } : createCleanDays(dir, policy);
  function hit(h: ReadEvent): ReadEvent {
    if (!needsLook(h.line)) return h;
    const shown = event(h.event);
    if (shown === h.event) return h;
    // A masked hit is a new one: the store it came from goes with it (several stores tag each line).
    const line = serializeEvent(shown).slice(0, -1);
    return h.store === undefined ? { event: shown, line } : { event: shown, line, store: h.store };
  }
  return {
    event,
    hits,
    file(file, whole) {
      if (tombstones.size === 0 && verdicts.clean(file)) return { hits: (h) => h, end: () => undefined };
      let clean = true;
      return {
        hits(h) {
          const shown = hits(h);
          if (shown !== h) clean = false;
          return shown;
        },
        end: () => void (whole && clean && verdicts.note(file)),
      };
    },
    hit,
  };
}
