/**
 * trace: the library behind the `trace` command. Everything the CLI does is here;
 * schema v1 checks are in `swarm-trace/schema`, the human renderings in `swarm-trace/render`.
 *
 * @example
 * import { openWriter, query } from "swarm-trace";
 * const w = openWriter({ dir: ".space/trace" });
 * w.emit({ primitive: "ops", event_type: "create_task", agent_id: "zealot-1", target_id: "task-1" });
 * w.close();
 * for await (const { event } of query({ dir: ".space/trace", target: "task-1" })) console.log(event.event_type);
 */
export { UsageError } from "./errors.js";
export type { EventInput, TraceEvent } from "./event/envelope.js";
export type { BadReport } from "./engine/facade.js";
export { emit, openWriter } from "./writers.js";
export { openBatchWriter, type BatchWriter, type Writer, type WriterOptions } from "./store/write.js";
export { resolveStoreDir } from "./store/layout.js";
export type { ReadEvent } from "./store/read.js";
export { policyOf, readStoreConfig, writeStoreConfig, type StoreConfig } from "./store/config.js";
export { parseAge, parseDuration, parseWhen, type When } from "./time.js";
export type { Filter } from "./query/filter.js";
export { query, queryNdjson, type QueryOptions } from "./query/query.js";
export type { QueryCursor } from "./query/cursor.js";
export { timeline, type TimelineOptions } from "./query/timeline.js";
export { follow, type FollowOptions } from "./query/follow.js";
export { causality, type CausalNode, type CausalTree, type CausalityOptions } from "./causality/tree.js";
export { prune, DEFAULT_RETENTION, type PruneAction, type PruneOptions } from "./retention/prune.js";
export { validate, type ValidateOptions } from "./validate/validate.js";
export { importSources, type ImportResult } from "./query/import.js";
export { validateSources, type SourcesVerdict } from "./query/validate-sources.js";
export { findSources, summarizeSources, type Source, type SourceSummary } from "./sources/sources.js";
export { EXPORT_FORMATS, exportTo, exportToFile, type ExportFormat, type ExportOptions } from "./export/export.js";
export type { Finding, ValidationSummary } from "./validate/check.js";
export { rebuildTombstones, redactEvent, updatePolicy } from "./api/redact.js";
export { createRedactor, type Redactor } from "./query/redactor.js";
export { DEFAULT_POLICY, type RedactPolicy } from "./event/redact.js";
export { indexStore, type DayDone, type IndexStoreOptions, type IndexStoreResult, type IndexUse } from "./day-index/facade.js";
export type { IndexOption } from "./query/indexed.js";
