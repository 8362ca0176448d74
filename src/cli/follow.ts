import { toNdjson } from "../engine/facade.js";
import { follow } from "../query/follow.js";
import { createRedactor } from "../query/redactor.js";
import { resolveRange } from "../query/resolve.js";
import { renderRow } from "../render/timeline.js";
import { createStyle, wantsColour } from "../render/text.js";
import { parseCount, type Parsed } from "./args.js";
import { badLines, sourcesOf, type CliContext } from "./context.js";
import { cursorOf, saveCursor } from "./cursor.js";
import { filterFlags } from "./query.js";
import { writeCursorFile } from "../store/cursor.js";

/** `trace -f`: the last N matching events, then each new one until Ctrl-C, a closed pipe or --until. */
export async function runFollow(p: Parsed, ctx: CliContext): Promise<number> {
  const filter = filterFlags(p);
  const target = p.words[0];
  const bad = badLines(ctx);
  const sources = sourcesOf(p, ctx, bad);
  const when = { dir: ctx.dir, now: Date.now(), utc: p.switches.utc, agent: filter.agent ?? target, sources };
  const { since, until } = await resolveRange(p.values.since, p.values.until, when);
  const stop = new AbortController();
  const abort = (): void => stop.abort();
  process.once("SIGINT", abort);
  process.once("SIGTERM", abort);
  ctx.out.onClose(abort);
  const style = createStyle(wantsColour(ctx.stdout, ctx.env));
  const view = target !== undefined ? { target } : { agent: filter.agent };
  const cursor = cursorOf(p, ctx, sources);
  const redactor = createRedactor(ctx.dir, { off: p.switches["no-redact"] });
  const file = p.values["cursor-file"];
  try {
    for await (const hit of follow({
      dir: ctx.dir,
      target,
      filter: { ...filter, since, until },
      backlog: parseCount(p.values.n, "-n") ?? 10,
      signal: stop.signal,
      onNote: ctx.warn,
      onBad: bad.onBad,
      sources,
      dirs: ctx.dirs,
      cursor,
      // Each round's position is written once its events are out: a restart resumes there.
      onPosition: async (position) => {
        await ctx.out.flush();
        if (file !== undefined && !ctx.out.closed) writeCursorFile(file, position);
      },
    })) {
      if (ctx.out.closed) break;
      const shown = redactor.hit(hit);
      // --json writes the stored bytes, even those that are not UTF-8 (their text then holds U+FFFD).
      if (p.switches.json && shown.line.includes("\uFFFD")) await ctx.out.bytes(toNdjson([shown]));
      else await ctx.out.line(p.switches.json ? shown.line : renderRow(shown.event, { utc: p.switches.utc === true, view, style, store: ctx.dirs.length > 1 ? hit.store : undefined }));
      ctx.out.flushSoon();
    }
    await ctx.out.flush();
    await saveCursor(p, ctx, cursor?.next, false);
  } finally {
    process.off("SIGINT", abort);
    process.off("SIGTERM", abort);
  }
  return bad.code;
}
