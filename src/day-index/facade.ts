/**
 * The indexes of sealed days (docs/format.md, "The index of a sealed day"): derived
 * files in a store's `.index/` folder that map the values queries select on to the
 * blocks of a day that hold them. The day files never depend on them; a stale or
 * damaged one is not used.
 */
export { IndexDamage } from "./encoding.js";
export { openDayIndex, type BlockTable, type DayIndex, type IndexUse } from "./day-index.js";
export { indexedBlocks, chosenBlocks } from "./read-blocks.js";
export { indexPathOf } from "./files.js";
export { createStoreFilters, type StoreFilters } from "./store-filters.js";
export { AUTO_INDEX_BYTES, indexStore, indexWanted, type DayDone, type IndexStoreOptions, type IndexStoreResult } from "./store-index.js";
