import { emit, UsageError } from "../index.js";
import type { Parsed } from "./args.js";
import type { CliContext } from "./context.js";

/** Reads `--meta JSON` as an object, naming the flag when it is not one. */
export function parseMeta(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--meta: not valid JSON (${(err as Error).message})`);
  }
  // JSON.parse makes plain objects only: an object here is one.
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new UsageError("--meta: expected a JSON object such as '{\"reason\":\"need API key\"}'");
  return value as Record<string, unknown>;
}

/** `trace emit PRIMITIVE EVENT_TYPE …`: appends one event and prints its id (or the line with --json). */
export async function runEmit(p: Parsed, ctx: CliContext): Promise<number> {
  const [primitive, eventType, ...rest] = p.words;
  if (primitive === undefined || eventType === undefined) throw new UsageError("emit needs PRIMITIVE and EVENT_TYPE, e.g. trace emit ops create_task --target task-1");
  if (rest.length > 0) throw new UsageError(`emit: unexpected argument ${JSON.stringify(rest[0])}; pass payload with --meta JSON`);
  if (p.values.reason !== undefined && !p.switches.private) throw new UsageError("--reason goes with --private");
  if (p.switches.private && p.values.redact !== undefined) throw new UsageError("--private hides the whole metadata: --redact is for some keys only");
  const event = emit(
    {
      primitive,
      event_type: eventType,
      agent_id: p.values.agent ?? null,
      target_id: p.values.target ?? null,
      parent_event_id: p.values.parent ?? null,
      metadata: parseMeta(p.values.meta),
      ...(p.switches.private ? { private: true } : {}),
      ...(p.values.reason !== undefined ? { reason: p.values.reason } : {}),
      ...(p.values.redact !== undefined ? { redact: redactList(p.values.redact) } : {}),
    },
    { dir: ctx.dir, fsync: p.switches.fsync },
  );
  await ctx.out.line(p.switches.json ? JSON.stringify(event) : event.id);
  await ctx.out.flush();
  return 0;
}

/** `--redact KEY,…` as its keys. */
function redactList(text: string): string[] {
  const keys = text.split(",").map((k) => k.trim()).filter((k) => k !== "");
  if (keys.length === 0) throw new UsageError("--redact: name the keys, e.g. --redact api_key,prompt");
  return keys;
}
