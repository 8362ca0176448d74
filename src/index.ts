/**
 * trace: the library behind the `trace` command. Everything the CLI does is here. A
 * `Question` says what is asked, a `Reading` where and how it is read; every event
 * handed out is masked by its store's policy and tombstones unless the reading says
 * `redact: false` (exports always). Schema v1 checks are in `swarm-trace/schema`, the
 * human renderings in `swarm-trace/render`.
 *
 * @example
 * import { openWriter, query } from "swarm-trace";
 * const w = openWriter({ dir: ".space/trace" });
 * w.emit({ primitive: "ops", event_type: "create_task", agent_id: "zealot-1", target_id: "task-1" });
 * w.close();
 * for await (const { event } of query({ target: "task-1" }, { dir: ".space/trace" })) console.log(event.event_type);
 */
export { isUsageError, UsageError } from "./errors.js";
export { VERSION } from "./version.js";
export type { EventInput, TraceEvent } from "./event/envelope.js";
export type { BadReport } from "./store/lines.js";
export type { ReadEvent } from "./store/read.js";

// Asking: one question, one reading, one door.
export type { Question } from "./door/question.js";
export type { Reading } from "./door/reading.js";
export { query, type Answer, type NdjsonOptions } from "./door/query.js";
export { causality } from "./door/tree.js";
export type { CausalNode, CausalTree } from "./causality/model.js";
export { follow, type FollowReading } from "./door/follow.js";
export { EXPORT_FORMATS, type ExportFormat } from "./export/formats.js";
export { exportTo, exportToFile } from "./door/export.js";
export { receive, type ReceiveOptions, type Receiver } from "./door/receive.js";
export { push, type PushOptions } from "./door/push.js";
export { initDatabase, pruneDatabase, type DatabaseInit, type DroppedDay } from "./door/db.js";
export { ship, type ShipOptions, type Shipped } from "./door/ship.js";
export { shipStatus, type ShipStatus, type ShippedStore } from "./door/ship-status.js";

// Writing.
export { emit, openBatchWriter, openWriter } from "./door/writers.js";
export type { BatchWriter, Writer, WriterOptions } from "./store/write.js";

// The store.
export { resolveStoreDir, resolveStoreDirs } from "./store/layout.js";
export { policyOf, readStoreConfig, writeStoreConfig, type StoreConfig } from "./store/config.js";
export { readCursorFile, writeCursorFile } from "./store/cursor.js";
export { parseAge, parseDuration, parseWhen, type When } from "./time.js";
export { DEFAULT_RETENTION } from "./store/config.js";
export { indexStore, indexWanted, prune, validate } from "./door/maintain.js";
export type { PruneAction, PruneOptions } from "./retention/prune.js";
export type { DayDone, IndexStoreOptions, IndexStoreResult, IndexUse } from "./day-index/facade.js";
export type { IndexOption } from "./query/indexed.js";
export { recentValues, type RecentValues } from "./door/recent-values.js";
export { seal, verify, type SealOptions } from "./door/seal.js";
export type { SealResult } from "./seal/seal.js";
export type { DayVerdict } from "./seal/verify.js";

// Checking, and the space-os sources.
export type { ValidateOptions } from "./validate/validate.js";
export type { Finding, ValidationSummary } from "./validate/check.js";
export { importSources, type ImportResult } from "./door/import.js";
export { validateSources, type SourcesVerdict } from "./door/validate-sources.js";
export { findSources, summarizeSources, type Source, type SourceSummary } from "./sources/sources.js";

// Private payloads.
export { rebuildTombstones, redactEvent, updatePolicy } from "./door/redact.js";
export { DEFAULT_POLICY, type RedactPolicy } from "./event/redact.js";
