import { randomFillSync } from "node:crypto";

/** A UUIDv7 source: each call returns a new lowercase canonical id. */
export type IdSource = () => string;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const POOL_IDS = 512;

/**
 * A fast UUIDv7 generator (RFC 9562: 48-bit ms time, version 7, 74 random bits).
 * It draws randomness from a pooled buffer; the benchmark measures it against the
 * `uuidv7` package, which it replaces on the emit hot path.
 *
 * @example
 * const next = createIdSource();
 * next(); // "019a4f3e-8c1a-7d2e-9b4f-0a1b2c3d4e5f"
 */
export function createIdSource(clock: () => number = Date.now): IdSource {
  const pool = Buffer.allocUnsafe(POOL_IDS * 10);
  let at = pool.length;
  let lastMs = -1;
  let timePart = "";
  return () => {
    if (at === pool.length) {
      randomFillSync(pool);
      at = 0;
    }
    const ms = clock();
    if (ms !== lastMs) {
      // Many ids share a millisecond: format its 48 bits once.
      const hi = Math.floor(ms / 0x10000);
      timePart = HEX[(hi >>> 24) & 0xff]! + HEX[(hi >>> 16) & 0xff]! + HEX[(hi >>> 8) & 0xff]! + HEX[hi & 0xff]! + "-" + HEX[(ms >>> 8) & 0xff]! + HEX[ms & 0xff]! + "-";
      lastMs = ms;
    }
    const r = at;
    at += 10;
    return (
      timePart +
      HEX[0x70 | (pool[r]! & 0x0f)]! + HEX[pool[r + 1]!]! + "-" +
      HEX[0x80 | (pool[r + 2]! & 0x3f)]! + HEX[pool[r + 3]!]! + "-" +
      HEX[pool[r + 4]!]! + HEX[pool[r + 5]!]! + HEX[pool[r + 6]!]! + HEX[pool[r + 7]!]! + HEX[pool[r + 8]!]! + HEX[pool[r + 9]!]!
    );
  };
}
