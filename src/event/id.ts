import { randomFillSync } from "node:crypto";

/** A UUIDv7 source: each call returns a new lowercase canonical id, for the time `ms` (default: its clock's now). */
export type IdSource = (ms?: number) => string;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
/** The two ASCII hex digits of each byte value, as bytes. */
const HEX_BYTES = Buffer.from(HEX.join(""), "latin1");
const POOL_IDS = 512;
/** Random bytes and text characters of an id's tail, `7xxx-yxxx-xxxxxxxxxxxx`. */
const TAIL_BYTES = 10;
const TAIL_CHARS = 22;

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
  const random = Buffer.allocUnsafe(POOL_IDS * TAIL_BYTES);
  const text = Buffer.allocUnsafe(POOL_IDS * TAIL_CHARS);
  let tails = "";
  let at = tails.length;
  let lastMs = -1;
  let timePart = "";
  return (ms = clock()) => {
    if (at === tails.length) {
      tails = randomTails(random, text);
      at = 0;
    }
    if (ms !== lastMs) {
      // Many ids share a millisecond: format its 48 bits once.
      const hi = Math.floor(ms / 0x10000);
      timePart = HEX[(hi >>> 24) & 0xff]! + HEX[(hi >>> 16) & 0xff]! + HEX[(hi >>> 8) & 0xff]! + HEX[hi & 0xff]! + "-" + HEX[(ms >>> 8) & 0xff]! + HEX[ms & 0xff]! + "-";
      lastMs = ms;
    }
    // Three pieces rather than a dozen. Two slices of 11: V8 copies a slice shorter than
    // 13 characters, where a longer one is a view that would keep the pool's whole text
    // alive for as long as any of its ids lives.
    const half = at + TAIL_CHARS / 2;
    return timePart + tails.slice(at, half) + tails.slice(half, (at += TAIL_CHARS));
  };
}

/**
 * The random tails of a pool of ids as one string: one native call for 512 ids,
 * where a dozen concatenations per id cost more than the rest of an emit's id.
 */
function randomTails(random: Buffer, text: Buffer): string {
  randomFillSync(random);
  for (let r = 0, t = 0; r < random.length; r += TAIL_BYTES) {
    t = hexByte(text, t, 0x70 | (random[r]! & 0x0f));
    t = hexByte(text, t, random[r + 1]!);
    text[t++] = 0x2d;
    t = hexByte(text, t, 0x80 | (random[r + 2]! & 0x3f));
    t = hexByte(text, t, random[r + 3]!);
    text[t++] = 0x2d;
    for (let k = 4; k < TAIL_BYTES; k++) t = hexByte(text, t, random[r + k]!);
  }
  return text.toString("latin1");
}

function hexByte(text: Buffer, at: number, byte: number): number {
  text[at] = HEX_BYTES[byte * 2]!;
  text[at + 1] = HEX_BYTES[byte * 2 + 1]!;
  return at + 2;
}
