/** Flag rows that several pages of the manual share. */

/** `--space-tz`: where space.db's naive local times were written. */
export const SPACE_TZ_FLAG = ["--space-tz ZONE", "the zone of the machine that wrote space.db's naive local times (spawns, tasks, memories): local (default: TRACE_SPACE_TZ, else this machine's), UTC, +11:00 or Australia/Sydney; its UTC columns (messages, channels, knowledge) never move"] as const;
/** The one store a writing command takes. */
export const DIR_FLAG = ["--dir DIR", "the store folder (default: TRACE_DIR, else .space/trace in the nearest ancestor with a .space/, else ./.space/trace)"] as const;
/** Where a reading command can take several stores. */
export const DIRS_FLAG = ["--dir DIR …", "the store folder; give it more than once (or TRACE_DIR as a : list) to read several stores as one history, each event shown with its store's name (default: TRACE_DIR, else .space/trace in the nearest ancestor with a .space/, else ./.space/trace)"] as const;
/** A central database answering a question in place of the day files. */
export const DB_FLAG = ["--db URL", "answer from the central PostgreSQL that hosts ship their stores to (trace ship --help) instead of the day files: the same output; masked by the policy of the store --dir names (else the defaults) and the tombstones the database holds (default: TRACE_DB)"] as const;
