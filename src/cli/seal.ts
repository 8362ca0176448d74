/** `trace seal` and `trace verify`: tamper evidence for the store's ended days. */
import { seal, UsageError, verify, type DayVerdict } from "../index.js";
import type { Parsed } from "./args.js";
import { requireStore, type CliContext } from "./context.js";

/** `trace seal [--key FILE] [--json]`. */
export async function runSeal(p: Parsed, ctx: CliContext): Promise<number> {
  if (p.words.length > 0) throw new UsageError(`seal: unexpected argument ${JSON.stringify(p.words[0])}`);
  requireStore(ctx.dir);
  const { sealed, passed, refused, checkpoint } = await seal(ctx.dir, { keyFile: p.values.key });
  if (p.switches.json) for (const d of [...sealed, ...(checkpoint ? [{ ...checkpoint, checkpoint: true }] : [])]) await ctx.out.line(JSON.stringify(d));
  else {
    const days = `sealed ${sealed.length} day${sealed.length === 1 ? "" : "s"}${sealed.length > 0 ? ` (${sealed[0]!.day}${sealed.length > 1 ? ` … ${sealed.at(-1)!.day}` : ""})` : ""}`;
    await ctx.out.line(`${ctx.dir}: ${days}${checkpoint ? `; ${checkpoint.day} checkpointed at ${checkpoint.bytes} bytes` : ""}`);
  }
  for (const day of passed) ctx.warn(`${day}: ended before the last sealed day and never sealed; trace verify reports it as added`);
  for (const day of refused) ctx.warn(`${day}: no longer holds what its last checkpoint saw; not sealed over (trace verify says where)`);
  await ctx.out.flush();
  return refused.length > 0 ? 1 : 0;
}

/** `trace verify [--key FILE] [--json]`: exit 1 when any sealed day does not hold. */
export async function runVerify(p: Parsed, ctx: CliContext): Promise<number> {
  if (p.words.length > 0) throw new UsageError(`verify: unexpected argument ${JSON.stringify(p.words[0])}`);
  requireStore(ctx.dir);
  const verdicts = await verify(ctx.dir, { keyFile: p.values.key });
  for (const v of verdicts) await ctx.out.line(p.switches.json ? JSON.stringify(v) : describe(v));
  const broken = verdicts.filter((v) => v.fails).length;
  if (!p.switches.json) await ctx.out.line(verdicts.every((v) => v.state === "unsealed") ? `${ctx.dir}: nothing sealed yet (trace seal)` : broken === 0 ? `${ctx.dir}: every sealed day holds` : `${ctx.dir}: ${broken} verdict${broken === 1 ? "" : "s"} against the seals`);
  await ctx.out.flush();
  return broken > 0 ? 1 : 0;
}

function describe(v: DayVerdict): string {
  // The seal places a change within a mebibyte: the one it starts in is named.
  const at = v.offset === undefined ? "" : v.state === "extended" ? ` after byte ${v.offset}` : v.state === "truncated" ? ` at byte ${v.offset}` : ` in the MiB from byte ${v.offset}`;
  return `${v.day} ${v.state}${at}${v.detail ? `: ${v.detail}` : ""}`;
}
