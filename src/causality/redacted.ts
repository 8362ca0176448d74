/** A causality tree as it may be shown: each event through its store's masking step (policy and tombstones). */
import type { Redactor } from "../query/redactor.js";
import type { CausalNode, CausalTree } from "./tree.js";

/**
 * The tree with every event masked as the redactor of its store says (`maskOf` gets a
 * node's store tag, undefined in a tree of one store); nodes are rewritten in place,
 * without recursion.
 *
 * @example
 * const shown = redactedTree(await causality("task-1", { dir }), () => createRedactor(dir));
 */
export function redactedTree(tree: CausalTree, maskOf: (store: string | undefined) => Redactor): CausalTree {
  let focus = tree.focus;
  for (const stack: CausalNode[] = [tree.root]; stack.length > 0; ) {
    const node = stack.pop()!;
    const shown = maskOf(node.store).event(node.event);
    if (node.event === tree.focus) focus = shown;
    node.event = shown;
    for (const child of node.children) stack.push(child);
  }
  return { ...tree, focus: focus === tree.focus ? maskOf(undefined).event(tree.focus) : focus };
}
