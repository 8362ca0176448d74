/** The man page's sections beside the manual's pages: examples and the environment. */

/** The man page's EXAMPLES: what each answers, and the command. */
export const EXAMPLES: readonly (readonly [string, string])[] = [
  ["what happened to a task, and everything it caused", "trace task-abc123"],
  ["what an agent did since it last woke", 'trace --agent zealot-1 --since "last wake"'],
  ["why: the cause → effect tree around an event or a task", "trace --causality task-abc123"],
  ["what failed in the last two hours, to the millisecond", 'trace --status error --since "2h ago" -o short-precise'],
  ["every event whose text mentions a rate limit", "trace -g 'rate limit'"],
  ["an agent's AI calls for jq", "trace --agent coder-1 --type ai_call --json | jq .metadata.model"],
  ["what happens now, in a spare terminal", "trace -f"],
  ["the tree as a picture", "trace export --format dot --causality task-abc123 | dot -Tsvg > tree.svg"],
  ["a space-os workspace written on a machine in Sydney", "trace --space .space --space-tz Australia/Sydney --channel dev"],
  ["a target spelled like a subcommand", "trace -- index"],
];

/** The man page's ENVIRONMENT: each variable and what it does. */
export const ENVIRONMENT: readonly (readonly [string, string])[] = [
  ["TRACE_DIR", "the store folder when no --dir is given; a : list reads several stores as one history (a writer writes to the first)"],
  ["TRACE_SPACE", "a space-os database or folder read with the day files when no --space is given"],
  ["TRACE_SPACE_TZ", "the zone of the machine that wrote space.db's naive local times when no --space-tz is given (local, UTC, +11:00, Australia/Sydney)"],
  ["TRACE_INDEX=off", "no index builder started in the background"],
  ["TRACE_SIMD=off", "search with the JavaScript paths only (same answers, slower)"],
  ["NO_COLOR", "no colour, even on a terminal"],
  ["TRACE_DEBUG", "print a stack with an error (the CLI then runs its unbundled modules, whose stacks name their files)"],
];
