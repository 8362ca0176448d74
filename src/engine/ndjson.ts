import type { ReadEvent } from "../store/read.js";
import { CheckedLine, CheckedRun, lineBytes, type Hits } from "./hits.js";

/**
 * The stored lines of `hits` as NDJSON bytes, one per line, exactly as they stand in
 * the store. A run is a view of its bytes; lines the check accepted are copied as
 * bytes, neighbours of one block in one copy, so `--json` never decodes and encodes them.
 *
 * @example
 * for await (const batch of answered.batches) process.stdout.write(toNdjson(batch));
 */
export function toNdjson(hits: Hits): Buffer {
  if (hits instanceof CheckedRun) return hits.ndjson();
  const whole = asOneView(hits);
  if (whole) return whole;
  let size = 0;
  for (const hit of hits) size += lineBytes(hit) + 1;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = 0; i < hits.length; ) {
    const hit = hits[i++]!;
    if (!(hit instanceof CheckedLine)) {
      at += hit.bytes ? hit.bytes.copy(out, at) : out.write(hit.line, at);
      out[at++] = 0x0a;
      continue;
    }
    // A checked line is followed by its newline; lines next to each other in one buffer go as one run.
    let stop = hit.end + 1;
    for (let next = hits[i]; next instanceof CheckedLine && next.bytes === hit.bytes && next.start === stop; next = hits[++i]) stop = next.end + 1;
    at += hit.bytes.copy(out, at, hit.start, stop);
  }
  return out;
}

/** The hits' bytes as one view when they stand one after another in one buffer (a block's lines): no copy. */
function asOneView(hits: readonly ReadEvent[]): Buffer | undefined {
  const first = hits[0];
  if (!(first instanceof CheckedLine)) return undefined;
  let stop = first.end + 1;
  for (let i = 1; i < hits.length; i++) {
    const hit = hits[i];
    if (!(hit instanceof CheckedLine) || hit.bytes !== first.bytes || hit.start !== stop) return undefined;
    stop = hit.end + 1;
  }
  return first.bytes.subarray(first.start, stop);
}
