/**
 * A causality tree as a graph for documents: Graphviz DOT and Mermaid `graph TD`. Nodes
 * are labelled as the text tree labels them, the asked-about event is marked, cut
 * branches are "… N more" nodes, inferred edges are dashed. Each label is escaped for
 * its language: quotes, backslashes, brackets, newlines and control characters.
 */
import type { CausalNode, CausalTree } from "../causality/tree.js";
import { failureOf } from "../event/status.js";
import { agentColour, FAILURE_RED } from "../render/colour.js";
import { escapeControl } from "../render/text.js";
import { countBelow, labelOf, rootTag, type TreeLimits } from "../render/tree.js";

/** One thing to draw: a node, an edge, or the stand-in for a cut branch. */
type Item = { kind: "node"; id: string; text: string; focus: boolean; lane: string; failed: boolean } | { kind: "more"; id: string; text: string } | { kind: "edge"; from: string; to: string; inferred: boolean };

/** The tree's nodes and edges in drawing order, cut by `limits`, without recursion. */
function* items(tree: CausalTree, limits: TreeLimits): Generator<Item> {
  const below = countBelow(tree.root);
  let next = 0;
  const stack: { node: CausalNode; id: string; depth: number }[] = [{ node: tree.root, id: "n0", depth: 0 }];
  yield { kind: "node", id: "n0", text: `${rootTag(tree)} ${labelOf(tree.root)}`, focus: tree.byId && tree.root.event.id === tree.focus.id, ...drawn(tree.root) };
  while (stack.length > 0) {
    const { node, id, depth } = stack.pop()!;
    if (node.children.length === 0) continue;
    const cut = limits.depth !== undefined && depth >= limits.depth;
    const shown = cut ? [] : limits.maxChildren === undefined ? node.children : node.children.slice(0, limits.maxChildren);
    for (const child of shown) {
      const childId = `n${++next}`;
      yield { kind: "node", id: childId, text: labelOf(child), focus: tree.byId && child.event.id === tree.focus.id, ...drawn(child) };
      yield { kind: "edge", from: id, to: childId, inferred: child.inferred === true };
      stack.push({ node: child, id: childId, depth: depth + 1 });
    }
    const hidden = cut ? below.get(node)! : node.children.length - shown.length;
    if (hidden > 0) {
      const moreId = `m${++next}`;
      yield { kind: "more", id: moreId, text: cut ? `… ${hidden} more below` : `… ${hidden} more` };
      yield { kind: "edge", from: id, to: moreId, inferred: false };
    }
  }
}

/** A node's lane (its agent, else its primitive in brackets, as the page and Chrome name them) and whether it failed. */
function drawn(node: CausalNode): { lane: string; failed: boolean } {
  return { lane: node.event.agent_id ?? `(${node.event.primitive})`, failed: failureOf(node.event) !== undefined };
}

/** Past this many nodes a DOT tree groups each agent's nodes in a box of its own. */
export const DOT_CLUSTER_FROM = 20;

/** Text as one well-formed line: control characters (newlines too) spelt out, lone surrogates replaced. */
const oneLine = (s: string): string => escapeControl(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD"));

/** A DOT double-quoted string: backslashes and quotes escaped, and `&` (Graphviz reads HTML entities in labels). */
const dotString = (s: string): string => `"${oneLine(s).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/&/g, "&amp;")}"`;

/**
 * The tree as a Graphviz digraph, left to right: each node outlined in its agent's
 * colour (the colour `trace view` gives it), a failure red; past DOT_CLUSTER_FROM nodes
 * of more than one agent, each agent's nodes in a cluster, so that a wide tree reads
 * as lanes.
 *
 * @example
 * for (const line of treeToDot(tree, { depth: 3 })) process.stdout.write(line);
 */
export function* treeToDot(tree: CausalTree, limits: TreeLimits): Generator<string> {
  const nodes: Extract<Item, { kind: "node" }>[] = [];
  const rest: string[] = [];
  for (const item of items(tree, limits)) {
    if (item.kind === "node") nodes.push(item);
    else if (item.kind === "more") rest.push(`  ${item.id} [label=${dotString(item.text)}, shape=plaintext, style=""];\n`);
    else rest.push(`  ${item.from} -> ${item.to}${item.inferred ? ' [style=dashed, label="inferred"]' : ""};\n`);
  }
  const lanes = [...new Set(nodes.map((n) => n.lane))];
  const clustered = nodes.length > DOT_CLUSTER_FROM && lanes.length > 1;
  yield "digraph causality {\n";
  yield '  graph [rankdir=LR, fontname="Helvetica", nodesep=0.25, ranksep=0.4];\n  node [shape=box, style="rounded,filled", fontname="Helvetica", fillcolor="#ffffff"];\n  edge [color="#57606a"];\n';
  const line = (n: (typeof nodes)[number], indent: string): string => {
    const colour = n.failed ? FAILURE_RED : agentColour(n.lane);
    const look = n.failed ? `color="${FAILURE_RED}", fillcolor="${FAILURE_RED}33", fontcolor="#8d1b1e", penwidth=2` : `color="${colour}", fillcolor="${colour}1f"`;
    return `${indent}${n.id} [label=${dotString(n.text)}, ${look}${n.focus ? ', penwidth=3, xlabel="◀"' : ""}];\n`;
  };
  if (!clustered) for (const n of nodes) yield line(n, "  ");
  else {
    for (const [i, lane] of lanes.entries()) {
      yield `  subgraph cluster_${i} {\n    label=${dotString(lane)}; style="rounded"; color="${agentColour(lane)}"; fontcolor="${agentColour(lane)}";\n`;
      for (const n of nodes) if (n.lane === lane) yield line(n, "    ");
      yield "  }\n";
    }
  }
  yield* rest;
  yield "}\n";
}

/** Mermaid's entity codes for what its labels cannot hold as they are. */
const MERMAID: Record<string, string> = { '"': "#quot;", "#": "#35;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;", "\\": "#92;" };

/** A Mermaid quoted label. */
const mermaidString = (s: string): string => `"${oneLine(s).replace(/["#<>&`\\]/g, (c) => MERMAID[c]!)}"`;

/**
 * The tree as a Mermaid `graph TD`, a line at a time.
 *
 * @example
 * for (const line of treeToMermaid(tree, {})) process.stdout.write(line);
 */
export function* treeToMermaid(tree: CausalTree, limits: TreeLimits): Generator<string> {
  yield "graph TD\n";
  for (const item of items(tree, limits)) {
    if (item.kind === "node") yield `  ${item.id}[${mermaidString(item.text)}]${item.focus ? ":::focus" : ""}\n`;
    else if (item.kind === "more") yield `  ${item.id}(${mermaidString(item.text)}):::more\n`;
    else yield `  ${item.from} ${item.inferred ? "-. inferred .->" : "-->"} ${item.to}\n`;
  }
  yield "  classDef focus stroke-width:3px,stroke:#1f6feb\n  classDef more fill:none,stroke-dasharray:3 3\n";
}
