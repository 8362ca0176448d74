/** What is asked, as data: the same words the command line takes. */
import type { Asked, Read } from "../query/asked.js";
import { resolveRange, type ResolveContext } from "../query/resolve.js";
import { UsageError } from "../errors.js";

/**
 * A question: a timeline (`target`), a filtered listing, or the tree around an event
 * (`causality`), bounded in time. Every field is optional; none asks for every event.
 */
export interface Question {
  /** A timeline: the events of this task, agent or channel, and everything they caused. */
  target?: string | undefined;
  /** One event: `id` equals. */
  id?: string | undefined;
  /** `agent_id` equals. */
  agent?: string | undefined;
  /** `target_id` equals (a task id). */
  task?: string | undefined;
  /** A bridge event on this channel (`#` optional). */
  channel?: string | undefined;
  /** `primitive` equals. */
  primitive?: string | undefined;
  /** `event_type` equals (`--type`). */
  type?: string | undefined;
  /** `error`: events that say they failed; another word: `metadata.status` equals it (`--status`). */
  status?: string | undefined;
  /** A regular expression over the type, agent, target and metadata text (`--grep`): case-insensitive unless it holds a capital. */
  grep?: string | undefined;
  /** From this time: a WHEN (`2h ago`, `2026-11-21 14:00`, `last wake`, `when TARGET created`, see `parseWhen`) or milliseconds. */
  since?: string | number | undefined;
  /** Up to this time, as `since`. */
  until?: string | number | undefined;
  /** Calendar words in `since`/`until` are UTC rather than the local zone. */
  utc?: boolean | undefined;
  /** Only the last N matching events (for `follow`, the backlog shown first; default 10 there). */
  limit?: number | undefined;
  /** Newest first. */
  reverse?: boolean | undefined;
  /** The tree around this event id, id suffix (8+ characters) or target. */
  causality?: string | undefined;
  /** In a tree, parentless events linked to the same agent's previous event of the session (marked inferred). */
  infer?: boolean | undefined;
  /** How far back `infer` looks (ms); default 5 s. */
  inferWindowMs?: number | undefined;
  /** Pictures of a tree (DOT, Mermaid): levels below the root, and children per node, before "… N more". */
  depth?: number | undefined;
  maxChildren?: number | undefined;
}

/**
 * The question as the query layers take it: WHEN words resolved against the stores
 * (`last wake` and `when X created` look there), a channel's `#` dropped. An `until`
 * before `since` is a UsageError.
 *
 * @example
 * const asked = await resolveQuestion({ agent: "haiku-1", since: "2h ago" }, read, Date.now());
 */
export async function resolveQuestion(q: Question, read: Read, now: number): Promise<Asked> {
  const filter = { id: q.id, agent: q.agent, task: q.task, channel: q.channel?.replace(/^#/, ""), primitive: q.primitive, type: q.type, status: q.status, grep: pattern(q.grep) };
  const ctx: ResolveContext = { dir: read.dirs[0]!, now, utc: q.utc, agent: q.agent ?? q.target, sources: read.sources, index: read.index, database: read.database };
  const range = await resolveRange(word(q.since), word(q.until), ctx);
  return { target: q.target, filter: { ...filter, ...range }, limit: q.limit, reverse: q.reverse };
}

/** `--grep` as journalctl reads it: case-insensitive unless the pattern holds a capital. */
function pattern(grep: string | undefined): RegExp | undefined {
  if (grep === undefined) return undefined;
  try {
    return new RegExp(grep, /\p{Lu}/u.test(grep) ? "u" : "iu");
  } catch (err) {
    throw new UsageError(`--grep ${JSON.stringify(grep)}: ${(err as Error).message.replace(/^Invalid regular expression: /, "")}`);
  }
}

/** Milliseconds as the WHEN that says them exactly. */
function word(when: string | number | undefined): string | undefined {
  return typeof when === "number" ? `@${when / 1000}` : when;
}
