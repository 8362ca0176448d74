import { eventsOf } from "../engine/facade.js";
import { UsageError } from "../errors.js";
import type { View } from "../render/describe.js";
import { createStyle, wantsColour } from "../render/text.js";
import { renderRow, timelineHeader } from "../render/timeline.js";
import type { Filter } from "../query/filter.js";
import { queryBatches, queryNdjson, type QueryOptions } from "../query/query.js";
import { parseCount, type Parsed } from "./args.js";
import { badLines, requireStore, sourcesOf, type CliContext } from "./context.js";
import { cursorOf, saveCursor } from "./cursor.js";
import { indexUseOf } from "./index-background.js";

/** The plain filters named on the command line. */
export function filterFlags(p: Parsed): Omit<Filter, "since" | "until"> {
  return {
    agent: p.values.agent,
    task: p.values.task,
    channel: p.values.channel?.replace(/^#/, ""),
    primitive: p.values.primitive,
  };
}

/** `trace [TARGET] [filters]`: the timeline or filtered listing, human or NDJSON. */
export async function runQuery(p: Parsed, ctx: CliContext): Promise<number> {
  const bad = badLines(ctx);
  const sources = sourcesOf(p, ctx, bad);
  for (const dir of ctx.dirs) requireStore(dir, sources);
  if (p.words.length > 1) throw new UsageError(`one TARGET at most, got ${p.words.length}: ${p.words.join(" ")}`);
  const target = p.words[0];
  const filter = filterFlags(p);
  const info: { title?: string } = {};
  const indexUse = indexUseOf(p, ctx);
  const options: QueryOptions = {
    dir: ctx.dir,
    target,
    filter,
    since: p.values.since,
    until: p.values.until,
    limit: parseCount(p.values.n, "-n"),
    reverse: p.switches.reverse,
    utc: p.switches.utc,
    plain: p.switches.plain,
    onBad: bad.onBad,
    info,
    sources,
    cursor: cursorOf(p, ctx, sources),
    dirs: ctx.dirs,
    redact: !p.switches["no-redact"],
    index: indexUse.option,
  };
  const out = ctx.out;
  if (p.switches.json) {
    for await (const chunk of queryNdjson(options)) {
      if (out.closed) break;
      await out.bytes(chunk);
    }
    await out.flush();
    await saveCursor(p, ctx, options.cursor?.next);
    indexUse.done();
    return bad.code;
  }
  const style = createStyle(wantsColour(ctx.stdout, ctx.env));
  const view: View = target !== undefined ? { target } : filter.task !== undefined ? { target: filter.task } : { agent: filter.agent };
  let rows = 0;
  const many = ctx.dirs.length > 1;
  for await (const batch of queryBatches(options)) {
    if (out.closed) break;
    if (batch.length === 0) continue;
    if (rows === 0) {
      const header = timelineHeader({ ...filter, target, title: info.title });
      if (header) await out.line(style.bold(header));
    }
    rows += batch.length;
    await out.lines(eventsOf(batch).map((hit) => renderRow(hit.event, { utc: p.switches.utc === true, view, style, store: many ? hit.store : undefined })));
  }
  await out.flush();
  if (rows === 0 && !options.cursor) ctx.warn("no matching events");
  await saveCursor(p, ctx, options.cursor?.next);
  indexUse.done();
  return bad.code;
}
