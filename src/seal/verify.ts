/**
 * `trace verify`: every sealed day checked against its seal, the seal file against its
 * chain (and key). A day's verdict is one word and where it can, the first byte that
 * differs; the command holds when every day does.
 */
import { isSealed, type DayFile } from "../store/layout.js";
import { hashDay, hashDays } from "./day-hash.js";
import { dayOfRecord, PIECE_BYTES, readSeals, type DaySeal } from "./record.js";
import { filesByDay } from "./seal.js";

/** What `verify` says of one day (or of one line of the seal file). */
export interface DayVerdict {
  day: string;
  state: "ok" | "extended" | "modified" | "truncated" | "missing" | "retired" | "added" | "unsealed" | "out of chain" | "forged";
  /** True when this verdict breaks the seal: the command exits 1. */
  fails: boolean;
  detail?: string;
  /** The first byte that differs, to within a piece, where the seal can place it. */
  offset?: number;
}

/** Where two days' piece hashes first differ: the start of that piece. */
function firstDifference(sealed: readonly string[], now: readonly string[]): number {
  for (let i = 0; i < sealed.length; i++) if (sealed[i] !== now[i]) return i * PIECE_BYTES;
  return sealed.length * PIECE_BYTES;
}

/**
 * Checks the store `dir`: each sealed day's bytes against its seal, each seal line's link
 * to the one before, and with `key` each line's signature.
 *
 * @example
 * const verdicts = await verifyStore(".space/trace", { key });
 * const holds = verdicts.every((v) => !v.fails);
 */
export async function verifyStore(dir: string, options: { key?: Buffer | undefined; now?: number } = {}): Promise<DayVerdict[]> {
  const now = options.now ?? Date.now();
  const seals = readSeals(dir, options.key);
  const days = filesByDay(dir);
  const out: DayVerdict[] = [];
  // The days to hash, hashed together at the end (on a thread per core): where each verdict goes.
  const checks: { at: number; seal: Sealed; files: readonly DayFile[] | undefined; against: string }[] = [];
  const check = (seal: Sealed, files: readonly DayFile[] | undefined, against = "the seal"): void => {
    checks.push({ at: out.length, seal, files, against });
    out.push({ day: seal.day, state: "ok", fails: false });
  };
  const bySum = new Map(seals.flatMap((s) => ("day" in s.record ? [[s.record.sha256, s.record.day] as const] : [])));
  const seen = new Set<string>();
  // A day the rule retired is judged by its retirement, not by the seal it had before.
  const retired = new Set(seals.flatMap((s) => ("retired" in s.record ? [s.record.retired] : [])));
  let last = "";
  // Only the last checkpoint of a day is read again: the earlier ones are in its chain.
  const lastCheckpoint = new Map(seals.flatMap((s) => ("checkpoint" in s.record ? [[s.record.checkpoint, s.line] as const] : [])));
  for (const { record, linked, signed, line } of seals) {
    const day = dayOfRecord(record);
    const where = `seals.ndjson:${line}`;
    if (!linked) out.push({ day, state: "out of chain", fails: true, detail: `${where} does not follow the line before it (a line removed, changed or moved)` });
    if (signed === false && !("retired" in record)) out.push({ day, state: "forged", fails: true, detail: `${where} is not signed by this key` });
    if ("checkpoint" in record) {
      if (lastCheckpoint.get(day) === line) check({ ...record, day }, days.get(day), `the checkpoint of ${new Date(record.sealed_at).toISOString()}`);
      continue;
    }
    if (day < last && "day" in record) out.push({ day, state: "out of chain", fails: true, detail: `${where} seals ${day} after ${last}` });
    if (day > last) last = day;
    seen.add(day);
    if ("retired" in record) {
      out.push({ day, state: "retired", fails: false, detail: `by the rule: ${record.rule}${signed === false ? " (the prune's word: retirements are not signed)" : ""}` });
      continue;
    }
    if (!retired.has(day) || days.has(day)) check(record, days.get(day));
  }
  const hashed = await hashDays(checks.flatMap((c) => (c.files ? [{ files: c.files, limit: c.seal.bytes }] : [])));
  let k = 0;
  for (const c of checks) out[c.at] = await verdictOf(c.seal, c.files, c.files ? hashed[k++]! : undefined, bySum, c.against);
  for (const [day, files] of days) {
    if (seen.has(day) || !files.every((f) => isSealed(f, now))) continue;
    out.push(day < last ? { day, state: "added", fails: true, detail: "an ended day older than the last seal, never sealed" } : { day, state: "unsealed", fails: false, detail: "ended, not sealed yet (trace seal)" });
  }
  // A retired day that is back, or a seal retired twice, is the last word's: one verdict per day, failures first.
  return out.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : Number(b.fails) - Number(a.fails)));
}

/** What a seal or a checkpoint says of a day. */
type Sealed = Pick<DaySeal, "day" | "bytes" | "sha256" | "pieces">;

/** A day's bytes (hashed up to the sealed length) against what `against` (its seal, or a checkpoint of it while open) says of them. */
async function verdictOf(seal: Sealed, files: readonly DayFile[] | undefined, hashed: Awaited<ReturnType<typeof hashDays>>[number] | undefined, bySum: ReadonlyMap<string, string>, against: string): Promise<DayVerdict> {
  const verdict = await compareDay(seal, files, hashed, bySum);
  if (against === "the seal") return verdict;
  // An open day grows: lines after its checkpoint are today's writes, not a change.
  if (verdict.state === "ok" || verdict.state === "extended") return { day: seal.day, state: "ok", fails: false, detail: `its first ${seal.bytes} bytes as at ${against}` };
  return { ...verdict, detail: `${verdict.detail} (against ${against})` };
}

async function compareDay(seal: Sealed, files: readonly DayFile[] | undefined, hashed: Awaited<ReturnType<typeof hashDays>>[number] | undefined, bySum: ReadonlyMap<string, string>): Promise<DayVerdict> {
  const day = seal.day;
  if (!files || !hashed) return { day, state: "missing", fails: true, detail: `sealed with ${seal.bytes} bytes; no day file` };
  if ("error" in hashed) return { day, state: "modified", fails: true, detail: `cannot be read whole (${hashed.error})` };
  const hash = hashed.hash;
  if (hash.total < seal.bytes) return { day, state: "truncated", fails: true, offset: Math.min(hash.total, firstDifference(seal.pieces, hash.pieces)), detail: `${hash.total} of ${seal.bytes} sealed bytes` };
  if (hash.sha256 !== seal.sha256) {
    // Rare: the whole day hashed once more, to name the day whose bytes it holds.
    const other = await hashDay(files).then((h) => bySum.get(h.sha256), () => undefined);
    return { day, state: "modified", fails: true, offset: firstDifference(seal.pieces, hash.pieces), detail: other && other !== day ? `holds the bytes sealed for ${other}` : "its bytes differ from the seal" };
  }
  if (hash.total > seal.bytes) return { day, state: "extended", fails: false, offset: seal.bytes, detail: `${hash.total - seal.bytes} bytes appended after its seal (a late event), the sealed ones intact` };
  return { day, state: "ok", fails: false };
}
