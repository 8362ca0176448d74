/**
 * Private payloads on the way out: the store's policy (its config's `redact`, on by
 * default with the defaults) and its tombstones, applied to every event a command
 * shows, as text, as NDJSON, in a tree or in an export. A line that can hold nothing to
 * mask goes out as its stored bytes; only lines that might are parsed.
 */
import { createMasker, DEFAULT_POLICY, type Masker, type RedactPolicy } from "../event/redact.js";
import type { TraceEvent } from "../event/envelope.js";
import { serializeEvent } from "../event/serialize.js";
import { readStoreConfig } from "../store/config.js";
import type { ReadEvent } from "../store/read.js";
import { readTombstones } from "../store/tombstones.js";

/** What a command shows of each event. */
export interface Redactor {
  event(e: TraceEvent): TraceEvent;
  hit(h: ReadEvent): ReadEvent;
  /** NDJSON as stored, with the lines that need it masked. */
  ndjson(chunk: Buffer): Buffer;
}

/**
 * The store's policy: the defaults (unless its config says `defaults: false`) with the
 * config's keys and patterns; none when the config says `off`.
 *
 * @example
 * policyOf(".space/trace").keys.includes("api_key"); // true
 */
export function policyOf(dir: string): RedactPolicy {
  const r = readStoreConfig(dir).redact ?? {};
  if (r.off) return { keys: [], patterns: [] };
  const base = r.defaults === false ? { keys: [], patterns: [] } : DEFAULT_POLICY;
  return { keys: [...base.keys, ...(r.keys ?? [])], patterns: [...base.patterns, ...(r.patterns ?? [])] };
}

const ID = /"id"\s*:\s*"([^"\\]+)"/;

/**
 * The redactor of a store; with `off` (`--no-redact`), the stored data as it is.
 *
 * @example
 * const r = createRedactor(dir);
 * process.stdout.write(r.ndjson(chunk));
 */
export function createRedactor(dir: string, options: { off?: boolean | undefined } = {}): Redactor {
  if (options.off) return { event: (e) => e, hit: (h) => h, ndjson: (c) => c };
  // Made on first use: a command checks its store before anything reads the store's config.
  let made: Redactor | undefined;
  const ready = (): Redactor => (made ??= redactorOf(dir));
  return { event: (e) => ready().event(e), hit: (h) => ready().hit(h), ndjson: (c) => ready().ndjson(c) };
}

function redactorOf(dir: string): Redactor {
  const policy = policyOf(dir);
  const masker: Masker = createMasker(policy);
  const tombstones = readTombstones(dir);
  const noPolicy = policy.keys.length === 0 && policy.patterns.length === 0;
  const event = (e: TraceEvent): TraceEvent => masker.event(e, tombstones.get(e.id));
  // A line needs a look when it might hold what the policy masks, or is an event with a tombstone.
  const needsLook = (text: string): boolean => (!noPolicy && masker.mayHold(text)) || (tombstones.size > 0 && tombstones.has(ID.exec(text)?.[1] ?? ""));
  return {
    event,
    hit(h) {
      if (!needsLook(h.line)) return h;
      const shown = event(h.event);
      return shown === h.event ? h : { event: shown, line: serializeEvent(shown).slice(0, -1) };
    },
    ndjson(chunk) {
      if (!needsLook(chunk.toString("latin1"))) return chunk;
      const out: Buffer[] = [];
      let from = 0;
      for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, from)) {
        out.push(lineOut(chunk.subarray(from, nl + 1)));
        from = nl + 1;
      }
      if (from < chunk.length) out.push(lineOut(chunk.subarray(from)));
      return Buffer.concat(out);
    },
  };
  function lineOut(line: Buffer): Buffer {
    const text = line.toString("utf8");
    if (!needsLook(text)) return line;
    let e: TraceEvent;
    try {
      e = JSON.parse(text) as TraceEvent;
    } catch {
      return line;
    }
    const shown = event(e);
    return shown === e ? line : Buffer.from(serializeEvent(shown));
  }
}
