import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { isEvent, isPlainObject } from "../event/envelope.js";
import { isSchemaType, kindOf } from "../schema/rules.js";
import { pipeErrors } from "../store/read.js";
import { linesOrElements } from "./json-stream.js";

/** One trace object found in an input, and where. */
export interface FoundTrace {
  /** `file:line`, `file[3]` or `file[3].canonical_events[2]`. */
  where: string;
  trace: Record<string, unknown>;
  /** The enclosing event's `event_type` when the trace is a day-file event's metadata. */
  typeHint?: string;
}

/** Input that could not be read as JSON. */
export interface Unreadable {
  where: string;
  message: string;
}

const NESTED = ["canonical_events", "memory_events"] as const;

/** Told of each day-file event that carries no trace (an ops or bridge event, say), by where it is. */
export type OnSkip = (where: string) => void;

/** The trace and the traces nested under `canonical_events` / `memory_events`, depth first. */
function* withNested(where: string, trace: Record<string, unknown>, typeHint?: string): Generator<FoundTrace> {
  yield typeHint === undefined ? { where, trace } : { where, trace, typeHint };
  for (const key of NESTED) {
    const list = trace[key];
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      const item: unknown = list[i];
      if (isPlainObject(item)) yield* withNested(`${where}.${key}[${i}]`, item);
    }
  }
}

/**
 * What one parsed value holds: a day-file event carries its trace in `metadata`
 * (only schema and AI-stream types are traces; other events are skipped), anything
 * else is a bare trace object.
 */
function* tracesOf(where: string, value: unknown, onSkip: OnSkip): Generator<FoundTrace | Unreadable> {
  if (!isPlainObject(value)) {
    yield { where, message: "not a JSON object" };
    return;
  }
  if (isEvent(value) && !("type" in value)) {
    const type = value.event_type;
    if (isSchemaType(type) || kindOf(type, value.metadata) === "ai" || typeof value.metadata.type === "string") yield* withNested(where, value.metadata, type);
    else onSkip(where);
    return;
  }
  yield* withNested(where, value);
}

/**
 * Opens a path (`-` for stdin) as text, gunzipping `.gz`.
 *
 * @example
 * for await (const item of readTraces("traces.json", openInput("traces.json"))) console.log(item);
 */
export function openInput(path: string, stdin: Readable = process.stdin): NodeJS.ReadableStream {
  const raw = path === "-" ? stdin : createReadStream(path);
  return path.endsWith(".gz") ? pipeErrors(raw, process.getBuiltinModule("node:zlib").createGunzip()) : raw;
}

/**
 * Reads every trace of one input: NDJSON (day files or bare traces, one per line) or
 * one JSON document, an array streamed element by element or one object. A bad line
 * or element is reported with where it is and the rest still read. Throws on an
 * unreadable file.
 *
 * @example
 * for await (const item of readTraces("tool_call_trace_golden.json", openInput(path))) …
 */
export async function* readTraces(name: string, text: NodeJS.ReadableStream, onSkip: OnSkip = () => {}): AsyncGenerator<FoundTrace | Unreadable> {
  let mode: "unknown" | "ndjson" | "document" = "unknown";
  const document: string[] = [];
  let [n, k] = [0, 0];
  for await (const item of linesOrElements(text as AsyncIterable<Buffer | string>)) {
    if (typeof item !== "string") {
      if ("problem" in item) {
        yield { where: `${name}:${item.line}`, message: `not valid JSON (${item.problem})` };
        return;
      }
      const where = `${name}[${k++}]`;
      let value: unknown;
      try {
        value = JSON.parse(item.text);
      } catch (err) {
        yield { where: `${where} (line ${item.line})`, message: `not valid JSON (${(err as Error).message})` };
        continue;
      }
      yield* tracesOf(where, value, onSkip);
      continue;
    }
    n++;
    if (mode === "document") {
      document.push(item);
      continue;
    }
    if (item.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(item);
    } catch (err) {
      if (mode === "unknown") {
        mode = "document";
        document.push(...Array(n - 1).fill(""), item);
        continue;
      }
      yield { where: `${name}:${n}`, message: `not valid JSON (${(err as Error).message})` };
      continue;
    }
    mode = "ndjson";
    yield* tracesOf(`${name}:${n}`, value, onSkip);
  }
  if (mode === "document") yield* documentTraces(name, document.join("\n"), onSkip);
}

function* documentTraces(name: string, text: string, onSkip: OnSkip): Generator<FoundTrace | Unreadable> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const lines = text.split("\n");
    if (lines.some(isObjectLine)) return yield* lineTraces(name, lines, onSkip);
    const at = /position (\d+)/.exec((err as Error).message);
    const line = at ? text.slice(0, Number(at[1])).split("\n").length : undefined;
    yield { where: line === undefined ? name : `${name}:${line}`, message: `not valid JSON (${(err as Error).message})` };
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* tracesOf(`${name}[${i}]`, value[i], onSkip);
  } else yield* tracesOf(name, value, onSkip);
}

function isObjectLine(line: string): boolean {
  try {
    return isPlainObject(JSON.parse(line));
  } catch {
    return false;
  }
}

/** NDJSON whose first line was broken: every line on its own, bad ones reported. */
function* lineTraces(name: string, lines: string[], onSkip: OnSkip): Generator<FoundTrace | Unreadable> {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    try {
      yield* tracesOf(`${name}:${i + 1}`, JSON.parse(line), onSkip);
    } catch (err) {
      yield { where: `${name}:${i + 1}`, message: `not valid JSON (${(err as Error).message})` };
    }
  }
}
