/** A causality tree as it may be shown: each event through the store's redactor (policy and tombstones). */
import type { Redactor } from "../query/redactor.js";
import type { CausalNode, CausalTree } from "./tree.js";

/**
 * The tree with every event masked as the redactor says; nodes are rewritten in place, without recursion.
 *
 * @example
 * const shown = redactedTree(await causality("task-1", { dir }), createRedactor(dir));
 */
export function redactedTree(tree: CausalTree, redactor: Redactor): CausalTree {
  for (const stack: CausalNode[] = [tree.root]; stack.length > 0; ) {
    const node = stack.pop()!;
    node.event = redactor.event(node.event);
    for (const child of node.children) stack.push(child);
  }
  return { ...tree, focus: redactor.event(tree.focus) };
}
