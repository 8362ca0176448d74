import { UsageError } from "../errors.js";
import { listDayFiles } from "../store/layout.js";
import { fastFile } from "./scan.js";
import { parseWhen, type TimeContext, type When } from "./time.js";

/** What resolving `last wake` and `when X created` may look at. */
export interface ResolveContext extends TimeContext {
  dir: string;
  /** The `--agent` of the query, for `last wake`. */
  agent?: string | undefined;
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
    if (ctx.agent === undefined) throw new UsageError(`${flag} "last wake" needs --agent: whose wake?`);
    const ms = await lastWake(ctx.dir, ctx.agent);
    if (ms === undefined) throw new UsageError(`${flag} "last wake": no wake event of ${ctx.agent} in the store`);
    return ms;
  }
  const ms = await firstEventOf(ctx.dir, when.target);
  if (ms === undefined) throw new UsageError(`${flag} "when ${when.target} created": no event of ${when.target} in the store`);
  return ms;
}

/** Timestamp of the agent's latest `wake` event, newest day first. */
export async function lastWake(dir: string, agent: string): Promise<number | undefined> {
  for (const file of listDayFiles(dir).reverse()) {
    let latest: number | undefined;
    for await (const batch of fastFile(file, { agent })) {
      for (const { event } of batch) {
        if (event.event_type === "wake" && (latest === undefined || event.timestamp > latest)) latest = event.timestamp;
      }
    }
    if (latest !== undefined) return latest;
  }
  return undefined;
}

/** Timestamp of the first event acting as or on the target, oldest day first. */
export async function firstEventOf(dir: string, target: string): Promise<number | undefined> {
  for (const file of listDayFiles(dir)) {
    let first: number | undefined;
    for (const filter of [{ task: target }, { agent: target }]) {
      for await (const batch of fastFile(file, filter)) {
        for (const { event } of batch) if (first === undefined || event.timestamp < first) first = event.timestamp;
      }
    }
    if (first !== undefined) return first;
  }
  return undefined;
}
