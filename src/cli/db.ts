import { initDatabase, UsageError } from "../index.js";
import type { Parsed } from "./args.js";
import type { CliContext } from "./context.js";

/** `trace db init [--db URL]`: the central database's schema, created or migrated. */
export async function runDb(p: Parsed, ctx: CliContext): Promise<number> {
  const [verb, ...rest] = p.words;
  if (verb !== "init") throw new UsageError(verb === undefined ? "db: say what to do: trace db init" : `db ${verb}: unknown; trace db init`);
  if (rest.length > 0) throw new UsageError(`db init takes no more words, got: ${rest.join(" ")}`);
  const { from, to } = await initDatabase(p.values.db ?? (ctx.env.TRACE_DB === "" ? undefined : ctx.env.TRACE_DB));
  await ctx.out.line(from === to ? `the trace schema is at version ${to}: nothing to do` : from === 0 ? `created the trace schema, version ${to}` : `migrated the trace schema from version ${from} to ${to}`);
  await ctx.out.flush();
  return 0;
}
