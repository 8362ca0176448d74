/** The text of `trace --help`. */
export const HELP = `trace — what happened? Timelines, causality and live follow over .space/trace/

Usage:
  trace [TARGET] [--agent A] [--task T] [--channel C] [--primitive P]
        [--since WHEN] [--until WHEN] [-n N] [--reverse] [--json] [--utc]
  trace --causality ID_OR_TARGET [--depth N] [--max-children N] [--infer] [--json]
  trace -f [TARGET] [filters] [-n N] [--json]     follow new events, like tail -f
  trace emit PRIMITIVE EVENT_TYPE [--agent A] [--target T] [--parent ID] [--meta JSON] [--fsync] [--json]
  trace validate [FILE…|DIR…|-] [--json] [--strict]
  trace prune [--older-than AGE] [--compress-after AGE] [--dry-run] [--json]
  trace prune --set-retention AGE [--auto] | --show-retention

Query:
  TARGET              a task, agent or channel: its events and everything they caused
  --agent A           events triggered by agent A            (trace --agent haiku-1)
  --task T            events on task T                       (trace --task task-sub1)
  --channel C         bridge events on channel C, # optional (trace --channel payments)
  --primitive P       spawn, bridge, ops, memory, knowledge, tool, ai, …
  --since WHEN        from WHEN on                           (trace --since "2h ago")
  --until WHEN        up to WHEN
  -n N                only the last N events
  --reverse           newest first
  --json              the stored lines, untouched, as NDJSON (trace --json | jq .)
  --utc               show times in UTC (default: local time)
  --plain             parse every line (the slow reference path the fast one must equal)
  --dir DIR           the store folder (default: TRACE_DIR, else .space/trace in the
                      nearest ancestor with a .space/, else ./.space/trace)

WHEN: 2h ago, 2 hours ago, -2h, 2h, 1h30m ago, yesterday, today, now, 2026-11-21,
      "2026-11-21 14:00", 2026-11-21T14:00:00Z, @1763733600,
      "last wake" (latest wake of --agent or TARGET), "when TARGET created" (first event of TARGET)

Causality:
  --causality X       the cause → effect tree around event X (id, or unique suffix of
                      8+ characters) or around the first event of target X
  --depth N           draw N levels below the root at most
  --max-children N    draw N children per node at most (default 50), then "… N more"
  --infer             link parentless events to the same agent's previous event in the
                      same session (metadata.session_id), drawn ┄>
  --infer-window AGE  how far back --infer looks (default 5s)

Exit codes: 0 ok (also when nothing matched), 1 failure, 2 bad usage or bad input.
--help on any command explains it; --version prints the version.
Run "trace emit --help", "trace validate --help" or "trace prune --help" for more.
`;

/** `trace emit --help`. */
export const EMIT_HELP = `Usage: trace emit PRIMITIVE EVENT_TYPE [--agent A] [--target T] [--parent ID] [--meta JSON] [--fsync] [--json]

Appends one event to today's day file and prints its id, so scripts can chain causality:
  p=$(trace emit ops create_task --agent zealot-1 --target task-abc123 --meta '{"title":"Build payment system"}')
  trace emit ops create_task --target task-sub1 --parent "$p"

  --agent A      who triggered it          --target T   what it affected
  --parent ID    the id of its cause       --meta JSON  payload object (default {})
  --fsync        also survive power loss   --json       print the whole stored event
  --dir DIR      the store folder (default: TRACE_DIR, else the nearest .space/trace)
Schema v1 types (tool_call, capability_check, memory_*) are checked before writing.
`;

/** `trace validate --help`. */
export const VALIDATE_HELP = `Usage: trace validate [FILE…|DIR…|-] [--json] [--strict]

Checks tool_call, capability_check and memory_* traces against trace schema v1.
Reads day files (the trace is each event's metadata), NDJSON of bare traces, a JSON
object or array, and records nesting events under canonical_events / memory_events.
A DIR is read as a store: its day files. With no FILE, validates the store's day
files; "-" reads standard input. The totals
line also counts the day-file events that carry no trace (ops, bridge, …), skipped.

  --json     one JSON object per problem, then a summary object
  --strict   unknown trace types are errors, not notes
  --dir DIR  the store to validate when no FILE is given
Exit: 0 all valid, 1 violations found, 2 unreadable input.
`;

/** `trace prune --help`. */
export const PRUNE_HELP = `Usage: trace prune [--older-than AGE] [--compress-after AGE] [--dry-run] [--json]
       trace prune --set-retention AGE [--auto] [--compress-after AGE]
       trace prune --show-retention

Deletes day files whose whole UTC day ended more than AGE ago (default: the store's
retention setting, else 30d); optionally gzips younger past days. Today's and
tomorrow's files, symlinks and anything that is not a day file are never touched.

  --older-than AGE       30d, 12h, "2 weeks"
  --compress-after AGE   gzip whole past days older than AGE to YYYY-MM-DD.ndjson.gz
  --dry-run              say what would happen, change nothing
  --set-retention AGE    keep AGE as the store's rule ("none" clears it)
  --auto                 with --set-retention: writers prune once a day by themselves
  --show-retention       print the store's rule
  --dir DIR              the store folder (default: TRACE_DIR, else the nearest .space/trace)
`;
