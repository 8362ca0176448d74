/**
 * Deciding from the bytes alone that a line is not below any event of a set: what
 * timelines and trees need for the many lines that are not theirs. A line is only ever
 * output after a full parse; this only lets the scan pass lines by.
 */

import { needleCursor, pairCursor } from "./positions.js";
import { eachLine } from "../store/lines.js";
import { BACKSLASH, toNeedle } from "./needle.js";
import { inMemory, type SearchPool } from "./pool.js";
import { AT, BITS } from "./wasm/layout.js";

// Every "parent_event_id" key contains these bytes; other keys that end so (say
// "run_event_id") are merely checked too.
const PARENT_KEY = toNeedle(Buffer.from('_event_id":'));
const QUOTE = 0x22;
const NEWLINE = { o1: 0, b1: 0x0a, o2: 0, b2: 0x0a };

/** Per-block state: cursors over the newlines, backslashes and parent keys, each searched for once per block. */
interface PeekCursor {
  buf: Buffer;
  nextBackslash: number;
  nextKey: (from: number) => number;
  /** For `eachLine`: the block's newlines. */
  nextNewline: (from: number) => number;
}

/** A cursor for the lines of one block, `buf[0, end)`, visited in order. */
function peekCursor(buf: Buffer, end: number, pool?: SearchPool): PeekCursor {
  const key = pool ? pool.tune(PARENT_KEY, buf.subarray(0, end)) : PARENT_KEY;
  return {
    buf,
    nextBackslash: buf.indexOf(BACKSLASH),
    nextKey: needleCursor(buf, end, key, pool, 1),
    nextNewline: pairCursor(buf, end, NEWLINE, pool, 0),
  };
}

/**
 * Hashes of the ids of a set, so that a line's parent can be ruled out from its bytes
 * without decoding it; a hash that matches only means "decode it and ask the set".
 */
export interface IdHashes {
  add(id: string): void;
  mayHold(hash: number): boolean;
}

/**
 * The engine's one hash of an id: 32 bits of its characters (an ASCII id's bytes give
 * the same), what `notAChildOf` and the day tables compute from a line's bytes.
 */
export function hashId(id: string): number {
  let h = 0;
  for (let k = 0; k < id.length; k++) h = (Math.imul(h, 31) + id.charCodeAt(k)) | 0;
  return h;
}

const BIT_MASK = BITS - 1;

/**
 * An empty set of id hashes; with a pool that has SIMD, also kept as a bitset in its
 * memory for peek.wat (one set per pool at a time: it clears the bitset).
 */
export function createIdHashes(pool?: SearchPool): IdHashes {
  const hashes = new Set<number>();
  const simd = pool?.simd;
  const bits = simd ? new Uint8Array(simd.memory, AT.bits, BITS >> 3).fill(0) : undefined;
  return {
    add(id) {
      const h = hashId(id);
      hashes.add(h);
      if (bits) bits[(h & BIT_MASK) >> 3]! |= 1 << (h & 7);
    },
    mayHold: (h) => hashes.has(h),
  };
}

/** Calls `fn(s, e)` for the lines in `[from, stop)` (line starts) that may be children, in order. */
export type MaybeChildren = (from: number, stop: number, fn: (s: number, e: number) => void) => void;

/**
 * The lines of `buf[0, end)` that `notAChildOf` cannot pass by, a stretch at a time
 * (a caller that adds members between stretches is heard in the next one). On a block
 * in the pool's WebAssembly memory peek.wat finds them in one pass, a hash in the set's
 * bitset counting as "maybe" (the caller parses and sees); other blocks go line by
 * line through `notAChildOf`. `hashes` must come from this pool.
 *
 * @example
 * maybeChildren(buf, end, pool, hashes, (id) => members.has(id))(0, end, (s, e) => parseAt(buf, s, e));
 */
export function maybeChildren(buf: Buffer, end: number, pool: SearchPool, hashes: IdHashes, known: (id: string) => boolean): MaybeChildren {
  if (!inMemory(buf, pool)) {
    const cursor = peekCursor(buf, end, pool);
    return (from, stop, fn) => void eachLine(buf, stop, (s, e) => void (notAChildOf(cursor, s, e, hashes, known) || fn(s, e)), from, Infinity, cursor.nextNewline);
  }
  const key = pool.tune(PARENT_KEY, buf.subarray(0, end));
  const [b1, b2] = [key.bytes[key.o1]!, key.bytes[key.o2]!];
  const simd = pool.simd;
  const lineEnd = new Int32Array(simd.memory, AT.lineEnd, 1);
  const base = buf.byteOffset;
  return (from, stop, fn) => {
    for (;;) {
      const s = simd.child(base + from, base + stop, key.o1, b1, key.o2, b2, AT.bits, AT.lineEnd);
      if (s === -1) return;
      const e = lineEnd[0]! - base;
      fn(s - base, e);
      from = e + 1;
    }
  };
}

/**
 * True when the line at `[s, e)` cannot be a child of any id of a set (`hashes` holds
 * theirs; `known` is the exact test): it holds no backslash, and every key in it
 * ending `_event_id` — the real `parent_event_id` is among them, since those bytes can
 * only be a key in JSON — is followed by `null` or by a plain ASCII string that is not
 * in the set. False means "parse it and see".
 *
 * @example
 * const cursor = peekCursor(buf, end, pool);
 * eachLine(buf, end, (s, e) => { if (notAChildOf(cursor, s, e, hashes, (id) => members.has(id))) return; … }, 0, Infinity, cursor.nextNewline);
 */
function notAChildOf(cursor: PeekCursor, s: number, e: number, hashes: IdHashes, known: (id: string) => boolean): boolean {
  const { buf } = cursor;
  if (cursor.nextBackslash !== -1 && cursor.nextBackslash < s) cursor.nextBackslash = buf.indexOf(BACKSLASH, s);
  if (cursor.nextBackslash !== -1 && cursor.nextBackslash < e) return false;
  let seen = false;
  for (let key = cursor.nextKey(s); key !== -1 && key < e; key = cursor.nextKey(key + 1)) {
    seen = true;
    const v = key + PARENT_KEY.bytes.length;
    if (buf[v] === 0x6e && buf[v + 1] === 0x75 && buf[v + 2] === 0x6c && buf[v + 3] === 0x6c) continue;
    if (buf[v] !== QUOTE) return false;
    // No backslash in the line, so the next quote closes the string.
    let close = v + 1;
    let h = 0;
    for (let c = buf[close]!; c !== QUOTE; c = buf[++close]!) {
      if (close >= e || c >= 0x80) return false;
      h = (Math.imul(h, 31) + c) | 0;
    }
    if (hashes.mayHold(h) && known(buf.toString("latin1", v + 1, close))) return false;
  }
  return seen;
}
