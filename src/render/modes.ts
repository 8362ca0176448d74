/**
 * Output modes, as journalctl's `-o`: `short` (a row), `short-precise` (with
 * milliseconds), `verbose` (every field, the metadata pretty), `json` (the stored line),
 * `json-pretty`, `cat` (the description only). `--output-fields` keeps some fields of
 * the JSON and verbose forms.
 */
import type { TraceEvent } from "../event/envelope.js";
import { UsageError } from "../errors.js";
import { didYouMean } from "../suggest.js";
import { describe } from "./describe.js";
import { escapeControl } from "./text.js";
import { renderRow, type RowOptions } from "./timeline.js";

/** The output modes, as `-o` names them. */
export const OUTPUT_MODES = ["short", "short-precise", "verbose", "json", "json-pretty", "cat"] as const;

/** One of `OUTPUT_MODES`. */
export type OutputMode = (typeof OUTPUT_MODES)[number];

/**
 * The mode `-o` names; a word that is none is the usage error with the nearest.
 *
 * @example
 * outputMode("json-pretty"); // "json-pretty"
 */
export function outputMode(word: string): OutputMode {
  if ((OUTPUT_MODES as readonly string[]).includes(word)) return word as OutputMode;
  throw new UsageError(`-o ${JSON.stringify(word)}: ${didYouMean(word, OUTPUT_MODES) ?? `expected one of ${OUTPUT_MODES.join(", ")}`}`);
}

/** How to render an event in a mode. */
export interface ModeOptions extends RowOptions {
  mode: OutputMode;
  /** `--output-fields`: the fields kept (top-level names, or `metadata.key.key`); all when undefined. */
  fields?: readonly string[] | undefined;
}

/**
 * An event as its mode shows it (without the trailing newline); `line` is its stored
 * line, what `json` prints when no fields are picked.
 *
 * @example
 * renderInMode(event, line, { mode: "cat", utc: true, view: {}, style });
 */
export function renderInMode(e: TraceEvent, line: string, o: ModeOptions): string {
  switch (o.mode) {
    case "short":
      return renderRow(e, o);
    case "short-precise":
      return renderRow(e, { ...o, precise: true });
    case "cat":
      return escapeControl(describe(e, o.view));
    case "json":
      return o.fields ? JSON.stringify(picked(e, o.fields)) : line;
    case "json-pretty":
      return JSON.stringify(o.fields ? picked(e, o.fields) : e, null, 2);
    case "verbose":
      return verbose(e, o);
  }
}

/** The fields of an event `fields` names, as an object in the envelope's order. */
function picked(e: TraceEvent, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const [head, ...path] = field.split(".");
    let v: unknown = (e as unknown as Record<string, unknown>)[head!];
    for (const key of path) v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined;
    if (v !== undefined) out[field] = v;
  }
  return out;
}

/** The row with milliseconds, then each field on a line of its own, the metadata as indented JSON. */
function verbose(e: TraceEvent, o: ModeOptions): string {
  const head = renderRow(e, { ...o, precise: true });
  const shown = o.fields ? picked(e, o.fields) : (e as unknown as Record<string, unknown>);
  const body = Object.entries(shown)
    .filter(([key]) => key !== "timestamp")
    .map(([key, v]) => `    ${escapeControl(key)}: ${typeof v === "string" ? escapeControl(v) : (JSON.stringify(v, null, 2) ?? "null").split("\n").map(escapeControl).join("\n    ")}`);
  return [head, ...body].join("\n");
}
