/**
 * A helper thread that reads a scan's plain day files ahead, block by block, into
 * slots of the search's shared memory, so that the main thread's search of one block
 * overlaps the read of the next: a scan is as long as its reads or its search, not
 * both. A thread takes ~50 ms to start; until it is up the main thread reads for
 * itself, and the helper takes over at the next file. If the helper stops (a line
 * longer than half a slot, a read error), the main thread reads on from where it did.
 */
import type { DayFile } from "./layout.js";
import { BLOCKS_PER_TURN, lineBlocks, type BlockPool, type LineBlock, type OnFail } from "./read.js";

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
 * size). Undefined when the pool has no shared memory or no free slots.
 *
 * @example
 * const ahead = startReadAhead(files, pool, memory);
 * for (const [i, file] of files.entries()) for await (const block of ahead?.blocks(i)?.() ?? lineBlocks(file)) search(block);
 * ahead?.close();
 */
export function startReadAhead(files: readonly DayFile[], pool: BlockPool, memory: SharedArrayBuffer, wait = false): ReadAhead | undefined {
  const slots = Array.from({ length: SLOTS }, () => pool.take());
  if (slots.some((s) => s.buffer !== memory)) {
    for (const s of slots) pool.give(s);
    return undefined;
  }
  const control = new SharedArrayBuffer(CONTROL.bases * 4 + SLOTS * 8);
  const ctl = new Int32Array(control, 0, CONTROL.bases);
  const bases = new Float64Array(control, CONTROL.bases * 4, SLOTS);
  const data: ThreadData = { memory, control, layout: CONTROL, kinds: KINDS, files: files.map((f) => (f.gz ? null : [f.path, f.start ?? 0])), slots: slots.map((s) => [s.byteOffset, s.length]) };
  // Loaded here, not with the module: ~4 ms that a query without a helper should not pay.
  const { Worker: Thread } = process.getBuiltinModule("node:worker_threads");
  // Its stdout and stderr not piped to ours (it writes nothing): setting up the pipes cost ~4 ms here.
  const worker = new Thread(`(${readAheadThread.toString()})(require("node:worker_threads").workerData)`, { eval: true, workerData: data, stdout: true, stderr: true });
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
    for (let n = 1, at = 0; ; n++) {
      const k = next();
      const kind = k === undefined ? BAIL : ctl[ENTRY + k * E]!;
      if (k !== undefined && ctl[ENTRY + k * E + 1] !== i) throw new Error(`read-ahead: block of file ${ctl[ENTRY + k * E + 1]} where ${i} was due`);
      if (kind === BLOCK) {
        const base = bases[k!]!;
        const end = ctl[ENTRY + k! * E + 2]!;
        yield { buf: slots[k!]!, end, base };
        at = base + end;
        done();
      } else {
        // A stuck helper is told to stop; one that bailed says where to go on.
        if (kind === BAIL && k !== undefined) at = bases[k]!;
        if (k !== undefined) done();
        if (kind === END_OF_FILE) return;
        gone = true;
        stop();
        return yield* lineBlocks(files[i]!, at, Infinity, pool, onFail);
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

/** What the helper gets: the shared memory, the control area and its layout, the files (null for `.gz`) and its slots. */
interface ThreadData {
  memory: SharedArrayBuffer;
  control: SharedArrayBuffer;
  layout: typeof CONTROL;
  kinds: typeof KINDS;
  /** Each plain file's path and the byte to read it from. */
  files: ([path: string, start: number] | null)[];
  slots: [offset: number, length: number][];
}

/**
 * The helper's body, run from its source text in the worker: it may use nothing from
 * outside itself, so the control area's layout comes with its data. Blocks end at a
 * newline as `lineBlocks` makes them: the partial line at a slot's end is copied to
 * the start of the next slot before the read.
 */
function readAheadThread({ memory, control, layout, kinds, files, slots }: ThreadData): void {
  const fs = require("node:fs") as typeof import("node:fs");
  const ctl = new Int32Array(control, 0, layout.bases);
  const bases = new Float64Array(control, layout.bases * 4, slots.length);
  const mem = Buffer.from(memory);
  const { ready: READY, start: START, produced: PRODUCED, consumed: CONSUMED, stop: STOP } = layout;
  const { block: BLOCK, endOfFile: END_OF_FILE, bail: BAIL } = kinds;
  let produced = 0;
  // Waits until slot `produced % n` is free; false when told to stop.
  const free = (): boolean => {
    for (;;) {
      if (Atomics.load(ctl, STOP) === 1) return false;
      const consumed = Atomics.load(ctl, CONSUMED);
      if (produced - consumed < slots.length) return true;
      Atomics.wait(ctl, CONSUMED, consumed, 1000);
    }
  };
  const put = (kind: number, file: number, end: number, base: number): void => {
    const k = produced % slots.length;
    ctl.set([kind, file, end], layout.entry + k * layout.entryInts);
    bases[k] = base;
    Atomics.store(ctl, PRODUCED, ++produced);
    Atomics.notify(ctl, PRODUCED);
  };
  Atomics.store(ctl, READY, 1);
  Atomics.notify(ctl, READY);
  while (Atomics.load(ctl, START) === 0) Atomics.wait(ctl, START, 0, 1000);
  for (let i = Atomics.load(ctl, START) - 1; i >= 0 && i < files.length; i++) {
    const file = files[i];
    if (!file) continue;
    const [path, start] = file;
    // Bytes read so far; the partial line after the last block, and where it stands.
    let [pos, carry, carryAt] = [start, 0, 0];
    try {
      const fd = fs.openSync(path, "r");
      try {
        for (;;) {
          if (!free()) return;
          const [at, size] = slots[produced % slots.length]!;
          const slot = mem.subarray(at, at + size);
          mem.copy(slot, 0, carryAt, carryAt + carry);
          const n = fs.readSync(fd, slot, carry, size - carry, pos);
          pos += n;
          const filled = carry + n;
          if (n === 0) {
            if (carry > 0) put(BLOCK, i, carry, pos - carry);
            break;
          }
          const cut = slot.lastIndexOf(0x0a, filled - 1) + 1;
          if (cut > 0) put(BLOCK, i, cut, pos - filled);
          [carry, carryAt] = [filled - cut, at + cut];
          // A line longer than half a slot: the main thread reads on into a bigger buffer.
          if (carry * 2 > size) throw new Error("long line");
        }
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      if (free()) put(BAIL, i, 0, pos - carry);
      return;
    }
    if (!free()) return;
    put(END_OF_FILE, i, 0, pos);
  }
}
