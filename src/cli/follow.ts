import { follow, writeCursorFile } from "../index.js";
import { createStyle, renderInMode, wantsColour } from "../api/render.js";
import type { Parsed } from "./args.js";
import { badLines, printingOf, questionOf, readingOf, databaseOf, type CliContext } from "./context.js";
import { cursorOf, saveCursor } from "./cursor.js";

const NEWLINE = Buffer.from("\n");

/** `trace -f`: the last N matching events, then each new one until Ctrl-C, a closed pipe or --until. */
export async function runFollow(p: Parsed, ctx: CliContext): Promise<number> {
  const question = questionOf(p);
  const { mode, fields } = printingOf(p);
  const bad = badLines(ctx);
  const stop = new AbortController();
  const abort = (): void => stop.abort();
  process.once("SIGINT", abort);
  process.once("SIGTERM", abort);
  ctx.out.onClose(abort);
  const style = createStyle(wantsColour(ctx.stdout, ctx.env));
  const view = question.target !== undefined ? { target: question.target } : { agent: question.agent };
  const cursor = cursorOf(p, ctx);
  const file = p.values["cursor-file"];
  let position: string | undefined;
  try {
    for await (const hit of follow(question, {
      ...readingOf(p, ctx, bad),
      ...cursor,
      signal: stop.signal,
      // Each round's position is written once its events are out: a restart resumes there.
      onPosition: async (at) => {
        position = at;
        await ctx.out.flush();
        if (file !== undefined && !ctx.out.closed) writeCursorFile(file, at);
      },
    })) {
      if (ctx.out.closed) break;
      // --json writes the stored bytes, even those that are not UTF-8 (their text then holds U+FFFD).
      if (mode === "json" && !fields && hit.bytes && hit.line.includes("\uFFFD")) await ctx.out.bytes(Buffer.concat([hit.bytes, NEWLINE]));
      else await ctx.out.line(renderInMode(hit.event, hit.line, { mode, fields, utc: p.switches.utc === true, view, style, store: ctx.dirs.length > 1 || databaseOf(p, ctx) !== undefined ? hit.store : undefined, agents: question.agent === undefined }));
      ctx.out.flushSoon();
    }
    await ctx.out.flush();
    await saveCursor(p, ctx, position, false);
  } finally {
    process.off("SIGINT", abort);
    process.off("SIGTERM", abort);
  }
  return bad.code;
}
