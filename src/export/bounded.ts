/** A map that forgets its oldest entries, so that memory stays flat however long the export. */

/** Entries a map keeps by default. */
export const REMEMBERED = 1 << 17;

/**
 * Sets `key`; a map at `limit` entries first forgets its oldest quarter (Maps keep insertion order).
 *
 * @example
 * remember(seen, event.id, place);
 */
export function remember<V>(map: Map<string, V>, key: string, value: V, limit = REMEMBERED): V {
  if (map.size >= limit) {
    let drop = limit >> 2;
    for (const k of map.keys()) {
      if (drop-- <= 0) break;
      map.delete(k);
    }
  }
  map.set(key, value);
  return value;
}
