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
  try {
    // A tree may reach any day: every sealed day is glanced at.
    if (!read.database) tellChangedSinceSeal(read.dirs, {}, reading.onNote);
    return await maskedTree(question, read);
  } finally {
    await read.database?.close();
  }
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
  const [{ causality: buildTree }, { redactedTree }, { causalityOver }] = await Promise.all([import("../causality/tree.js"), import("../causality/redacted.js"), import("../causality/across.js")]);
  const db = read.database;
  if (db) {
    if (question.infer) throw new UsageError("--infer reads a store's day files: not with --db");
    // The database's events come masked: its one masking step.
    return causalityOver(focus, [{ name: "", backend: db, focus: (x) => db.focus(x), storeOf: (id) => db.storeOf(id) }]);
  }
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
