/**
 * The one source of the command's documentation: each page's usage, text and flags.
 * `--help` prints a page as text (help.ts) and the build writes all of them as the man
 * page `trace.1` (man.ts), so the two never disagree; a test holds them together.
 */

import { INDEX_PAGE } from "./manual-index.js";
import { SEAL_PAGE, VERIFY_PAGE } from "./manual-seal.js";
import { VIEW_PAGE } from "./manual-view.js";
import { EXPORT_PAGE } from "./manual-export.js";
import { RECEIVE_PAGE } from "./manual-receive.js";
import { DB_PAGE } from "./manual-db.js";
import { SHIP_PAGE } from "./manual-ship.js";
import { DB_FLAG, DIR_FLAG, DIRS_FLAG, SPACE_TZ_FLAG } from "./manual-flags.js";

export type { FlagGroup, Page } from "./page.js";
import type { Page } from "./page.js";

/** Every page, the main one first. */
export const PAGES: readonly Page[] = [
  {
    name: "trace",
    summary: "what happened? Timelines, causality and live follow over .space/trace/",
    usage: [
      "trace [TARGET] [--agent A] [--task T] [--channel C] [--primitive P] [--since WHEN] [--until WHEN] [-n N] [--reverse] [--json] [--utc]",
      "trace --causality ID_OR_TARGET [--depth N] [--max-children N] [--infer] [--relative] [--json]",
      "trace -f [TARGET] [filters] [-n N] [--json]",
      "trace [TARGET] [filters] --cursor-file F [--json] [-f]",
      "trace emit PRIMITIVE EVENT_TYPE [--agent A] [--target T] [--parent ID] [--meta JSON] [--private [--reason R] | --redact KEY,…] [--fsync] [--json]",
      "trace validate [FILE…|DIR…|-] [--json] [--strict]",
      "trace prune [--older-than AGE] [--compress-after AGE] [--dry-run] [--json]",
      "trace seal [--key FILE] [--json]; trace verify [--key FILE] [--json]",
      "trace completion bash|zsh|fish",
      "trace sources [--space PATH] [--json]",
      "trace import [--space PATH] [--dry-run] [--json]",
      "trace export --format otlp|chrome|dot|mermaid|html [TARGET | --causality X] [filters] [--out FILE]",
      "trace view [TARGET | --causality X] [filters] [--out FILE] [--open]",
      "trace receive [--listen HOST:PORT]",
      "trace ship --to URL [--once | --status]; trace db init [--db URL]; trace --db URL [TARGET] [filters]",
      "trace redact ID --reason TEXT | --show-policy | --add-key K,…",
      "trace index [--rebuild] [--json]",
    ],
    about: [
      "Reads the event log of a workspace where many AI agents work together (NDJSON day files) and answers as a timeline, a cause → effect tree, NDJSON for jq, or a live follow like tail -f.",
    ],
    groups: [
      {
        title: "Query",
        flags: [
          ["TARGET", "a task, agent or channel: its events and everything they caused"],
          ["--agent A", "events triggered by agent A (trace --agent haiku-1)"],
          ["--task T", "events on task T (trace --task task-sub1)"],
          ["--channel C", "what happened on channel C, # optional: its bridge events and the spawns that ran in it (trace --channel payments)"],
          ["--primitive P", "spawn, bridge, ops, memory, knowledge, tool, ai, …"],
          ["--type T", "one event type (trace --type tool_call)"],
          ["--status S", "error: events that say they failed (a status of error, failed, timeout…, an error field, an *_error type, a tool or AI call not ok); another word: metadata.status equals it"],
          ["-g, --grep RE", "a regular expression over the type, agent, target and metadata text; case-insensitive unless it holds a capital (trace -g 'rate limit')"],
          ["--since WHEN", 'from WHEN on (trace --since "2h ago")'],
          ["--until WHEN", "up to WHEN"],
          ["-n N", "only the last N events"],
          ["--reverse", "newest first"],
          ["--json", "the stored lines, untouched, as NDJSON (trace --json | jq .); the same as -o json"],
          ["-o, --output MODE", "short (default), short-precise (milliseconds), verbose (every field, the metadata pretty), json, json-pretty, cat (the description only)"],
          ["--output-fields F,…", "with -o json, json-pretty or verbose: only these fields (id, agent_id, metadata.model, …)"],
          ["--utc", "show times in UTC (default: local time)"],
          ["--plain", "parse every line (the slow reference path the fast one must equal)"],
          ["-f, --follow", "print the last N matching events (default 10; with --since, every one since then), then each new one, until Ctrl-C"],
          DIRS_FLAG,
          DB_FLAG,
          ["--space PATH", "a space-os space.db, one of its per-primitive databases, or a folder of them, read with the day files (default: TRACE_SPACE, and the .space/ that holds the store)"],
          SPACE_TZ_FLAG,
          ["--no-sources", "read the day files only"],
          ["--no-redact", "show the stored bytes: no masking by the store's policy or tombstones (trace redact --help)"],
          ["--no-index", "read every day whole, without the indexes of old days (trace task-42 --no-index; trace index --help)"],
        ],
      },
      {
        title: "Causality",
        flags: [
          ["--causality X", "the cause → effect tree around event X (id, or unique suffix of 8+ characters) or around the first event of target X"],
          ["--depth N", "draw N levels below the root at most"],
          ["--max-children N", 'draw N children per node at most (default 50), then "… N more"'],
          ["--relative", "each node's time as an offset from the root (+6m00s) rather than a clock time; every node also shows its duration and, in red with ✗, its failure"],
          ["--infer", "link parentless events to a likely cause, drawn ┄>: a spawn to the message that @mentioned its agent in its channel just before; another event to the same agent's previous event in its session (metadata.session_id)"],
          ["--infer-window AGE", "how far back --infer looks (default 5s)"],
        ],
      },
      {
        title: "Cursors (polling: everything since the last look, exactly once)",
        flags: [
          ["--cursor-file F", "print only what reached the store after the position F holds (everything, when F does not exist yet), then write the new position to F (a temporary name, renamed); with -f, after each round"],
          ["--after-cursor C", "print only what reached the store after cursor C"],
          ["--show-cursor", 'print "-- cursor: C" after the events (on stderr with --json)'],
        ],
      },
      { title: "Other", flags: [["--help, -h", "this page; on a command, its page"], ["--version", "the version"]] },
    ],
    notes: [
      'WHEN: 2h ago, 2 hours ago, -2h, 2h, 1h30m ago, yesterday, today, now, 2026-11-21, "2026-11-21 14:00", 2026-11-21T14:00:00Z, @1763733600, "last wake" (latest wake of --agent or TARGET), "when TARGET created" (first event of TARGET).',
      "Order: time, then causes before effects within a millisecond, then id.",
      "Flags may come before a subcommand (trace --dir D validate); after -- every word is a TARGET (trace -- index). A slip (an unknown flag, subcommand or --format) exits 2 with the nearest known name; a name that matches nothing is told with the nearest the store holds.",
      "Exit codes: 0 ok (also when nothing matched), 1 failure (a day file that could not be read, the rest still printed), 2 bad usage or bad input.",
      'Run "trace emit --help", "trace validate --help", "trace prune --help", "trace export --help", "trace view --help", "trace index --help" or "trace completion --help" for more.',
    ],
  },
  {
    name: "emit",
    summary: "append one event and print its id",
    usage: ["trace emit PRIMITIVE EVENT_TYPE [--agent A] [--target T] [--parent ID] [--meta JSON] [--private [--reason R] | --redact KEY,…] [--fsync] [--json]"],
    about: [
      "Appends one event to today's day file and prints its id, so scripts can chain causality:",
      "p=$(trace emit ops create_task --agent zealot-1 --target task-abc123 --meta '{\"title\":\"Build payment system\"}')\ntrace emit ops create_task --target task-sub1 --parent \"$p\"",
    ],
    groups: [
      {
        title: "Flags",
        flags: [
          ["--agent A", "who triggered it"],
          ["--target T", "what it affected"],
          ["--parent ID", "the id of its cause"],
          ["--meta JSON", "payload object (default {})"],
          ["--private", 'store the metadata hidden: {"redacted":true,"reason":…,"digest":"sha256:…"} (the digest of the original, to prove it later); the event itself stays'],
          ["--reason TEXT", "why, with --private"],
          ["--redact KEY,…", 'store just these metadata keys (any depth) hidden, each as {"redacted":true,"digest":…}'],
          ["--fsync", "also survive power loss"],
          ["--json", "print the whole stored event"],
          DIR_FLAG,
        ],
      },
    ],
    notes: ["Schema v1 types (tool_call, capability_check, memory_*) are checked before writing. A day file that is a symlink is refused."],
  },
  {
    name: "validate",
    summary: "check traces against trace schema v1",
    usage: ["trace validate [FILE…|DIR…|-] [--json] [--strict]"],
    about: [
      "Checks tool_call, capability_check and memory_* traces against trace schema v1. Reads day files (the trace is each event's metadata), NDJSON of bare traces, a JSON object or array (streamed), and records nesting events under canonical_events / memory_events. A DIR is read as a store: its day files. With no FILE, validates the store's day files and its sources (every row of the space-os databases read: each time that cannot be read, table without a column, unknown schema version or unreadable database a line, then a sources line); \"-\" reads standard input. The totals line also counts the day-file events that carry no trace (ops, bridge, …), skipped.",
    ],
    groups: [
      {
        title: "Flags",
        flags: [
          ["--json", "one JSON object per problem, then a summary object"],
          ["--strict", "unknown trace types are errors, not notes"],
          ["--dir DIR …", "the store to validate when no FILE is given; more than once for several"],
          ["--space PATH", "a space.db, a per-primitive file or a folder of them, validated with the store"],
          SPACE_TZ_FLAG,
          ["--no-sources", "the day files only"],
        ],
      },
    ],
    notes: ["Exit: 0 all valid, 1 violations found, 2 unreadable input (the rest still checked)."],
  },
  {
    name: "prune",
    summary: "retention and compaction of old day files",
    usage: [
      "trace prune [--older-than AGE] [--compress-after AGE] [--dry-run] [--json]",
      "trace seal [--key FILE] [--json]; trace verify [--key FILE] [--json]",
      "trace prune --set-retention AGE [--auto] [--compress-after AGE]",
      "trace prune --show-retention",
      "trace prune --db URL [--older-than AGE] [--dry-run] [--json]",
    ],
    about: [
      "Deletes day files whose whole UTC day ended more than AGE ago (default: the store's retention setting, else 30d); optionally gzips younger past days. Today's and later files and anything that is not a day file are never touched; a symlink with a day file's name is noted and left alone. Then every sealed day gets its index (trace index --help), so the first query of a compressed day inflates a few of its members.",
    ],
    groups: [
      {
        title: "Flags",
        flags: [
          ["--older-than AGE", '30d, 12h, "2 weeks"'],
          ["--compress-after AGE", "gzip whole past days older than AGE to YYYY-MM-DD.ndjson.gz"],
          ["--dry-run", "say what would happen, change nothing"],
          ["--json", "one JSON object per action"],
          ["--set-retention AGE", 'keep AGE as the store\'s rule ("none" clears it)'],
          ["--auto", "with --set-retention: writers prune once a day by themselves"],
          ["--show-retention", "print the store's rule"],
          ["--db URL", "apply the rule to the central database instead: drop the partition of each whole day older than AGE (default: the store's retention, else 30d); named here, never taken from TRACE_DB"],
          DIR_FLAG,
        ],
      },
    ],
    notes: [],
  },
  {
    name: "sources",
    summary: "the space-os databases read with the day files",
    usage: ["trace sources [--space PATH] [--space-tz ZONE] [--utc] [--json]"],
    about: [
      "Lists the databases the space-os primitives keep that queries read beside the day files (read-only): the per-primitive files (events.db, bridge.db, memory.db, knowledge.db, spawn.db) and the unified space.db in the .space/ that holds the store, and the one --space or TRACE_SPACE names; for each, its layout, the rows of each table, and the time its events span. space.db keeps two clocks: its messages, channels and knowledge are UTC (SQL's own default); its spawns, tasks and memories are naive local time of the machine that wrote them, read in --space-tz / TRACE_SPACE_TZ (default: this machine's zone). A database is known by its tables and columns, never by PRAGMA user_version; what it lacks of them is one line. Times print in the local zone, or UTC with --utc.",
    ],
    groups: [
      {
        title: "Flags",
        flags: [
          ["--space PATH", "a database, or a folder of them"],
          SPACE_TZ_FLAG,
          ["--utc", "show the times its events span in UTC (default: local time)"],
          ["--json", "one JSON object per database"],
          DIR_FLAG,
        ],
      },
    ],
    notes: ["Reading them needs better-sqlite3 (an optional dependency): without it, queries say so once and read the day files."],
  },
  {
    name: "import",
    summary: "copy the sources' events into day files, once",
    usage: ["trace import [--space PATH] [--dry-run] [--json]"],
    about: [
      "Appends to the store's day files every event of the sources that the store does not hold yet (by its id, derived from its row), so that the history outlives the databases and retention and export see it. A second import adds nothing.",
    ],
    groups: [
      {
        title: "Flags",
        flags: [
          ["--space PATH", "a database, or a folder of them"],
          SPACE_TZ_FLAG,
          ["--dry-run", "say how many would be imported, write nothing"],
          ["--json", "the counts as one JSON object"],
          DIR_FLAG,
        ],
      },
    ],
    notes: [],
  },
  EXPORT_PAGE,
  {
    name: "redact",
    summary: "hide an event's payload after the fact; the store's masking policy",
    usage: [
      "trace redact ID --reason TEXT [--agent A] [--json]",
      "trace redact --show-policy | --add-key K,… | --add-pattern RE | --without-defaults | --with-defaults | --off | --on [--json]",
      "trace redact --rebuild",
    ],
    about: [
      "An event is never dropped from the history: what can be hidden is its metadata, and its id, time, primitive, type, agent, target and parent always stay, so timelines, trees and counts stay true. trace redact ID appends a tombstone (primitive trace, event_type redact, parent ID) that every reader applies: ID's metadata is shown as {\"redacted\":true,\"reason\":…,\"by\":…,\"tombstone\":…}. No file is rewritten; the stored bytes go only with retention.",
      "The policy masks, on the way out (timelines, trees, --json, every export), the values of metadata keys (at any depth, in any case and any JSON spelling) and the parts of strings that match its patterns, as \"[redacted]\". It is on by default (keys such as password, token, api_key, authorization; patterns such as Bearer tokens, sk-… keys, GitHub and Slack tokens, AWS key ids, JWTs, private key blocks); --show-policy lists it. trace --no-redact shows the stored bytes; exports always mask.",
      "Tombstones are found through redactions.ndjson beside the day files, which this project's writers keep; --rebuild writes it anew from the day files (for tombstones written by other means).",
    ],
    groups: [
      {
        title: "Flags",
        flags: [
          ["--reason TEXT", "why (required with ID)"],
          ["--agent A", "who redacts"],
          ["--show-policy", "the keys and patterns masked"],
          ["--add-key K,…", "mask these metadata keys too"],
          ["--add-pattern RE", "mask what this regular expression matches in strings too"],
          ["--without-defaults, --with-defaults", "without, or with, the default keys and patterns, in what is printed here (exports keep them)"],
          ["--off, --on", "masking by the policy off in what is printed here (tombstones still apply; exports still mask), or on"],
          ["--rebuild", "the tombstone registry anew from the day files"],
          ["--json", "the tombstone, or the policy, as JSON"],
          DIR_FLAG,
        ],
      },
    ],
    notes: [],
  },
  {
    name: "completion",
    summary: "print the shell completion script",
    usage: ["trace completion bash|zsh|fish"],
    about: [
      'Prints a script that completes commands, flags and their values — agent ids, targets and channels read from the store\'s latest days. Load it with: source <(trace completion bash) (bash, in ~/.bashrc), source <(trace completion zsh) (zsh, in ~/.zshrc), trace completion fish | source (fish, in config.fish).',
    ],
    groups: [],
    notes: [],
  },
  VIEW_PAGE,
  RECEIVE_PAGE,
  DB_PAGE,
  SHIP_PAGE,
  INDEX_PAGE,
  SEAL_PAGE,
  VERIFY_PAGE,
];

/**
 * The page of `name`.
 *
 * @example
 * pageOf("emit").usage[0]; // "trace emit PRIMITIVE EVENT_TYPE …"
 */
export function pageOf(name: string): Page {
  return PAGES.find((p) => p.name === name) ?? PAGES[0]!;
}
