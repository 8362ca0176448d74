import { recentValues, UsageError, type Question } from "../index.js";
import { didYouMean, nearest } from "../api/render.js";
import type { Parsed } from "./args.js";

/** What is said of nothing matched when no name asked for is near one the store holds. */
const NO_MATCH = "no matching events";

/**
 * What to say when a question matched nothing: `no matching events`, with the names the
 * store holds nearest each name asked for (`--agent codr-1`: `did you mean coder-1?`).
 * A TARGET spelled near a subcommand is a usage error: `trace valdate` checked nothing.
 *
 * @example
 * ctx.warn(noMatch({ agent: "codr-1" }, parsed, ".space/trace"));
 */
async function noMatch(question: Question, p: Parsed, dir: string): Promise<string> {
  await commandSlip(p);
  const asked: [string, string | undefined, "targets" | "agents" | "channels"][] = [
    ["TARGET", question.target, "targets"],
    ["--agent", question.agent, "agents"],
    ["--task", question.task, "targets"],
    ["--channel", question.channel?.replace(/^#/, ""), "channels"],
  ];
  // The store's recent names are read only when a name was asked for: a window or a type alone has none to offer.
  if (asked.every(([, value]) => value === undefined)) return NO_MATCH;
  const held = recentValues(dir);
  const hints = asked.flatMap(([flag, value, kind]) => {
    const names = held[kind];
    if (value === undefined || names.includes(value)) return [];
    const near = didYouMean(value, names);
    return near ? [`${flag} ${value}: ${near}`] : [];
  });
  return hints.length === 0 ? NO_MATCH : `${NO_MATCH} (${hints.join("; ")})`;
}

/**
 * Fails as an unknown command when the TARGET, a bare word not given after `--`, is
 * spelled near a subcommand's name: said when it matched nothing, or when there is no
 * store to look in.
 *
 * @example
 * await commandSlip(parseFlags(["valdate"], QUERY_FLAGS)); // throws: unknown command valdate; did you mean validate? …
 */
export async function commandSlip(p: Parsed): Promise<void> {
  const target = p.words[0];
  if (target === undefined || p.literal.includes(target) || !/^[a-z]+$/.test(target)) return;
  // The commands' flags (and the manual they come from) load only here: a question that matched something never needs them.
  const { COMMAND_FLAGS } = await import("./flags.js");
  const command = nearest(target, Object.keys(COMMAND_FLAGS), 1)[0];
  if (command) throw new UsageError(`unknown command ${target}; did you mean ${command}? (a target spelled like one: trace -- ${target})`);
}

/**
 * Says that nothing matched, on stderr; `pipe` (JSON for a program) says it only when
 * there is a name to offer.
 *
 * @example
 * if (rows === 0) await tellNoMatch(question, parsed, ctx, false);
 */
export async function tellNoMatch(question: Question, p: Parsed, ctx: { dir: string; warn(message: string): void }, pipe: boolean): Promise<void> {
  const said = await noMatch(question, p, ctx.dir);
  if (!pipe || said !== NO_MATCH) ctx.warn(said);
}
