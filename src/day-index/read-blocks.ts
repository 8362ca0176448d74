/**
 * The chosen blocks of a day file as the search reads blocks (store/read.ts's
 * `LineBlock`): runs of neighbouring blocks read together into one of the pool's
 * buffers, a `.gz` run inflated from its members alone. Which blocks are chosen may
 * grow while they are read (a timeline's new members name more): `next` is asked
 * after each run.
 */
import { closeSync, openSync, readSync } from "node:fs";
import type { SearchPool } from "../engine/facade.js";
import type { DayFile } from "../store/layout.js";
import type { LineBlock, OnFail } from "../store/read.js";
import type { BlockTable } from "./day-index.js";

/** A run's uncompressed bytes at most, unless one block alone is larger. */
const RUN_BYTES = 1 << 20;

/** The chosen blocks, by number: `first(after)` is the lowest chosen above `after` (-1 for the first), or -1. */
export interface BlockChoice {
  first(after: number): number;
}

/** A fixed choice of blocks (ascending). */
export function chosenBlocks(blocks: readonly number[], count: number): BlockChoice & { add(block: number): void } {
  const marks = new Uint8Array(count);
  for (const b of blocks) marks[b] = 1;
  return {
    first(after) {
      for (let b = after + 1; b < count; b++) if (marks[b]) return b;
      return -1;
    },
    add(block) {
      if (block < count) marks[block] = 1;
    },
  };
}

/**
 * The chosen blocks of `file` as line blocks, in file order; a read that fails is told
 * to `onFail` and ends them, as `lineBlocks` does.
 *
 * @example
 * for await (const block of indexedBlocks(file, index.table(), chosenBlocks([3, 4, 9], index.blocks), pool)) search(block);
 */
export async function* indexedBlocks(file: DayFile, table: BlockTable, choice: BlockChoice, pool: SearchPool, onFail?: OnFail): AsyncGenerator<LineBlock> {
  const zlib = file.gz ? process.getBuiltinModule("node:zlib") : undefined;
  const count = table.starts.length - 1;
  let fd: number | undefined;
  const slot = pool.take();
  try {
    fd = openSync(file.path, "r");
    for (let b = choice.first(-1); b !== -1; b = choice.first(b)) {
      // A run: the chosen blocks next to `b`, up to a buffer's worth.
      let last = b;
      while (last + 1 < count && choice.first(last) === last + 1 && table.starts[last + 2]! - table.starts[b]! <= RUN_BYTES) last++;
      const base = table.starts[b]!;
      const length = table.starts[last + 1]! - base;
      let buf: Buffer;
      if (zlib && table.compressed) {
        const raw = readRange(fd, table.compressed[b]!, table.compressed[last + 1]!);
        const data = zlib.gunzipSync(raw);
        if (data.length !== length) throw new Error(`gzip members of ${length} bytes hold ${data.length}`);
        buf = data.length <= slot.length ? slot.subarray(0, data.copy(slot)) : data;
      } else {
        buf = length <= slot.length ? slot : Buffer.allocUnsafe(length);
        const n = readSync(fd, buf, 0, length, base);
        if (n !== length) throw new Error(`short read at byte ${base}`);
      }
      yield { buf, end: length, base };
      b = last;
    }
  } catch (err) {
    if (!onFail) throw err;
    const e = err as NodeJS.ErrnoException;
    onFail(e.code !== undefined && e.syscall !== undefined ? `cannot read (${e.code}: ${e.syscall})` : `cannot read (${e.message})`, true);
  } finally {
    if (fd !== undefined) closeSync(fd);
    pool.give(slot);
  }
}

function readRange(fd: number, from: number, to: number): Buffer {
  const buf = Buffer.allocUnsafe(to - from);
  const n = readSync(fd, buf, 0, buf.length, from);
  if (n !== buf.length) throw new Error(`short read at byte ${from}`);
  return buf;
}
