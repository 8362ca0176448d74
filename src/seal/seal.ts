/**
 * Sealing a store's ended days: each day after the last one sealed gets a line in the seal
 * file, in day order, with its length and hashes. A day is sealed once; what happens to it
 * after (an edit, a truncation, its deletion) is what `verify` finds.
 */
import { statSync } from "node:fs";
import { basename } from "node:path";
import { isSealed, listDayFiles, type DayFile } from "../store/layout.js";
import { hashDay } from "./day-hash.js";
import { appendSeals, readSeals, type DaySeal, type SealRecord } from "./record.js";

/** What sealing did. */
export interface SealResult {
  /** Days sealed now. */
  sealed: { day: string; bytes: number }[];
  /** Ended days older than the last sealed one and never sealed: only `verify` speaks of them (as added). */
  passed: string[];
}

/** A store's day files, by day. */
export function filesByDay(dir: string): Map<string, DayFile[]> {
  const days = new Map<string, DayFile[]>();
  for (const f of listDayFiles(dir)) days.set(f.day, [...(days.get(f.day) ?? []), f]);
  return days;
}

/** The last day the seal file speaks of, sealed or retired. */
function lastDay(records: readonly SealRecord[]): string {
  let last = "";
  for (const r of records) {
    const day = "day" in r ? r.day : r.retired;
    if (day > last) last = day;
  }
  return last;
}

/**
 * Seals every ended day of `dir` later than the last day sealed, signing each line with
 * `key` when given (an HMAC key kept outside the store).
 *
 * @example
 * const { sealed } = await sealStore(".space/trace", { key });
 */
export async function sealStore(dir: string, options: { key?: Buffer | undefined; now?: number } = {}): Promise<SealResult> {
  const now = options.now ?? Date.now();
  const last = lastDay(readSeals(dir).map((s) => s.record));
  const records: Omit<DaySeal, "prev" | "mac">[] = [];
  const passed: string[] = [];
  for (const [day, files] of filesByDay(dir)) {
    if (!files.every((f) => isSealed(f, now))) continue;
    if (day <= last) {
      passed.push(day);
      continue;
    }
    const stats = files.map((f) => statSync(f.path));
    const hash = await hashDay(files);
    records.push({ v: 1, day, bytes: hash.bytes, sha256: hash.sha256, pieces: hash.pieces, files: files.map((f, i) => [basename(f.path), stats[i]!.size, stats[i]!.mtimeMs]), sealed_at: now });
  }
  appendSeals(dir, records, options.key);
  return { sealed: records.map((r) => ({ day: r.day, bytes: r.bytes })), passed: passed.filter((d) => !readSeals(dir).some((s) => "day" in s.record && s.record.day === d)) };
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
