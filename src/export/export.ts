/**
 * Exports: the history handed to the tools people already read traces with. OTLP/JSON
 * (Jaeger, Tempo, Honeycomb, any OpenTelemetry collector), Chrome trace-event JSON
 * (Perfetto), Graphviz DOT and Mermaid (a tree in a document). OTLP and Chrome stream
 * any query, or the tree `--causality` names; DOT and Mermaid draw a tree.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { redactedTree } from "../causality/redacted.js";
import { causality, type CausalNode, type CausalTree } from "../causality/tree.js";
import { eventsOf } from "../engine/facade.js";
import { compareEvents, type TraceEvent } from "../event/envelope.js";
import { UsageError } from "../errors.js";
import type { TreeLimits } from "../render/tree.js";
import { queryBatches, type QueryOptions } from "../query/query.js";
import { createRedactor } from "../query/redactor.js";
import { readQuerySources } from "../query/sources.js";
import { chromeChunks } from "./chrome.js";
import { EXPORT_FORMATS, type ExportFormat } from "./formats.js";
import { treeToDot, treeToMermaid } from "./graph.js";
import type { ExportItem } from "./item.js";
import { otlpChunks } from "./otlp.js";
import { createRootResolver } from "./roots.js";

export { EXPORT_FORMATS, type ExportFormat } from "./formats.js";

/** What to export: a query (TARGET, filters, WHEN), or the tree around `causality`. */
export interface ExportOptions extends Omit<QueryOptions, "limit" | "reverse" | "info" | "plain" | "readAhead"> {
  /** The tree around this event id, id suffix or target (`--causality`). */
  causality?: string | undefined;
  /** Inferred causes (with `causality`): links in OTLP, dashed edges in graphs, never parents. */
  infer?: boolean | undefined;
  inferWindowMs?: number | undefined;
  /** DOT and Mermaid: levels below the root, and children per node, before "… N more". */
  depth?: number | undefined;
  maxChildren?: number | undefined;
}

/**
 * The export as text, a chunk at a time: streamed for OTLP and Chrome (memory flat
 * over a whole store), a tree drawn for DOT and Mermaid (which need `causality`, or a
 * TARGET as the tree's focus).
 *
 * @example
 * for await (const chunk of exportTo("otlp", { dir: "logs/payments", causality: "task-abc123" })) process.stdout.write(chunk);
 */
export async function* exportTo(format: ExportFormat, options: ExportOptions): AsyncGenerator<string> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format ${JSON.stringify(format)}: expected one of ${EXPORT_FORMATS.join(", ")}`);
  if (options.infer && options.causality === undefined) throw new UsageError("--infer needs --causality: inference looks for a tree's causes");
  const graph = format === "dot" || format === "mermaid";
  const focus = options.causality ?? (graph ? options.target : undefined);
  if (graph && focus === undefined) throw new UsageError(`--format ${format} draws a causality tree: name it with --causality X (or a TARGET)`);
  if (focus !== undefined) {
    // What leaves the machine fails closed: the store's policy and tombstones always apply.
    const tree = redactedTree(await causality(focus, { dir: options.dir, dirs: options.dirs, infer: options.infer, inferWindowMs: options.inferWindowMs, onBad: options.onBad, sources: options.sources, index: options.index }), createRedactor(options.dir));
    const limits: TreeLimits = { depth: options.depth, maxChildren: options.maxChildren };
    if (format === "dot") return yield* treeToDot(tree, limits);
    if (format === "mermaid") return yield* treeToMermaid(tree, limits);
    return yield* streamed(format, options.dir, oneBatch(treeItems(tree)));
  }
  yield* streamed(format as "otlp" | "chrome", options.dir, queryItems(options));
}

/**
 * Writes the export to `path` whole or not at all: into a temporary name beside it,
 * then renamed over it. Returns the bytes written.
 *
 * @example
 * await exportToFile("chrome", { dir: "logs/payments" }, "trace.json");
 */
export async function exportToFile(format: ExportFormat, options: ExportOptions, path: string): Promise<number> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const out = createWriteStream(temporary, { flags: "wx" });
  const opened = new Promise<void>((resolve, reject) => out.once("open", () => resolve()).once("error", reject));
  try {
    await opened;
    let bytes = 0;
    for await (const chunk of exportTo(format, options)) {
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await new Promise<void>((resolve, reject) => out.once("drain", resolve).once("error", reject));
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    await rename(temporary, path);
    return bytes;
  } catch (err) {
    out.destroy();
    await rm(temporary, { force: true });
    throw (err as NodeJS.ErrnoException).code === "ENOENT" || (err as NodeJS.ErrnoException).code === "EACCES" ? new UsageError(`--out ${path}: ${(err as Error).message}`) : err;
  }
}

/** The streamed formats over batches of items. */
function streamed(format: "otlp" | "chrome", dir: string, items: AsyncIterable<readonly ExportItem[]>): AsyncGenerator<string> {
  return format === "otlp" ? otlpChunks(items) : chromeChunks(items, storeName(dir));
}

/** A store's name for a viewer: its workspace's folder for `W/.space/trace`, else its own. */
function storeName(dir: string): string {
  return basename(dir) === "trace" && basename(dirname(dir)) === ".space" ? basename(dirname(dirname(dir))) : basename(dir);
}

async function* oneBatch<T>(items: readonly T[]): AsyncGenerator<readonly T[]> {
  yield items;
}

/** A query's events, each with its tree's root. */
async function* queryItems(options: ExportOptions): AsyncGenerator<ExportItem[]> {
  let known: Promise<ReadonlyMap<string, TraceEvent>> | undefined;
  // The sources are read whole only when a walk up needs them.
  const sources = async (): Promise<ReadonlyMap<string, TraceEvent>> => new Map((await readQuerySources(options.dir, { ...options.sources, onNote: undefined })).map((h) => [h.event.id, h.event]));
  const rootOf = createRootResolver(options.dir, () => (known ??= sources()));
  // What leaves the machine fails closed: the query masks by each store's policy and tombstones.
  for await (const hits of queryBatches({ ...options, redact: true })) {
    const items: ExportItem[] = [];
    for (const { event } of eventsOf(hits)) items.push({ event, root: await rootOf(event) });
    yield items;
  }
}

/**
 * A tree's events in time order, each with the root of its recorded tree: an edge
 * `--infer` found starts a tree of its own, linked to its cause.
 */
function treeItems(tree: CausalTree): ExportItem[] {
  const items: ExportItem[] = [];
  const stack: { node: CausalNode; root: string; parent?: ExportItem }[] = [{ node: tree.root, root: tree.missingParent ?? tree.root.event.id }];
  while (stack.length > 0) {
    const { node, root, parent } = stack.pop()!;
    const own = node.inferred ? node.event.id : root;
    const item: ExportItem = { event: node.event, root: own, ...(node.inferred && parent ? { inferred: { id: parent.event.id, root: parent.root } } : {}) };
    items.push(item);
    for (const child of node.children) stack.push({ node: child, root: own, parent: item });
  }
  return items.sort((a, b) => compareEvents(a.event, b.event));
}
