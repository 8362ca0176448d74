/**
 * Wanted lines gathered by their offsets: read one by one, or copied out of a block of
 * the day read whole. Where a day's wanted lines are far apart (an agent among fifty,
 * a line in every 16 KiB), a read of each costs about a microsecond, less than copying
 * the bytes between them, and the reads of two threads add up where their copies share
 * one memory bus. Self-contained: the read-ahead helper runs both from their source text.
 */

/** `fs.readSync` as this uses it. */
export type ReadAt = (fd: number, buf: Uint8Array, offset: number, length: number, position: number) => number;

/**
 * Reads the lines starting at `starts[k]`, `starts[k + 1]`, … into `buf` from `dst`
 * up to `end`, each followed by a newline, while they fit; returns the next line's k,
 * where the lines read end in `buf`, and the file offset after the last of them. A
 * line that does not fit is left for the next call (into an emptied buffer: if that
 * still returns k unchanged, the line is longer than the buffer).
 *
 * @example
 * const [next, used] = readLinesAt(readSync, fd, starts, 0, slot, 0, slot.length, 0);
 */
export function readLinesAt(readAt: ReadAt, fd: number, starts: Float64Array, k: number, buf: Uint8Array, dst: number, end: number, after: number): [k: number, dst: number, after: number] {
  // Most lines are shorter: one read finds the newline.
  const GUESS = 1024;
  for (; k < starts.length; k++) {
    const s = starts[k]!;
    let got = 0;
    let e = -1;
    while (e === -1) {
      // One byte kept for the newline of a last line without one.
      const room = end - dst - got - 1;
      if (room <= 0) return [k, dst, after];
      const n = readAt(fd, buf, dst + got, Math.min(room, GUESS), s + got);
      const nl = n === 0 ? -1 : buf.indexOf(0x0a, dst + got);
      if (n === 0) e = dst + got;
      else if (nl !== -1 && nl < dst + got + n) e = nl;
      else got += n;
    }
    buf[e] = 0x0a;
    after = s + e - dst + 1;
    dst = e + 1;
  }
  return [k, dst, after];
}

/**
 * Copies the lines of a block, `buf[0, end)` at file offset `base`, that start at
 * `starts[k]`, `starts[k + 1]`, … below `limit` into `out` from `dst`, each followed by
 * a newline, while they fit; starts before the block are passed by. Returns as
 * `readLinesAt` does: a line that does not fit is left at the k returned.
 *
 * @example
 * const [next, used] = copyLinesAt(block, end, base, base + end, starts, 0, slot, 0, 0);
 */
export function copyLinesAt(buf: Buffer, end: number, base: number, limit: number, starts: Float64Array, k: number, out: Buffer, dst: number, after: number): [k: number, dst: number, after: number] {
  for (; k < starts.length && starts[k]! < limit; k++) {
    const s = starts[k]! - base;
    if (s < 0) continue;
    let e = buf.indexOf(0x0a, s);
    if (e === -1 || e > end) e = end;
    if (dst + e - s + 1 > out.length) return [k, dst, after];
    buf.copy(out, dst, s, e);
    out[dst + e - s] = 0x0a;
    dst += e - s + 1;
    after = base + e + 1;
  }
  return [k, dst, after];
}
