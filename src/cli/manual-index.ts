/** The manual's page of `trace index` (manual.ts holds the rest). */
import type { Page } from "./page.js";

const DIRS = ["--dir DIR …", "the store folder, more than once for several (default: TRACE_DIR, else .space/trace in the nearest ancestor with a .space/, else ./.space/trace)"] as const;

/** `trace index --help`. */
export const INDEX_PAGE: Page = {
  name: "index",
  summary: "build the indexes that let queries read only the blocks of old days that hold their answer",
  usage: ["trace index [--rebuild] [--threads N] [--json]"],
  about: [
    "Each sealed day file (any day before today, UTC; plain or .gz) may have an index in the store's .index/ folder: for the values queries select on (agent_id, target_id, parent_event_id, id, primitive) the blocks of the day that hold them. Filtered queries, timelines, --causality, \"last wake\", \"when X created\" and id suffixes then read those blocks only. Today's file may have an index of its lines so far: a query reads through it, then every line after it; any day without a fresh index is read whole as before. After each pass the builder also gathers the days' filters of agents and targets in .index/days.filters, so that a question passes by a day without its value with one stat. Answers are the same with and without: deleting .index/ costs only speed.",
    "Nobody has to run this. A query that wanted an index it did not find starts a builder in the background, at low priority, for days of 1 MiB and more, compressed days of 128 KiB, and today's file once a megabyte of it is not covered (set TRACE_INDEX=off to stop that); trace prune indexes every sealed day after it has pruned and compressed. trace index builds every sealed day that lacks a fresh index, whatever its size, and today's lines so far once a megabyte of them is not covered.",
    "An index names its day file's inode, size and modification time: a day that grew (a late event), was replaced, truncated or compressed is read whole until its index is rebuilt. A damaged or foreign index file is ignored with one note on stderr.",
  ],
  groups: [
    {
      title: "Flags",
      flags: [
        ["--rebuild", "build every day's index again, fresh or not"],
        ["--auto", "what a query starts in the background: quiet, only days of 1 MiB and more (compressed: 128 KiB), nothing when another builder holds the store's .index/.building; then each sealed day not yet looked at under the masking policy is read once and noted clean or not (redaction-clean.json), so that later queries send a clean day's lines out without a look"],
        ["--threads N", "days built at once, each on a thread of its own (default: one per core, at most 4; a thread holds about five times its day's size); a day's index is the same bytes on any thread"],
        ["--json", "one JSON object per day: file, state (built, fresh, skipped, failed), bytes, indexBytes, ms"],
        DIRS,
      ],
    },
  ],
  notes: [
    "trace index --dir .space/trace\ntrace index --rebuild --threads 1    # every day again, on one core\ntrace index --json | jq -c 'select(.state == \"failed\")'",
    "trace --no-index (on queries, --causality and export) reads every day whole.",
    "Exit codes: 0 ok, 1 a day could not be indexed (it is read whole), 2 bad usage.",
  ],
};
