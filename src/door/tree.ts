/** The library's door for trees: the cause → effect tree around an event, masked. */
import type { CausalTree } from "../causality/tree.js";
import { UsageError } from "../errors.js";
import type { Question } from "./question.js";
import type { Reading, Resolved } from "./reading.js";
import { tellChangedSinceSeal } from "./seal.js";

/**
 * The tree around `question.causality` (an event id, an id suffix of 8+ characters, or
 * a target; else `question.target`): walked up to its root, then everything below, over
 * every store and source the reading names, masked unless `reading.redact` is `false`.
 *
 * @example
 * const tree = await causality({ causality: "task-abc123" }, { dir: "logs/payments" });
 * console.log(tree.root.event.event_type, tree.root.children.length);
 */
export async function causality(question: Question, reading: Reading = {}): Promise<CausalTree> {
  const { resolveReading } = await import("./reading.js");
  const read = resolveReading(reading);
  // A tree may reach any day: every sealed day is glanced at.
  tellChangedSinceSeal(read.dirs, {}, reading.onNote);
  return maskedTree(question, read);
}

/**
 * The tree of a resolved reading, each node through the mask of the store it came from.
 *
 * @example
 * const tree = await maskedTree({ causality: "task-1" }, resolveReading({}, { forceMask: true }));
 */
export async function maskedTree(question: Question, read: Resolved): Promise<CausalTree> {
  const focus = question.causality ?? question.target;
  if (focus === undefined) throw new UsageError("a tree needs its event: name it with --causality X (an id, an id suffix or a target)");
  const [{ causality: buildTree }, { redactedTree }] = await Promise.all([import("../causality/tree.js"), import("../causality/redacted.js")]);
  const tree = await buildTree(focus, {
    dir: read.dirs[0]!,
    dirs: read.dirs,
    infer: question.infer,
    inferWindowMs: question.inferWindowMs,
    onBad: read.onBad,
    sources: read.sources,
    index: read.index,
  });
  return redactedTree(tree, read.maskOf);
}
