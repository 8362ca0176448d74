/**
 * The byte engine: the one module outside `src/engine/` may import. It knows nothing
 * of flags, filter names or output; it takes a `ByteFilter` and day-file blocks and
 * finds the lines that hold what the filter asks, deciding most of them from their
 * bytes. The data path of a filtered block:
 *
 * ```
 *   blocks (store/read.ts: 1 MiB of whole lines, in the WebAssembly memory's slots)
 *     │
 *     ▼
 *   pair search ─────── needle.wat: the needle's two rarest bytes (or a `\`), 64 positions a step
 *     │
 *     ▼
 *   line bounds ─────── block-match.wat: the line around a hit (SIMD both ways)
 *     │
 *     ▼
 *   line check ──────── line-check.wat: one JSON object? where each event field stands
 *     │
 *     ▼
 *   field compare ───── block-match.wat: the filter's field/value byte pairs, `own`, the time range
 *     │                  (escapes, odd shapes, bad lines: parsed and decided by `ByteFilter.accept`)
 *     ▼
 *   hits / runs ─────── hits.ts: lines that passed, moved together and kept as bytes;
 *                       `toNdjson` writes them as read
 * ```
 *
 * Every step has a JavaScript twin (`Buffer#indexOf`, `JSON.parse`) for buffers
 * outside the memory and for `TRACE_SIMD=off`, which forces them everywhere.
 * The memory's map is `wasm/layout.ts`; the modules and their links `wasm/modules.ts`.
 */
export { createByteFilter, valueNeedle, type ByteFilter, type ByteFilterSpec } from "./byte-filter.js";
export type { EventField } from "./wasm/layout.js";
export { candidateLines, eachCandidate } from "./positions.js";
export { CheckedLine, CheckedRun, detach, eventsOf, type Hits } from "./hits.js";
export { createFieldReader, INDEXED_FIELDS, type IndexedField, type OnField } from "./fields.js";
export { createBadLines, eachLine, parseAt, type BadReport } from "./lines.js";
export { toNeedle, type Needle } from "./needle.js";
export { toNdjson } from "./ndjson.js";
export { createIdHashes, maybeChildren, type IdHashes } from "./peek.js";
export { createSearchPool, type SearchPool } from "./pool.js";
export { searchFile, type SearchOptions } from "./search.js";
