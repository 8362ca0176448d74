import { query } from "../index.js";
import { createStyle, renderInMode, timelineHeader, wantsColour, type View } from "../api/render.js";
import type { Parsed } from "./args.js";
import { badLines, printingOf, questionOf, readingOf, requireStores, databaseOf, type CliContext } from "./context.js";
import { cursorOf, saveCursor } from "./cursor.js";
import { indexUseOf } from "./index-background.js";
import { commandSlip, tellNoMatch } from "./no-match.js";

/** `trace [TARGET] [filters]`: the timeline or filtered listing, human or NDJSON. */
export async function runQuery(p: Parsed, ctx: CliContext): Promise<number> {
  const bad = badLines(ctx);
  const question = questionOf(p);
  try {
    requireStores(p, ctx);
  } catch (err) {
    await commandSlip(p);
    throw err;
  }
  const printing = printingOf(p);
  const indexUse = indexUseOf(p, ctx);
  const cursor = cursorOf(p, ctx);
  const answer = query(question, { ...readingOf(p, ctx, bad, indexUse.option), ...cursor });
  const out = ctx.out;
  if (printing.mode === "json" && !printing.fields) {
    let bytes = 0;
    // Written before the next is asked for, when no stream holds it: lent chunks reuse their pages.
    for await (const chunk of answer.ndjson({ lend: out.writesNow })) {
      if (out.closed) break;
      bytes += chunk.length;
      await out.bytes(chunk);
    }
    await out.flush();
    if (bytes === 0 && !cursor) await tellNoMatch(question, p, ctx, true);
    await saveCursor(p, ctx, answer.position);
    await indexUse.done();
    return bad.code;
  }
  const style = createStyle(wantsColour(ctx.stdout, ctx.env));
  const { target, task, agent } = question;
  const view: View = target !== undefined ? { target } : task !== undefined ? { target: task } : { agent };
  let rows = 0;
  const many = ctx.dirs.length > 1 || databaseOf(p, ctx) !== undefined;
  // One agent asked for is named in the header; any other answer may span several.
  const agents = agent === undefined;
  const { mode, fields } = printing;
  // Rows for a person have a header; the description alone and JSON do not.
  const headed = mode === "short" || mode === "short-precise" || mode === "verbose";
  for await (const batch of answer.batches()) {
    if (out.closed) break;
    if (batch.length === 0) continue;
    if (rows === 0 && headed) {
      const header = timelineHeader({ ...question, channel: question.channel?.replace(/^#/, ""), title: answer.title });
      if (header) await out.line(style.bold(header));
    }
    rows += batch.length;
    await out.lines(batch.map((hit) => renderInMode(hit.event, hit.line, { mode, fields, utc: p.switches.utc === true, view, style, store: many ? hit.store : undefined, agents })));
  }
  await out.flush();
  if (rows === 0 && !cursor) await tellNoMatch(question, p, ctx, mode === "json" || mode === "json-pretty");
  await saveCursor(p, ctx, answer.position);
  await indexUse.done();
  return bad.code;
}
