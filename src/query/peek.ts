/**
 * Deciding from the bytes alone that a line is not below any event of a set: what
 * timelines and trees need for the many lines that are not theirs. A line is only ever
 * output after a full parse; this only lets the scan pass lines by.
 */

// Every "parent_event_id" key contains these bytes, and indexOf finds them fast; other
// keys that end so (say "run_event_id") are merely checked too.
const PARENT_KEY = Buffer.from('_event_id":');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Per-block state: the next backslash and parent key, so each is searched for once per block. */
export interface PeekCursor {
  buf: Buffer;
  nextBackslash: number;
  nextKey: number;
}

/** A cursor for one block of lines, visited in order. */
export function peekCursor(buf: Buffer): PeekCursor {
  return { buf, nextBackslash: buf.indexOf(BACKSLASH), nextKey: buf.indexOf(PARENT_KEY) };
}

/**
 * True when the line at `[s, e)` cannot be a child of any id that `known` accepts:
 * it holds no backslash, and every key in it ending `_event_id` — the real
 * `parent_event_id` is among them, since those bytes can only be a key in JSON — is
 * followed by `null` or by a plain ASCII string that `known` rejects. False means
 * "parse it and see".
 *
 * @example
 * const cursor = peekCursor(buf);
 * eachLine(buf, end, (s, e) => { if (notAChildOf(cursor, s, e, (id) => members.has(id))) return; … });
 */
export function notAChildOf(cursor: PeekCursor, s: number, e: number, known: (id: string) => boolean): boolean {
  const { buf } = cursor;
  if (cursor.nextBackslash !== -1 && cursor.nextBackslash < s) cursor.nextBackslash = buf.indexOf(BACKSLASH, s);
  if (cursor.nextBackslash !== -1 && cursor.nextBackslash < e) return false;
  if (cursor.nextKey !== -1 && cursor.nextKey < s) cursor.nextKey = buf.indexOf(PARENT_KEY, s);
  let seen = false;
  for (; cursor.nextKey !== -1 && cursor.nextKey < e; cursor.nextKey = buf.indexOf(PARENT_KEY, cursor.nextKey + 1)) {
    seen = true;
    const v = cursor.nextKey + PARENT_KEY.length;
    if (buf[v] === 0x6e && buf[v + 1] === 0x75 && buf[v + 2] === 0x6c && buf[v + 3] === 0x6c) continue;
    if (buf[v] !== QUOTE) return false;
    const close = buf.indexOf(QUOTE, v + 1);
    if (close === -1 || close >= e) return false;
    for (let i = v + 1; i < close; i++) if (buf[i]! >= 0x80) return false;
    if (known(buf.toString("latin1", v + 1, close))) return false;
  }
  return seen;
}
