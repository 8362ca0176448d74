/**
 * Sealing a store's ended days: each day after the last one sealed gets a line in the seal
 * file, in day order, with its length and hashes. A day is sealed once; what happens to it
 * after (an edit, a truncation, its deletion) is what `verify` finds.
 */
import { closeSync, fstatSync, openSync, statSync } from "node:fs";
import { basename } from "node:path";
import { isSealed, listDayFiles, type DayFile } from "../store/layout.js";
import { hashDay } from "./day-hash.js";
import { wholeLinesEnd } from "../store/lines.js";
import { appendSeals, dayOfRecord, readSeals, type Checkpoint, type DaySeal, type SealRecord, type Unlinked } from "./record.js";

/** What sealing did. */
export interface SealResult {
  /** Days sealed now. */
  sealed: { day: string; bytes: number }[];
  /** Ended days older than the last sealed one and never sealed: only `verify` speaks of them (as added). */
  passed: string[];
  /** Days whose bytes no longer match their last checkpoint: not sealed over (`verify` names them). */
  refused: string[];
  /** The open day's whole lines, checkpointed now. */
  checkpoint?: { day: string; bytes: number };
}

/** The bytes of `path` up to the end of its last whole line. */
function wholeLinesOf(path: string): number {
  const fd = openSync(path, "r");
  try {
    return wholeLinesEnd(fd, fstatSync(fd).size);
  } finally {
    closeSync(fd);
  }
}

/** A store's day files, by day. */
export function filesByDay(dir: string): Map<string, DayFile[]> {
  const days = new Map<string, DayFile[]>();
  for (const f of listDayFiles(dir)) days.set(f.day, [...(days.get(f.day) ?? []), f]);
  return days;
}

/** The last day the seal file seals or retires. */
function lastDay(records: readonly SealRecord[]): string {
  let last = "";
  for (const r of records) {
    if ("checkpoint" in r) continue;
    const day = dayOfRecord(r);
    if (day > last) last = day;
  }
  return last;
}

/**
 * Seals every ended day of `dir` later than the last day sealed, and checkpoints the open
 * day's whole lines, signing each line with `key` when given (an HMAC key kept outside the
 * store). A day that no longer holds what its last checkpoint saw is refused.
 *
 * @example
 * const { sealed } = await sealStore(".space/trace", { key });
 */
export async function sealStore(dir: string, options: { key?: Buffer | undefined; now?: number } = {}): Promise<SealResult> {
  const now = options.now ?? Date.now();
  const known = readSeals(dir).map((s) => s.record);
  const last = lastDay(known);
  const records: Unlinked<DaySeal | Checkpoint>[] = [];
  const passed: string[] = [];
  const refused: string[] = [];
  let checkpoint: SealResult["checkpoint"];
  for (const [day, files] of filesByDay(dir)) {
    // What a checkpoint saw of the day must still be there before anything is sealed over it.
    const before = known.filter((r): r is Checkpoint => "checkpoint" in r && r.checkpoint === day).at(-1);
    if (before && (day > last || !files.every((f) => isSealed(f, now))) && (await hashDay(files, before.bytes)).sha256 !== before.sha256) {
      refused.push(day);
      continue;
    }
    if (!files.every((f) => isSealed(f, now))) {
      // The open day: its whole lines so far, once they grew since the last checkpoint.
      const open = files.length === 1 && !files[0]!.gz ? files[0]! : undefined;
      const bytes = open ? wholeLinesOf(open.path) : 0;
      if (open && bytes > (before?.bytes ?? 0)) {
        const hash = await hashDay([open], bytes);
        records.push({ v: 1, checkpoint: day, bytes: hash.bytes, sha256: hash.sha256, pieces: hash.pieces, sealed_at: now });
        checkpoint = { day, bytes: hash.bytes };
      }
      continue;
    }
    if (day <= last) {
      passed.push(day);
      continue;
    }
    const stats = files.map((f) => statSync(f.path));
    const hash = await hashDay(files);
    records.push({ v: 1, day, bytes: hash.bytes, sha256: hash.sha256, pieces: hash.pieces, files: files.map((f, i) => [basename(f.path), stats[i]!.size, stats[i]!.mtimeMs]), sealed_at: now });
  }
  appendSeals(dir, records, options.key);
  const sealed = records.flatMap((r) => ("day" in r ? [{ day: r.day, bytes: r.bytes }] : []));
  return { sealed, passed: passed.filter((d) => !known.some((r) => "day" in r && r.day === d)), refused, ...(checkpoint ? { checkpoint } : {}) };
}

/**
 * Records that the retention rule retires `days` (before they are deleted), so that
 * `verify` tells them from days removed by hand. A store never sealed records nothing.
 *
 * @example
 * retireDays(dir, ["2026-10-01"], "older than 30d");
 */
export function retireDays(dir: string, days: readonly string[], rule: string, now = Date.now()): void {
  const seals = readSeals(dir);
  if (seals.length === 0) return;
  const sealed = new Set(seals.flatMap((s) => ("day" in s.record ? [s.record.day] : [])));
  const retired = new Set(seals.flatMap((s) => ("retired" in s.record ? [s.record.retired] : [])));
  appendSeals(dir, days.filter((d) => sealed.has(d) && !retired.has(d)).map((day) => ({ v: 1, retired: day, rule, sealed_at: now })));
}
