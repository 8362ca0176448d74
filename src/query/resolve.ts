/** WHEN expressions resolved against the store: `last wake`, `when TARGET created`. */
import { UsageError } from "../errors.js";
import { parseWhen, type TimeContext, type When } from "../time.js";
import type { IndexOption } from "./indexed.js";
import { findFirstOwn, findLastWake } from "./lookup.js";
import { readQuerySources, type QuerySources } from "./sources.js";
import type { DatabaseBackend } from "./backend.js";

/** What resolving `last wake` and `when X created` may look at. */
export interface ResolveContext extends TimeContext {
  dir: string;
  /** The `--agent` of the query (else its TARGET), for `last wake`. */
  agent?: string | undefined;
  /** The sources looked at beside the day files. */
  sources?: QuerySources | undefined;
  /** The indexes of sealed days: used unless `false`. */
  index?: IndexOption;
  /** A central database, looked in instead of the store. */
  database?: DatabaseBackend | undefined;
}

/**
 * Parses and resolves a WHEN expression to milliseconds, looking in the store for
 * `last wake` (the latest `wake` of the agent) and `when TARGET created` (its first event).
 *
 * @example
 * await resolveWhen("last wake", { dir, now: Date.now(), agent: "zealot-1" }, "--since");
 */
export async function resolveWhen(text: string, ctx: ResolveContext, flag: string): Promise<number> {
  const when: When = parseWhen(text, ctx, flag);
  if (when.kind === "time") return when.ms;
  if (when.kind === "last-wake") {
    if (ctx.agent === undefined) throw new UsageError(`${flag} "last wake" needs --agent (or an agent as TARGET): whose wake?`);
    const agent = ctx.agent;
    const fromDb = ctx.database && (await ctx.database.lastWake(agent));
    if (ctx.database && fromDb === undefined) throw new UsageError(`${flag} "last wake": no wake event of ${agent} in the database`);
    if (fromDb !== undefined) return fromDb;
    const wakes = ctx.sources ? await readQuerySources(ctx.dir, quiet(ctx.sources), { agent, primitive: "spawn" }) : [];
    const fromSources = wakes.findLast((h) => h.event.agent_id === agent && h.event.event_type === "wake")?.event.timestamp;
    const fromFiles = (await findLastWake(ctx.dir, agent, { index: ctx.index }))?.timestamp;
    const ms = fromSources === undefined ? fromFiles : fromFiles === undefined ? fromSources : Math.max(fromSources, fromFiles);
    if (ms === undefined) throw new UsageError(`${flag} "last wake": no wake event of ${ctx.agent} in the store`);
    return ms;
  }
  if (ctx.database) {
    const first = await ctx.database.firstOwn(when.target);
    if (first === undefined) throw new UsageError(`${flag} "when ${when.target} created": no event of ${when.target} in the database`);
    return first;
  }
  const own = ctx.sources ? await readQuerySources(ctx.dir, quiet(ctx.sources), { target: when.target }) : [];
  const fromSources = own.find((h) => h.event.agent_id === when.target || h.event.target_id === when.target)?.event.timestamp;
  const fromFiles = (await findFirstOwn(ctx.dir, when.target, { index: ctx.index }))?.timestamp;
  const ms = fromSources === undefined ? fromFiles : fromFiles === undefined ? fromSources : Math.min(fromSources, fromFiles);
  if (ms === undefined) throw new UsageError(`${flag} "when ${when.target} created": no event of ${when.target} in the store`);
  return ms;
}

/**
 * Resolves `--since` and `--until` together; an `--until` earlier than `--since` is a
 * UsageError (it could match nothing).
 *
 * @example
 * const { since, until } = await resolveRange("2h ago", "1h ago", { dir, now: Date.now() });
 */
export async function resolveRange(since: string | undefined, until: string | undefined, ctx: ResolveContext): Promise<{ since?: number; until?: number }> {
  const range: { since?: number; until?: number } = {};
  if (since !== undefined) range.since = await resolveWhen(since, ctx, "--since");
  if (until !== undefined) range.until = await resolveWhen(until, ctx, "--until");
  if (range.since !== undefined && range.until !== undefined && range.until < range.since) {
    throw new UsageError(`--until ${JSON.stringify(until)} is earlier than --since ${JSON.stringify(since)}: nothing can match`);
  }
  return range;
}

/** The sources without their notes: the query's own read tells its problems once. */
function quiet(sources: QuerySources): QuerySources {
  return { ...sources, onNote: undefined };
}
