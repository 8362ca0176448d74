/**
 * Deciding from the bytes alone that a line is not below any event of a set: what
 * timelines and trees need for the many lines that are not theirs. A line is only ever
 * output after a full parse; this only lets the scan pass lines by.
 */

import { needleCursor, toNeedle } from "./needle.js";
import { pairCursor, type SearchPool } from "./simd.js";

// Every "parent_event_id" key contains these bytes; other keys that end so (say
// "run_event_id") are merely checked too.
const PARENT_KEY = toNeedle(Buffer.from('_event_id":'));
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = { o1: 0, b1: 0x0a, o2: 0, b2: 0x0a };

/** Per-block state: cursors over the newlines, backslashes and parent keys, each searched for once per block. */
export interface PeekCursor {
  buf: Buffer;
  nextBackslash: number;
  nextKey: (from: number) => number;
  /** For `eachLine`: the block's newlines. */
  nextNewline: (from: number) => number;
}

/** A cursor for the lines of one block, `buf[0, end)`, visited in order. */
export function peekCursor(buf: Buffer, end: number, pool?: SearchPool): PeekCursor {
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

/** A 32-bit hash of an ASCII id; the same as `notAChildOf` computes from a line's bytes. */
function hashId(id: string): number {
  let h = 0;
  for (let k = 0; k < id.length; k++) h = (Math.imul(h, 31) + id.charCodeAt(k)) | 0;
  return h;
}

/** An empty set of id hashes. */
export function createIdHashes(): IdHashes {
  const hashes = new Set<number>();
  return { add: (id) => void hashes.add(hashId(id)), mayHold: (h) => hashes.has(h) };
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
export function notAChildOf(cursor: PeekCursor, s: number, e: number, hashes: IdHashes, known: (id: string) => boolean): boolean {
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
