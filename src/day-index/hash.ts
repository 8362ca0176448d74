/** The keys of an index: a 32-bit hash of a field's value bytes, an id (and a parent's id) by its last eight bytes. */
import type { IndexedField } from "../engine/facade.js";

/** Bytes of an id's end that stand for it: a full id and an 8+ character suffix of it share them. */
export const ID_KEY_BYTES = 8;

/** FNV-1a over `buf[s, e)`. */
export function hashBytes(buf: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h >>> 0;
}

/** FNV-1a over 32-bit words: the checksum of word-aligned parts, four times fewer steps. */
export function hashWords(words: Uint32Array): number {
  // Read as signed words, the same bits: a word above 2^31 read from a Uint32Array is a
  // heap number in V8's interpreter, where a cold start runs this (twice as slow, and garbage).
  const signed = new Int32Array(words.buffer, words.byteOffset, words.length);
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < signed.length; i++) h = Math.imul(h ^ signed[i]!, 0x01000193);
  return h >>> 0;
}

/** The key of a field's value as stored: an id's last bytes (a UUIDv7's random ones), any other value whole. */
export function keyOfBytes(field: IndexedField, buf: Uint8Array, s: number, e: number): number {
  return field === "id" || field === "parent_event_id" ? hashBytes(buf, Math.max(s, e - ID_KEY_BYTES), e) : hashBytes(buf, s, e);
}

/**
 * The key of a value a query names (an id, or an id suffix of at least 8 characters).
 * Where the characters hashed are ASCII they are their UTF-8 bytes, hashed as they
 * stand: a buffer made for each value cost a timeline's lookups, cold, 1–2 ms.
 */
export function keyOf(field: IndexedField, value: string): number {
  const from = field === "id" || field === "parent_event_id" ? Math.max(0, value.length - ID_KEY_BYTES) : 0;
  let h = 0x811c9dc5;
  for (let i = from; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) {
      const bytes = Buffer.from(value, "utf8");
      return keyOfBytes(field, bytes, 0, bytes.length);
    }
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h >>> 0;
}
