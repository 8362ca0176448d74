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
 * Timelines and trees search a growing set's members (`createMemberSearch`); a walk up
 * a long chain reads day tables (`createDayTables`); hits pass the reorder window
 * (`reorderBatches`) on their way out. Lines, their parsing and the bad-line reports
 * are the store's (`store/lines.ts`).
 *
 * Every step has a JavaScript twin (`Buffer#indexOf`, `JSON.parse`) for buffers
 * outside the memory and for `TRACE_SIMD=off`, which forces them everywhere.
 * The memory's map is `wasm/layout.ts`; the modules and their links `wasm/modules.ts`.
 */
export { createByteFilter, type ByteFilter } from "./byte-filter.js";
export type { EventField } from "./wasm/layout.js";
export { createSearchPool, type SearchPool } from "./pool.js";
export { searchFile } from "./search.js";
export { eachLineHolding } from "./positions.js";
export { createMemberSearch, type MemberSearch } from "./members.js";
export { createDayTables, type Link } from "./day-tables.js";
export { reorderBatches, REORDER_WINDOW_MS } from "./reorder.js";
export { detach, eventsOf, type Hits } from "./hits.js";
export { toNdjson } from "./ndjson.js";
export { createFieldReader, INDEXED_FIELDS, type IndexedField } from "./fields.js";
