/**
 * The contract between a query and the engine, as ripgrep's matcher stands between its
 * searcher and its CLI: what a matching line must hold, as bytes. The engine knows
 * nothing of flags or filter names; `query/filter.ts` compiles a `Filter` into this.
 */
import type { TraceEvent } from "../event/envelope.js";
import { toNeedle, type Needle } from "./needle.js";
import { FIELD, type EventField } from "./wasm/layout.js";

/** A filter as the engine takes it. */
export interface ByteFilter {
  /** Bytes every matching line holds (a value as JSON spells it); undefined: every line is a candidate. */
  readonly needle: Needle | undefined;
  /** Record fields that must hold exactly these bytes, in the order compared; undefined when bytes cannot decide, so every candidate is parsed. */
  readonly fields: ByteFields | undefined;
  /** `timestamp` in [since, until] (ms). */
  readonly since: number;
  readonly until: number;
  /** The exact test of a parsed event: the answer for every line the bytes left open. */
  accept(event: TraceEvent): boolean;
}

/** The byte comparisons of a filter: record fields with their values, and `own` (the agent's, else the target's). */
export interface ByteFields {
  readonly wants: readonly (readonly [field: number, value: Buffer])[];
  readonly own: Buffer | undefined;
}

/** What a byte filter is made of, as strings. */
export interface ByteFilterSpec {
  /** Each field must equal its value. */
  pairs: readonly (readonly [EventField, string])[];
  /** `agent_id` or `target_id` equals this. */
  own?: string | undefined;
  /** The value whose JSON spelling every matching line must hold. */
  needle?: string | undefined;
  /** False when the pairs and `own` do not say all of the filter (a value in metadata): every candidate is then parsed and accepted. */
  decides?: boolean | undefined;
  since?: number | undefined;
  until?: number | undefined;
  accept(event: TraceEvent): boolean;
}

/**
 * Compiles string values into the bytes the engine compares.
 *
 * @example
 * const bf = createByteFilter({ pairs: [["agent_id", "haiku-1"]], needle: "haiku-1", accept: (e) => e.agent_id === "haiku-1" });
 */
export function createByteFilter(spec: ByteFilterSpec): ByteFilter {
  const values = [...spec.pairs.map(([, v]) => v), ...(spec.own === undefined ? [] : [spec.own])];
  // Bytes that are not UTF-8 decode to U+FFFD, and a lone surrogate encodes as one:
  // with either in a value, equal bytes and equal strings part ways.
  const exact = spec.decides !== false && values.every((v) => !v.includes("\uFFFD") && Buffer.from(v).toString() === v);
  return {
    needle: spec.needle === undefined ? undefined : valueNeedle(spec.needle),
    fields: exact ? { wants: spec.pairs.map(([field, v]) => [FIELD[field], Buffer.from(v)] as const), own: spec.own === undefined ? undefined : Buffer.from(spec.own) } : undefined,
    since: spec.since ?? -Infinity,
    until: spec.until ?? Infinity,
    accept: spec.accept,
  };
}

/**
 * The needle for a string value as a JSON line spells it, quotes included; undefined
 * when it holds U+FFFD, which bad UTF-8 in a line also decodes to.
 *
 * @example
 * valueNeedle("task-42")!.bytes.toString(); // '"task-42"'
 */
export function valueNeedle(value: string): Needle | undefined {
  return value.includes("\uFFFD") ? undefined : toNeedle(Buffer.from(JSON.stringify(value)));
}
