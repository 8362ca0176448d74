/**
 * The search of timelines and trees: the lines of a block that may be members of a
 * growing set — the target's own (its bytes) and children of the ids known so far
 * (their parents' hashes) — visited in file order, so that a member a line makes
 * counts for the lines after it.
 */
import { valueNeedle } from "./byte-filter.js";
import type { Needle } from "./needle.js";
import { createIdHashes, maybeChildren } from "./peek.js";
import type { SearchPool } from "./pool.js";
import { candidateLines } from "./positions.js";

/** A set's search over blocks; `add` each member as it joins. */
export interface MemberSearch {
  /** False when the target has no byte needle (it holds U+FFFD, as bad UTF-8 decodes): read such a timeline by parsing every line. */
  readonly usable: boolean;
  add(id: string): void;
  /**
   * Calls `visit(s, e)` for each line of `buf[0, end)` that may hold the target or be
   * a child of an id `known` says is a member, in order; what `visit` adds is heard by
   * the lines after.
   */
  block(buf: Buffer, end: number, known: (id: string) => boolean, visit: (s: number, e: number) => void): void;
}

/**
 * The search for a target's own lines (none without `target`: a tree below a root)
 * and the children of a set of ids, on this pool's buffers.
 *
 * @example
 * const members = createMemberSearch(pool, "task-1");
 * members.block(buf, end, (id) => ids.has(id), (s, e) => parseAt(buf, s, e));
 */
export function createMemberSearch(pool: SearchPool, target?: string): MemberSearch {
  const hashes = createIdHashes(pool);
  const needle: Needle | undefined = target === undefined ? undefined : valueNeedle(target);
  return {
    usable: target === undefined || needle !== undefined,
    add: (id) => hashes.add(id),
    block(buf, end, known, visit) {
      const children = maybeChildren(buf, end, pool, hashes, known);
      if (!needle) return children(0, end, visit);
      // The lines that hold the target are read where they stand, between stretches of
      // possible children: a member they make must count for the lines after them.
      const nextOwn = candidateLines(buf, end, pool.tune(needle, buf.subarray(0, end)), pool);
      for (let from = 0; from < end; ) {
        const own = nextOwn(from);
        children(from, own ? own[0] : end, visit);
        if (!own) break;
        visit(own[0], own[1]);
        from = own[1] + 1;
      }
    },
  };
}
