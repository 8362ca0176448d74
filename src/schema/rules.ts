import versions from "./spec_versions.json" with { type: "json" };
import v1 from "./v1.json" with { type: "json" };

/** The trace schema version these rules implement. */
export const TRACE_SCHEMA_VERSION: number = versions.trace_schema;

/** How a trace type stands in schema v1. */
export type TraceKind =
  /** frozen: required keys checked */
  | "v1"
  /** a listed memory event with no further required keys */
  | "memory"
  /** AI trace stream, versioned by TRACE_VERSION: counted, never failed */
  | "ai"
  | "unknown";

/** One broken rule: which key, what is wrong, what was allowed. */
export interface Problem {
  key: string;
  message: string;
}

/** The verdict on one trace object. */
export interface Verdict {
  type: string;
  kind: TraceKind;
  problems: Problem[];
}

interface Rule {
  applies?: { key: string; equals: unknown; why: string };
  required: string[];
  enums?: Record<string, string[]>;
  numbers?: string[];
  booleans?: string[];
  codes?: string[];
  lines?: string[];
  when?: { key: string; in: string[]; required: string[]; why: string }[];
}

const RULES = v1.rules as Record<string, Rule>;
const MEMORY = new Set(v1.memory_types);
const AI = new Set(v1.ai_types);
const STABLE_CODE = /^[a-z][a-z0-9_]*$/;

/**
 * How schema v1 classes a type (`unknown` for types it does not name).
 *
 * @example
 * kindOf("tool_call"); // "v1"
 */
export function kindOf(type: string, trace?: Record<string, unknown>): TraceKind {
  if (RULES[type]) return "v1";
  if (MEMORY.has(type)) return "memory";
  if (AI.has(type) || (trace !== undefined && "trace_version" in trace)) return "ai";
  return "unknown";
}

/**
 * True when an event type is governed by schema v1 (frozen or a listed memory event).
 *
 * @example
 * isSchemaType("memory_budget"); // true
 */
export function isSchemaType(type: string): boolean {
  return RULES[type] !== undefined || MEMORY.has(type);
}

const present = (t: Record<string, unknown>, key: string): boolean => t[key] !== undefined && t[key] !== null;

/**
 * Checks one trace object against schema v1, exactly as the schema text states it:
 * required keys, allowed values, and the keys that a value makes required.
 *
 * @example
 * validateTrace({ type: "tool_call", tool_name: "echo" }).problems[0]; // { key: "resolved_source", message: "missing" }
 */
export function validateTrace(trace: Record<string, unknown>, typeHint?: string): Verdict {
  const type = typeof trace.type === "string" ? trace.type : typeHint;
  if (type === undefined) return { type: "(none)", kind: "unknown", problems: [{ key: "type", message: "missing" }] };
  const problems: Problem[] = [];
  if (typeHint !== undefined && typeof trace.type === "string" && trace.type !== typeHint) {
    problems.push({ key: "type", message: `${JSON.stringify(trace.type)} differs from event_type ${JSON.stringify(typeHint)}` });
  }
  const kind = kindOf(type, trace);
  const rule = RULES[type];
  if (!rule) return { type, kind, problems };
  const t = typeof trace.type === "string" ? trace : { ...trace, type };
  if (rule.applies && t[rule.applies.key] !== rule.applies.equals) {
    if (!present(t, rule.applies.key)) problems.push({ key: rule.applies.key, message: "missing (needed to tell whether the check was denied)" });
    return { type, kind, problems };
  }
  for (const key of rule.required) if (!present(t, key)) problems.push({ key, message: "missing" });
  for (const [key, allowed] of Object.entries(rule.enums ?? {})) {
    if (present(t, key) && !allowed.includes(t[key] as string)) {
      problems.push({ key, message: `${JSON.stringify(t[key])} is not one of ${allowed.join(", ")}` });
    }
  }
  for (const key of rule.numbers ?? []) {
    if (present(t, key) && (typeof t[key] !== "number" || (t[key] as number) < 0)) problems.push({ key, message: `${JSON.stringify(t[key])} is not a number of milliseconds` });
  }
  for (const key of rule.booleans ?? []) {
    if (present(t, key) && typeof t[key] !== "boolean") problems.push({ key, message: `${JSON.stringify(t[key])} is not true or false` });
  }
  for (const key of rule.codes ?? []) {
    if (present(t, key) && (typeof t[key] !== "string" || !STABLE_CODE.test(t[key] as string))) {
      problems.push({ key, message: `${JSON.stringify(t[key])} is not a stable code such as guarantee_blocked` });
    }
  }
  for (const key of rule.lines ?? []) {
    if (present(t, key) && !(Array.isArray(t[key]) && (t[key] as unknown[]).every((l) => typeof l === "string"))) {
      problems.push({ key, message: "is not a list of lines (strings)" });
    }
  }
  for (const cond of rule.when ?? []) {
    if (!cond.in.includes(t[cond.key] as string)) continue;
    for (const key of cond.required) if (!present(t, key)) problems.push({ key, message: `missing (required for ${cond.why}: ${cond.key} ${String(t[cond.key])})` });
  }
  return { type, kind, problems };
}

