/** The library's door for exports: what leaves the machine, always masked. */
import { once } from "node:events";
import { rename, rm } from "node:fs/promises";
import { createWriteStream, readdirSync, realpathSync, unlinkSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { resolveStoreDirs } from "../store/layout.js";
import { processAlive } from "../store/pid-lock.js";
import type { TraceEvent } from "../event/envelope.js";
import { UsageError } from "../errors.js";
import { didYouMean } from "../suggest.js";
import { EXPORT_FORMATS, type ExportFormat } from "../export/formats.js";
import type { Question } from "./question.js";
import type { Reading } from "./reading.js";
import { maskedTree } from "./tree.js";

/**
 * The export as text, a chunk at a time: a query's events streamed for OTLP and Chrome
 * (memory flat over a whole store) or held by a page (html, up to VIEW_MAX_EVENTS), or
 * the tree `question.causality` names (DOT and Mermaid draw one: they need `causality`,
 * or a `target` as its focus). Masked by each store's policy and tombstones whatever
 * `reading.redact` says.
 *
 * @example
 * for await (const chunk of exportTo("otlp", { causality: "task-abc123" }, { dir: "logs/payments" })) process.stdout.write(chunk);
 */
export async function* exportTo(format: ExportFormat, question: Question = {}, reading: Reading = {}): AsyncGenerator<string> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format ${JSON.stringify(format)}: ${didYouMean(format, EXPORT_FORMATS) ?? `expected one of ${EXPORT_FORMATS.join(", ")}`}`);
  if (question.infer && question.causality === undefined) throw new UsageError("--infer needs --causality: inference looks for a tree's causes");
  const graph = format === "dot" || format === "mermaid";
  const focus = question.causality ?? (graph ? question.target : undefined);
  if (graph && focus === undefined) throw new UsageError(`--format ${format} draws a causality tree: name it with --causality X (or a TARGET)`);
  // What leaves the machine fails closed: the stores' policies and tombstones always apply.
  const [{ resolveBoth }, { exportStream, exportTree, createRootResolver, createRootResolverBy }, { answer }, { readQuerySources }] = await Promise.all([import("./resolve.js"), import("../export/export.js"), import("../query/query.js"), import("../query/sources.js")]);
  const { read, asked } = await resolveBoth(question, reading, { forceMask: true });
  const dir = read.dirs[0]!;
  const page = { asked: askedOf(question), utc: question.utc === true };
  const db = read.database;
  try {
    if (focus !== undefined) return yield* exportTree(format, await maskedTree({ ...question, causality: focus }, read), { depth: question.depth, maxChildren: question.maxChildren }, dir, page);
    // The sources are read whole only when a walk up needs them.
    const known = async (): Promise<ReadonlyMap<string, TraceEvent>> => new Map((await readQuerySources(dir, { ...read.sources, onNote: undefined })).map((h) => [h.event.id, h.event]));
    const rootOf = db ? createRootResolverBy((ids) => db.byIds(ids)) : createRootResolver(dir, known);
    yield* exportStream(format as "otlp" | "chrome" | "html", answer({ ...asked, limit: undefined, reverse: undefined }, { ...read, plain: false }).batches, dir, rootOf, page);
  } finally {
    await db?.close();
  }
}

/** The question as the flags that ask it, for a page's title: `task-abc123 --since 2h`. */
function askedOf(q: Question): string {
  const flags: [string, string | number | undefined][] = [
    ["--causality", q.causality], ["--agent", q.agent], ["--task", q.task], ["--channel", q.channel], ["--primitive", q.primitive],
    ["--type", q.type], ["--status", q.status], ["--grep", q.grep], ["--since", q.since], ["--until", q.until],
  ];
  const words = [...(q.target !== undefined && q.causality === undefined ? [q.target] : []), ...flags.filter(([, v]) => v !== undefined).map(([f, v]) => `${f} ${v}`)];
  return words.length === 0 ? "every event" : words.join(" ");
}

/**
 * Writes the export to `path` whole or not at all: into a temporary name beside it
 * (naming this process, so that one a killed export left is removed by the next), then
 * renamed over it. Returns the bytes written.
 *
 * @example
 * await exportToFile("chrome", {}, { dir: "logs/payments" }, "trace.json");
 */
export async function exportToFile(format: ExportFormat, question: Question, reading: Reading, path: string): Promise<number> {
  refuseStorePath(path, reading);
  removeStale(path);
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${process.getBuiltinModule("node:crypto").randomBytes(6).toString("hex")}.tmp`);
  const out = createWriteStream(temporary, { flags: "wx" });
  const opened = new Promise<void>((resolve, reject) => out.once("open", () => resolve()).once("error", reject));
  try {
    await opened;
    let bytes = 0;
    for await (const chunk of exportTo(format, question, reading)) {
      bytes += Buffer.byteLength(chunk);
      // events.once takes its listeners off again: a listener per drain piled up past Node's warning.
      if (!out.write(chunk)) await once(out, "drain");
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    await rename(temporary, path);
    return bytes;
  } catch (err) {
    out.destroy();
    await rm(temporary, { force: true });
    // A folder that is not there is a wrong --out (2); one we may not write is a failure while running (1).
    throw (err as NodeJS.ErrnoException).code === "ENOENT" ? new UsageError(`--out ${path}: ${(err as Error).message}`) : err;
  }
}

/**
 * An export never goes into a store it reads: over a day file, its `.gz`, the config, a
 * marker or the tombstones, or beside them, where only trace's own files belong.
 */
function refuseStorePath(path: string, reading: Reading): void {
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const folder = real(dirname(resolve(path)));
  const dirs = resolveStoreDirs({ dirs: typeof reading.dir === "string" ? [reading.dir] : reading.dir });
  for (const dir of dirs) {
    const inside = relative(real(dir), folder);
    if (inside === "" || (!inside.startsWith("..") && !isAbsolute(inside))) throw new UsageError(`--out ${path}: inside the store ${dir}, which holds only trace's own files; write the export elsewhere`);
  }
}

/** The temporaries of exports to `path` whose process is gone (killed before its rename). */
function removeStale(path: string): void {
  const folder = dirname(path);
  const escaped = basename(path).replace(/[.*+?^$()|[\]{}\\]/g, "\\$&");
  const stale = new RegExp(`^\\.${escaped}\\.(\\d+)\\.[0-9a-f]{12}\\.tmp$`);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(stale.exec(name)?.[1] ?? NaN);
    if (!Number.isSafeInteger(pid) || pid === process.pid || processAlive(pid)) continue;
    try {
      unlinkSync(join(folder, name));
    } catch {
      // gone already
    }
  }
}
