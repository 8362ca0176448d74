/**
 * `swarm-trace/schema`: trace schema v1 on its own — the verdict on one trace object, the
 * checks over files, and typed emitters whose types make a missing key a compile error.
 *
 * @example
 * import { validateTrace } from "swarm-trace/schema";
 * validateTrace({ type: "tool_call", tool_name: "fmt" }).problems; // [{ key: "resolved_source", … }, …]
 */
export { isSchemaType, kindOf, TRACE_SCHEMA_VERSION, validateTrace, type Problem, type TraceKind, type Verdict } from "../schema/rules.js";
export { checkInputs, type CheckOptions, type Finding, type TypeCount, type ValidationSummary } from "../validate/check.js";
export { openInput, readTraces, type FoundTrace, type Unreadable } from "../validate/input.js";
export { emitCapabilityCheck, emitMemoryTrace, emitToolCall, type CapabilityCheckTrace, type Envelope, type MemoryTraces, type ToolCallTrace } from "../store/emitters.js";
