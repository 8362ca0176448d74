import type { CausalNode, CausalTree } from "../causality/tree.js";
import { label } from "./describe.js";
import { toJson } from "./json.js";
import { escapeControl, type Style } from "./text.js";
import { treeFacts, type TreeClock } from "./tree-facts.js";

export type { TreeClock } from "./tree-facts.js";

/** Limits for drawing huge trees. */
export interface TreeLimits {
  /** Levels below the root to draw. */
  depth?: number | undefined;
  /** Children drawn per node before a `… N more` line. */
  maxChildren?: number | undefined;
}

/** Descendant counts per node, computed without recursion (trees can be very deep). */
export function countBelow(root: CausalNode): Map<CausalNode, number> {
  const order: CausalNode[] = [];
  for (const stack = [root]; stack.length > 0; ) {
    const node = stack.pop()!;
    order.push(node);
    for (const child of node.children) stack.push(child);
  }
  const below = new Map<CausalNode, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    below.set(node, node.children.reduce((sum, c) => sum + 1 + below.get(c)!, 0));
  }
  return below;
}

/** Past this depth a line is no longer indented further: it says its level instead (a 100,000-deep chain would write gigabytes of indentation). */
const INDENT_DEPTH = 32;

/** A node's label, after its store's name when the tree spans several stores. */
export function labelOf(node: CausalNode): string {
  return node.store === undefined ? label(node.event) : `${node.store}: ${label(node.event)}`;
}

/** The root's tag: `[root]`, `[missing parent 01a2…]` or `[root, cycle cut]`. */
export function rootTag(tree: CausalTree): string {
  if (tree.missingParent) return `[missing parent ${escapeControl(tree.missingParent.slice(0, 8))}…]`;
  if (tree.cycle) return "[root, cycle cut]";
  return "[root]";
}

/**
 * The seed's drawing of a tree: `[root] …`, then `└─>` / `├─>` branches in time order,
 * `┄>` for inferred edges, the asked-about event marked `◀` when named by id; with
 * `clock`, each node's time, duration and failure after its label.
 *
 * @example
 * renderTree(tree, { depth: 3 }, style, { utc: true }).join("\n");
 */
export function renderTree(tree: CausalTree, limits: TreeLimits, style: Style, clock?: TreeClock): string[] {
  return [...treeLines(tree, limits, style, clock)];
}

/**
 * `renderTree` a line at a time, so that a huge tree is written as it is drawn.
 *
 * @example
 * for (const line of treeLines(tree, { depth: 3 }, style)) console.log(line);
 */
export function* treeLines(tree: CausalTree, limits: TreeLimits, style: Style, clock?: TreeClock): Generator<string> {
  const below = countBelow(tree.root);
  const facts = clock === undefined ? undefined : treeFacts(tree.root, clock, style);
  const text = (node: CausalNode): string => {
    const mark = tree.byId && node.event.id === tree.focus.id;
    const s = escapeControl(labelOf(node));
    const told = facts === undefined ? "" : facts(node, s);
    return mark ? `${style.bold(s)}${told}  ◀` : s + told;
  };
  // Depth-first without recursion: an entry prints its line, then its children go on
  // the stack in reverse so the first child (and its subtree) comes out next.
  type Entry = { line: string; node?: CausalNode; prefix: string; depth: number };
  const stack: Entry[] = [{ line: `${rootTag(tree)} ${text(tree.root)}`, node: tree.root, prefix: "  ", depth: 0 }];
  while (stack.length > 0) {
    const { line, node, prefix, depth } = stack.pop()!;
    yield line;
    if (!node || node.children.length === 0) continue;
    if (limits.depth !== undefined && depth >= limits.depth) {
      yield `${prefix}└─> … ${below.get(node)} more below`;
      continue;
    }
    const shown = limits.maxChildren === undefined ? node.children : node.children.slice(0, limits.maxChildren);
    const hidden = node.children.length - shown.length;
    if (hidden > 0) stack.push({ line: `${prefix}└─> … ${hidden} more`, prefix, depth });
    for (let i = shown.length - 1; i >= 0; i--) {
      const child = shown[i]!;
      const last = i === shown.length - 1 && hidden === 0;
      const deep = depth + 1 > INDENT_DEPTH;
      stack.push({
        line: `${prefix}${last ? "└" : "├"}${child.inferred ? "┄> " : "─> "}${deep ? `[level ${depth + 1}] ` : ""}${text(child)}`,
        node: child,
        prefix: deep ? prefix : prefix + (last ? "    " : "│   "),
        depth: depth + 1,
      });
    }
  }
}

/**
 * The tree as nested JSON, `{event, children: [...]}`, built without recursion so a
 * deep chain cannot overflow the stack. Inferred edges carry `"inferred": true`, the
 * asked-about event `"focus": true`, cut subtrees `"more": N`.
 *
 * @example
 * console.log(treeToJson(await causality("task-1", { dir }), { depth: 3 }));
 */
export function treeToJson(tree: CausalTree, limits: TreeLimits): string {
  return [...treeJsonChunks(tree, limits)].join("");
}

/**
 * `treeToJson` a piece at a time, so that a tree of many events is written as it is
 * walked instead of held whole as text.
 *
 * @example
 * for (const chunk of treeJsonChunks(tree, { depth: 3 })) process.stdout.write(chunk);
 */
export function* treeJsonChunks(tree: CausalTree, limits: TreeLimits): Generator<string> {
  const below = countBelow(tree.root);
  type Entry = { node: CausalNode; depth: number } | { close: string };
  const stack: Entry[] = [{ node: tree.root, depth: 0 }];
  const rootExtra = `${tree.missingParent ? `,"missing_parent":${JSON.stringify(tree.missingParent)}` : ""}${tree.cycle ? ',"cycle":true' : ""}`;
  let piece = "";
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if ("close" in entry) {
      piece += entry.close;
      continue;
    }
    const { node, depth } = entry;
    let head = `{"event":${toJson(node.event)}`;
    if (node.inferred) head += ',"inferred":true';
    if (node.store !== undefined) head += `,"store":${JSON.stringify(node.store)}`;
    if (node.event.id === tree.focus.id) head += ',"focus":true';
    if (node === tree.root) head += rootExtra;
    const cut = limits.depth !== undefined && depth >= limits.depth;
    const shown = cut ? [] : limits.maxChildren === undefined ? node.children : node.children.slice(0, limits.maxChildren);
    const more = cut ? below.get(node)! : node.children.length - shown.length;
    piece += `${head}${more > 0 ? `,"more":${more}` : ""},"children":[`;
    stack.push({ close: "]}" });
    for (let i = shown.length - 1; i >= 0; i--) {
      stack.push({ node: shown[i]!, depth: depth + 1 });
      if (i > 0) stack.push({ close: "," });
    }
    if (piece.length >= CHUNK) {
      yield piece;
      piece = "";
    }
  }
  yield piece;
}

/** Characters of JSON handed on at a time. */
const CHUNK = 64 << 10;
