/**
 * Exports: the history handed to the tools people already read traces with. OTLP/JSON
 * (Jaeger, Tempo, Honeycomb, any OpenTelemetry collector), Chrome trace-event JSON
 * (Perfetto), Graphviz DOT and Mermaid (a tree in a document), and `trace view`'s page
 * (HTML). The encoders take events already masked (the door's `exportTo` masks them);
 * OTLP and Chrome stream, DOT and Mermaid draw a tree, the page holds what it is given.
 */
import { basename, dirname } from "node:path";
import type { CausalNode, CausalTree } from "../causality/tree.js";
import { eventsOf, type Hits } from "../engine/facade.js";
import { compareEvents, type TraceEvent } from "../event/envelope.js";
import type { TreeLimits } from "../render/tree.js";
import { chromeChunks } from "./chrome.js";
import type { ExportFormat } from "./formats.js";
import { treeToDot, treeToMermaid } from "./graph.js";
import type { ExportItem } from "./item.js";
import { otlpChunks } from "./otlp.js";
import { remember } from "./bounded.js";
import { closesAgent, opensAgent } from "./genai.js";
import { htmlChunks } from "./html.js";
import type { ViewAbout } from "./view-data.js";

/** What a page (`--format html`) says of its question: the rest it finds itself. */
export type PageAsked = Omit<ViewAbout, "store">;

export { EXPORT_FORMATS, type ExportFormat } from "./formats.js";
export { createRootResolver, createRootResolverBy } from "./roots.js";
export { otlpRequest } from "./otlp.js";

/**
 * A tree in a format: drawn for DOT and Mermaid (within `limits`), its events streamed
 * for OTLP and Chrome and held by a page, each with its recorded tree's root.
 *
 * @example
 * for await (const chunk of exportTree("dot", tree, {}, dir)) process.stdout.write(chunk);
 */
export async function* exportTree(format: ExportFormat, tree: CausalTree, limits: TreeLimits, dir: string, asked?: PageAsked): AsyncGenerator<string> {
  if (format === "dot") return yield* treeToDot(tree, limits);
  if (format === "mermaid") return yield* treeToMermaid(tree, limits);
  yield* streamed(format, dir, oneBatch(treeItems(tree)), asked);
}

/**
 * A query's batches in a streamed format (OTLP, Chrome or a page), each event with the root of
 * its tree, as `rootOf` finds it (createRootResolver: the walk up a store); `dir` names the store.
 *
 * @example
 * for await (const chunk of exportStream("otlp", batches, dir, createRootResolver(dir, async () => new Map()))) process.stdout.write(chunk);
 */
export function exportStream(format: "otlp" | "chrome" | "html", batches: AsyncIterable<Hits>, dir: string, rootOf: (e: TraceEvent) => Promise<string>, asked?: PageAsked): AsyncGenerator<string> {
  return streamed(format, dir, withRoots(batches, rootOf), asked);
}

/** The formats of events one by one, over batches of items. */
function streamed(format: "otlp" | "chrome" | "html", dir: string, items: AsyncIterable<readonly ExportItem[]>, asked: PageAsked = { asked: "", utc: false }): AsyncGenerator<string> {
  if (format === "html") return htmlChunks(items, { store: storeName(dir), ...asked });
  return format === "otlp" ? otlpChunks(items) : chromeChunks(items, storeName(dir));
}

/** A store's name for a viewer: its workspace's folder for `W/.space/trace`, else its own. */
function storeName(dir: string): string {
  return basename(dir) === "trace" && basename(dirname(dir)) === ".space" ? basename(dirname(dirname(dir))) : basename(dir);
}

async function* oneBatch<T>(items: readonly T[]): AsyncGenerator<readonly T[]> {
  yield items;
}

/** A query's events, each with its tree's root (see `createItemMaker`). */
async function* withRoots(batches: AsyncIterable<Hits>, rootOf: (e: TraceEvent) => Promise<string>): AsyncGenerator<ExportItem[]> {
  const itemsOf = createItemMaker(rootOf);
  for await (const hits of batches) yield await itemsOf([...eventsOf(hits)].map((h) => h.event));
}

/**
 * Events in time order as export items, batch after batch, each with its tree's root. A
 * parentless event of an agent between its wake and its sleep is held by that
 * invocation: its tree (and every tree below it) joins the wake's, so that OTLP's
 * `invoke_agent` span parents it.
 *
 * @example
 * const itemsOf = createItemMaker(createRootResolver(dir, known)); const items = await itemsOf(events);
 */
export function createItemMaker(rootOf: (e: TraceEvent) => Promise<string>): (events: readonly TraceEvent[]) => Promise<ExportItem[]> {
  const invocations = new Map<string, { wake: string; root: string }>();
  const joined = new Map<string, string>();
  return async (events) => {
    const items: ExportItem[] = [];
    for (const event of events) {
      const recorded = await rootOf(event);
      const root = joined.get(recorded) ?? recorded;
      const open = event.agent_id === null ? undefined : invocations.get(event.agent_id);
      if (event.parent_event_id === null && open !== undefined && !opensAgent(event)) {
        remember(joined, event.id, open.root);
        items.push({ event, root: open.root, heldBy: open.wake });
      } else items.push({ event, root });
      if (opensAgent(event)) invocations.set(event.agent_id!, { wake: event.id, root });
      else if (closesAgent(event)) invocations.delete(event.agent_id!);
    }
    return items;
  };
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
