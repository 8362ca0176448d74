/**
 * trace: the library behind the `trace` command. Everything the CLI does is here.
 *
 * @example
 * import { openWriter, query } from "trace";
 * const w = openWriter({ dir: ".space/trace" });
 * w.emit({ primitive: "ops", event_type: "create_task", agent_id: "zealot-1", target_id: "task-1" });
 * w.close();
 * for await (const { event } of query({ dir: ".space/trace", target: "task-1" })) console.log(event.event_type);
 */
export { UsageError } from "./errors.js";
export { compareEvents, isEvent, makeEvent, parseEventLine, serializeEvent, type EventInput, type TraceEvent } from "./event.js";
export { createIdSource } from "./store/id.js";
export { dayOf, listDayFiles, resolveStoreDir, type DayFile } from "./store/layout.js";
export { emit, openBatchWriter, openWriter, type BatchWriter, type Writer, type WriterOptions } from "./store/write.js";
export { lineBlocks, readEvents, type ReadEvent } from "./store/read.js";
export { prune, parseAge, DEFAULT_RETENTION, type PruneAction, type PruneOptions } from "./store/prune.js";
export { compressDay } from "./store/compact.js";
export { readStoreConfig, writeStoreConfig, type StoreConfig } from "./store/config.js";
export { parseDuration, parseWhen, type When } from "./query/time.js";
export { matches, type Filter } from "./query/filter.js";
export { scan, formatBadReport, type ScanOptions } from "./query/scan.js";
export { timeline, type TimelineOptions } from "./query/timeline.js";
export { query, queryNdjson, type QueryOptions } from "./query/query.js";
export { resolveWhen } from "./query/resolve.js";
export { follow, type FollowOptions } from "./query/follow.js";
export type { BadReport } from "./query/lines.js";
export { causality, type CausalNode, type CausalTree, type CausalityOptions } from "./causality/tree.js";
export { describe, label, type View } from "./format/describe.js";
export { renderRow, timelineHeader } from "./format/timeline.js";
export { renderTree, treeToJson } from "./format/tree.js";
export { validateTrace, kindOf, TRACE_SCHEMA_VERSION, type Verdict, type Problem } from "./schema/validate.js";
export { checkInputs, type Finding, type ValidationSummary } from "./schema/check.js";
export { openInput, readTraces } from "./schema/input.js";
export { emitCapabilityCheck, emitMemoryTrace, emitToolCall, type CapabilityCheckTrace, type MemoryTraces, type ToolCallTrace } from "./schema/emitters.js";
