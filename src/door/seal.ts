/**
 * Tamper evidence as the library offers it: sealing ended days and verifying them. The
 * machinery loads on first call, so that a writer's or a query's start never pays for it.
 */
import { changedSinceSeal } from "../seal/changed.js";
import type { SealResult } from "../seal/seal.js";
import { dayOf } from "../store/layout.js";
import type { DayVerdict } from "../seal/verify.js";

/** Where a seal is made or checked: the store, and the HMAC key file kept outside it. */
export interface SealOptions {
  /** A file of at least 16 bytes; without it, seals are chained but not signed. */
  keyFile?: string | undefined;
  now?: number;
}

/**
 * Seals every ended day of `dir` later than the last sealed one (`trace seal`).
 *
 * @example
 * const { sealed } = await seal(".space/trace", { keyFile: "/etc/trace/seal.key" });
 */
export async function seal(dir: string, options: SealOptions = {}): Promise<SealResult> {
  const [{ sealStore }, { readKey }] = await Promise.all([import("../seal/seal.js"), import("../seal/record.js")]);
  return sealStore(dir, { key: options.keyFile === undefined ? undefined : readKey(options.keyFile), ...(options.now === undefined ? {} : { now: options.now }) });
}

/**
 * Checks every sealed day of `dir` against its seal and the seal file against its chain
 * and key (`trace verify`): one verdict a day; the store holds when none `fails`.
 *
 * @example
 * const broken = (await verify(".space/trace")).filter((v) => v.fails);
 */
export async function verify(dir: string, options: SealOptions = {}): Promise<DayVerdict[]> {
  const [{ verifyStore }, { readKey }] = await Promise.all([import("../seal/verify.js"), import("../seal/record.js")]);
  return verifyStore(dir, { key: options.keyFile === undefined ? undefined : readKey(options.keyFile), ...(options.now === undefined ? {} : { now: options.now }) });
}

/**
 * Tells `onNote` of each sealed day file of `dirs` in the question's time range whose size
 * or time moved since it was sealed: a glance, once per query, no hashing.
 *
 * @example
 * tellChangedSinceSeal(read.dirs, asked.filter, reading.onNote);
 */
export function tellChangedSinceSeal(dirs: readonly string[], range: { since?: number | undefined; until?: number | undefined }, onNote: ((message: string) => void) | undefined): void {
  if (!onNote) return;
  const from = range.since === undefined ? undefined : dayOf(range.since);
  const to = range.until === undefined ? undefined : dayOf(range.until);
  for (const dir of dirs) for (const note of changedSinceSeal(dir, from, to)) onNote(note);
}
