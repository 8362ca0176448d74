/**
 * A helper thread that reads a scan's plain day files ahead, block by block, into
 * slots of the search's shared memory, so that the main thread's search of one block
 * overlaps the read of the next: a scan is as long as its reads or its search, not
 * both. A thread takes ~50 ms to start; until it is up the main thread reads for
 * itself, and the helper takes over at the next file. If the helper stops (a line
 * longer than half a slot, a read error), the main thread reads on from where it did.
 * Of a day whose wanted lines its index lists, the helper passes on those lines only
 * (read-ahead-thread.ts).
 */
import type { DayFile } from "./layout.js";
import { BLOCKS_PER_TURN, lineBlocks, type BlockPool, type LineBlock, type OnFail } from "./read.js";
import { pickLines, type LinePick } from "./pick-lines.js";
import { readAheadThread, type ThreadData } from "./read-ahead-thread.js";
import { copyLinesAt, readLinesAt } from "./read-lines.js";

/** The blocks of a scan's files, from the helper where it reads them. */
export interface ReadAhead {
  /** The blocks of `files[i]` (asked for in order; `onFail` as for `lineBlocks`), or undefined: read it yourself. */
  blocks(i: number): ((onFail?: OnFail) => AsyncGenerator<LineBlock>) | undefined;
  /** Stops the helper; its slots go back to the pool if it never read into them. */
  close(): void;
}

/** Slots the helper fills ahead of the search. */
const SLOTS = 3;
/**
 * The control area both threads share, as i32 indexes: flags, then from `entry` one
 * entry of `entryInts` per slot (kind, file, end), and from i32 `bases` (as doubles
 * from byte `bases * 4`) each slot's file offset. The helper gets it with its data.
 */
const CONTROL = { ready: 0, start: 1, produced: 2, consumed: 3, stop: 4, entry: 8, entryInts: 4, bases: 256 } as const;
/** What an entry says its slot holds. */
const KINDS = { block: 0, endOfFile: 1, bail: 2 } as const;
const { ready: READY, start: START, produced: PRODUCED, consumed: CONSUMED, stop: STOP, entry: ENTRY, entryInts: E } = CONTROL;
const { block: BLOCK, endOfFile: END_OF_FILE, bail: BAIL } = KINDS;
/** How long the main thread waits for a block before it takes over (a stuck read). */
const PATIENCE_MS = 10_000;

/**
 * Starts the helper on `files` (plain files only; `.gz` are left to the caller).
 * `wait`: hand it the first file (tests use it to go through the helper whatever the
 * size). `picks[i]`: only those lines of `files[i]` are wanted. Undefined when the pool
 * has no shared memory or no free slots.
 *
 * @example
 * const ahead = startReadAhead(files, pool, memory);
 * for (const [i, file] of files.entries()) for await (const block of ahead?.blocks(i)?.() ?? lineBlocks(file)) search(block);
 * ahead?.close();
 */
export function startReadAhead(files: readonly DayFile[], pool: BlockPool, memory: SharedArrayBuffer, wait = false, picks: readonly (LinePick | undefined)[] = []): ReadAhead | undefined {
  const slots = Array.from({ length: SLOTS }, () => pool.take());
  if (slots.some((s) => s.buffer !== memory)) {
    for (const s of slots) pool.give(s);
    return undefined;
  }
  const control = new SharedArrayBuffer(CONTROL.bases * 4 + SLOTS * 8);
  const ctl = new Int32Array(control, 0, CONTROL.bases);
  const bases = new Float64Array(control, CONTROL.bases * 4, SLOTS);
  const data: ThreadData = { memory, control, layout: CONTROL, kinds: KINDS, files: files.map((f, i) => (f.gz ? null : [f.path, f.start ?? 0, picks[i]?.starts ?? null, picks[i]?.covered ?? -1, picks[i]?.sparse ?? false])), slots: slots.map((s) => [s.byteOffset, s.length]) };
  // Loaded here, not with the module: ~4 ms that a query without a helper should not pay.
  const { Worker: Thread } = process.getBuiltinModule("node:worker_threads");
  // Its stdout and stderr not piped to ours (it writes nothing): setting up the pipes cost ~4 ms here.
  const worker = new Thread(`(${readAheadThread.toString()})(require("node:worker_threads").workerData, ${readLinesAt.toString()}, ${copyLinesAt.toString()})`, { eval: true, workerData: data, stdout: true, stderr: true });
  worker.unref();
  worker.on("error", () => undefined);
  // `from`: the first file the helper reads; after it bails, `gone`.
  let from: number | undefined;
  let gone = false;
  if (wait) Atomics.wait(ctl, READY, 0, PATIENCE_MS);
  let consumed = 0;
  const next = (): number | undefined => {
    for (let waited = 0; Atomics.load(ctl, PRODUCED) === consumed; waited += 50) {
      if (waited >= PATIENCE_MS) return undefined;
      Atomics.wait(ctl, PRODUCED, consumed, 50);
    }
    return consumed % SLOTS;
  };
  const done = (): void => {
    Atomics.store(ctl, CONSUMED, ++consumed);
    Atomics.notify(ctl, CONSUMED);
  };
  async function* fromHelper(i: number, onFail?: OnFail): AsyncGenerator<LineBlock> {
    const pick = picks[i];
    for (let n = 1, at = 0; ; n++) {
      const k = next();
      const kind = k === undefined ? BAIL : ctl[ENTRY + k * E]!;
      if (k !== undefined && ctl[ENTRY + k * E + 1] !== i) throw new Error(`read-ahead: block of file ${ctl[ENTRY + k * E + 1]} where ${i} was due`);
      if (kind === BLOCK) {
        const base = bases[k!]!;
        const end = ctl[ENTRY + k! * E + 2]!;
        yield { buf: slots[k!]!, end, base };
        // A picked block's base is the byte after its last line.
        at = pick ? base : base + end;
        done();
      } else {
        // A stuck helper is told to stop; one that bailed says where to go on.
        if (kind === BAIL && k !== undefined) at = bases[k]!;
        if (k !== undefined) done();
        // Of an open day, the lines its index does not cover are all wanted: read here.
        if (kind === END_OF_FILE) return pick?.covered === undefined ? undefined : yield* lineBlocks(files[i]!, pick.covered, Infinity, pool, onFail);
        gone = true;
        stop();
        const rest = lineBlocks(files[i]!, at, Infinity, pool, onFail);
        return yield* pick ? pickLines(rest, pick, pool) : rest;
      }
      // As `lineBlocks`: a turn of the event loop every few blocks.
      if (n % BLOCKS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const stop = (): void => {
    Atomics.store(ctl, STOP, 1);
    Atomics.store(ctl, START, -1);
    Atomics.notify(ctl, START);
    Atomics.notify(ctl, CONSUMED);
  };
  return {
    blocks(i) {
      if (gone || files[i]!.gz) return undefined;
      if (from === undefined) {
        if (Atomics.load(ctl, READY) === 0) return undefined;
        from = i;
        Atomics.store(ctl, START, i + 1);
        Atomics.notify(ctl, START);
      }
      return i >= from ? (onFail) => fromHelper(i, onFail) : undefined;
    },
    close() {
      stop();
      void worker.terminate();
      // A helper that started may be in a read into a slot until it sees STOP: those stay out of the pool.
      if (from === undefined) for (const s of slots) pool.give(s);
    },
  };
}
