/**
 * The read-ahead helper's body (read-ahead.ts), run from its source text in a worker:
 * it may use nothing from outside itself, so the control area's layout comes with its
 * data. It reads each file into slots of the shared memory, or, of a day whose wanted
 * lines its index lists, reads it into a buffer of its own and puts only those lines
 * in the slots: a slot then holds the lines of many megabytes, so the helper reads far
 * ahead while the main thread reads other days itself.
 */
import type { copyLinesAt as CopyLinesAt, readLinesAt as ReadLinesAt } from "./read-lines.js";

/** The control area's layout, as i32 indexes (read-ahead.ts's CONTROL). */
export interface ControlLayout {
  ready: number;
  start: number;
  produced: number;
  consumed: number;
  stop: number;
  entry: number;
  entryInts: number;
  bases: number;
}

/** What an entry says its slot holds. */
export interface EntryKinds {
  block: number;
  endOfFile: number;
  bail: number;
}

/**
 * A file for the helper: its path, the byte to read it from, and of a picked day the
 * offsets of its wanted lines, the byte to read it to (-1: its end), and whether they
 * are read one by one; null for a file the helper does not read.
 */
export type HelperFile = [path: string, start: number, starts: Float64Array | null, end: number, sparse: boolean] | null;

/** What the helper gets: the shared memory, the control area and its layout, the files and its slots. */
export interface ThreadData {
  memory: SharedArrayBuffer;
  control: SharedArrayBuffer;
  layout: ControlLayout;
  kinds: EntryKinds;
  files: HelperFile[];
  slots: [offset: number, length: number][];
}

/**
 * The helper: blocks end at a newline as `lineBlocks` makes them (the partial line at a
 * slot's end is copied to the start of the next slot before the read). A picked day's
 * block holds whole wanted lines, each with its newline, and its base is the byte after
 * its last line: where a reader goes on should the helper stop.
 */
export function readAheadThread({ memory, control, layout, kinds, files, slots }: ThreadData, readLinesAt: typeof ReadLinesAt, copyLinesAt: typeof CopyLinesAt): void {
  const fs = require("node:fs") as typeof import("node:fs");
  const ctl = new Int32Array(control, 0, layout.bases);
  const bases = new Float64Array(control, layout.bases * 4, slots.length);
  const mem = Buffer.from(memory);
  const { ready: READY, start: START, produced: PRODUCED, consumed: CONSUMED, stop: STOP } = layout;
  const { block: BLOCK, endOfFile: END_OF_FILE, bail: BAIL } = kinds;
  let produced = 0;
  // A picked day is read here first: a slot's worth, not shared.
  let scratch: Buffer | undefined;
  // Where a reader goes on in the file being read, should the helper stop.
  let resume = 0;
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
  // A whole file into slots; false when told to stop.
  const whole = (i: number, fd: number, start: number): boolean => {
    let [pos, carry, carryAt] = [start, 0, 0];
    for (;;) {
      resume = pos - carry;
      if (!free()) return false;
      const [at, size] = slots[produced % slots.length]!;
      const slot = mem.subarray(at, at + size);
      mem.copy(slot, 0, carryAt, carryAt + carry);
      const n = fs.readSync(fd, slot, carry, size - carry, pos);
      pos += n;
      const filled = carry + n;
      if (n === 0) {
        if (carry > 0) put(BLOCK, i, carry, pos - carry);
        return true;
      }
      const cut = slot.lastIndexOf(0x0a, filled - 1) + 1;
      if (cut > 0) put(BLOCK, i, cut, pos - filled);
      [carry, carryAt] = [filled - cut, at + cut];
      resume = pos - carry;
      // A line longer than half a slot: the main thread reads on into a bigger buffer.
      if (carry * 2 > size) throw new Error("long line");
    }
  };
  // A picked day's wanted lines, one read each, into slots; false when told to stop.
  const sparse = (i: number, fd: number, starts: Float64Array): boolean => {
    for (let k = 0; k < starts.length; ) {
      if (!free()) return false;
      const [at, size] = slots[produced % slots.length]!;
      const [next, used, after] = readLinesAt(fs.readSync, fd, starts, k, mem.subarray(at, at + size), 0, size, resume);
      if (next === k) throw new Error("long line");
      put(BLOCK, i, used, (resume = after));
      k = next;
    }
    return true;
  };
  // A picked day's wanted lines out of the day read whole, up to `limit`; false when told to stop.
  const picked = (i: number, fd: number, start: number, starts: Float64Array, limit: number): boolean => {
    const buf = (scratch ??= Buffer.allocUnsafe(slots[0]![1]));
    let [pos, carry, k, dst, lastEnd] = [start, 0, 0, 0, start];
    let slot: Buffer | undefined;
    const flush = (): void => {
      if (slot && dst > 0) put(BLOCK, i, dst, (resume = lastEnd));
      [slot, dst] = [undefined, 0];
    };
    for (;;) {
      const n = fs.readSync(fd, buf, carry, Math.min(buf.length - carry, Math.max(0, limit - pos)), pos);
      const base = pos - carry;
      pos += n;
      const filled = carry + n;
      const cut = n === 0 ? filled : buf.lastIndexOf(0x0a, filled - 1) + 1;
      while (k < starts.length && starts[k]! < base + cut) {
        if (!slot) {
          if (!free()) return false;
          const [at, size] = slots[produced % slots.length]!;
          slot = mem.subarray(at, at + size);
        }
        [k, dst, lastEnd] = copyLinesAt(buf, cut, base, base + cut, starts, k, slot, dst, lastEnd);
        // Stopped short: the slot is full, or the line is longer than a slot.
        if (k < starts.length && starts[k]! < base + cut) {
          if (dst === 0) throw new Error("long line");
          flush();
        }
      }
      if (n === 0) {
        flush();
        return true;
      }
      carry = filled - cut;
      if (carry * 2 > buf.length) {
        flush();
        throw new Error("long line");
      }
      buf.copy(buf, 0, cut, filled);
    }
  };
  Atomics.store(ctl, READY, 1);
  Atomics.notify(ctl, READY);
  while (Atomics.load(ctl, START) === 0) Atomics.wait(ctl, START, 0, 1000);
  for (let i = Atomics.load(ctl, START) - 1; i >= 0 && i < files.length; i++) {
    const file = files[i];
    if (!file) continue;
    const [path, start, starts, end, oneByOne] = file;
    resume = start;
    try {
      const fd = fs.openSync(path, "r");
      try {
        if (!(starts ? (oneByOne ? sparse(i, fd, starts) : picked(i, fd, start, starts, end < 0 ? Infinity : end)) : whole(i, fd, start))) return;
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      if (free()) put(BAIL, i, 0, resume);
      return;
    }
    if (!free()) return;
    put(END_OF_FILE, i, 0, resume);
  }
}
