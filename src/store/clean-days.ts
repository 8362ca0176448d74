/**
 * Sealed days known to hold nothing a masking policy masks, so that their lines go out
 * as stored without a look. A day is noted once a read of all of it found it so; the
 * note names the file (inode, size, mtime) and the policy (its keys and patterns), and any change
 * to either makes it void: an edit in place of the same size moves the mtime. Kept in `redaction-clean.json` beside the day files: derived,
 * never needed (deleting it costs speed only).
 */
import { readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { isPlainObject, parseEventLine } from "../event/envelope.js";
import { createMasker, type Masker, type RedactPolicy } from "../event/redact.js";
import { policyOf } from "./config.js";
import { isSealed, type DayFile } from "./layout.js";
import { anyPiece } from "./lines.js";
import { lineBlocks } from "./read.js";
import { writeWhole } from "./whole-file.js";

/** The note's name in the store folder. */
export const CLEAN_DAYS_FILE = "redaction-clean.json";

/** What is known of a store's sealed days under one policy. */
export interface CleanDays {
  /** True when the file is a sealed day noted clean under this policy, unchanged since. */
  clean(file: DayFile): boolean;
  /** True when the file is a sealed day read whole under this policy, unchanged since: noted clean, or found holding what it masks. */
  looked(file: DayFile): boolean;
  /** Notes a sealed day read whole and found clean, or with `clean` false, found not clean (a day still being written is not noted). */
  note(file: DayFile, clean?: boolean): void;
}

/** A file's identity: inode, size and mtime (ms). */
type Identity = [number, number, number];

function identity(path: string): Identity | undefined {
  const st = statSync(path, { throwIfNoEntry: false });
  return st ? [st.ino, st.size, st.mtimeMs] : undefined;
}

/**
 * The clean days of the store `dir` under `policy`.
 *
 * @example
 * const days = createCleanDays(dir, policy);
 * if (days.clean(file)) …
 */
export function createCleanDays(dir: string, policy: RedactPolicy): CleanDays {
  // The policy itself, compared whole: a hash of it took node:crypto, which brings Node's
  // streams (3–5 ms of every question that read a sealed day whole).
  const named = ["v3", policy.keys, policy.patterns];
  const same = (noted: unknown): boolean => JSON.stringify(noted) === JSON.stringify(named);
  const path = join(dir, CLEAN_DAYS_FILE);
  // `files`: the days found clean; `held`: the days found holding what the policy masks (so that no builder reads them again).
  let notes: { files: Record<string, Identity>; held: Record<string, Identity> } | undefined;
  const load = (): NonNullable<typeof notes> => {
    if (notes) return notes;
    notes = { files: {}, held: {} };
    try {
      const value: unknown = JSON.parse(readFileSync(path, "utf8"));
      // Another policy's note, or a damaged one, is void.
      if (isPlainObject(value) && same(value.policy) && isPlainObject(value.files)) {
        notes = { files: value.files as Record<string, Identity>, held: isPlainObject(value.held) ? (value.held as Record<string, Identity>) : {} };
      }
    } catch {
      // none yet
    }
    return notes;
  };
  /** True when the file is as one of the notes `known` names it: one stat for all of them. */
  const unchanged = (file: DayFile, ...known: (Identity | undefined)[]): boolean => {
    const noted = known.filter((k): k is Identity => k !== undefined && k.length === 3);
    const now = noted.length > 0 ? identity(file.path) : undefined;
    return now !== undefined && noted.some((k) => k.every((v, i) => v === now[i]));
  };
  return {
    clean: (file) => isSealed(file) && unchanged(file, load().files[basename(file.path)]),
    looked: (file) => isSealed(file) && unchanged(file, load().files[basename(file.path)], load().held[basename(file.path)]),
    note(file, clean = true) {
      const id = identity(file.path);
      if (!isSealed(file) || !id) return;
      const name = basename(file.path);
      // A day is one or the other: the verdict of its latest look stands alone.
      const known = load();
      const [files, held] = [{ ...known.files }, { ...known.held }];
      delete (clean ? held : files)[name];
      (clean ? files : held)[name] = id;
      const next = { files, held };
      notes = next;
      try {
        writeWhole(path, JSON.stringify({ policy: named, ...next }) + "\n");
      } catch {
        // A store we may not write to is read as before, only slower.
      }
    },
  };
}

/**
 * Reads a sealed day whole and notes it clean when nothing in it is masked by the
 * store's policy: what compaction does after compressing a day, so that even the first
 * query of it sends its lines out untouched. A day that cannot be read is not noted.
 *
 * @example
 * await noteIfClean(dir, { day: "2026-11-20", path: "/store/2026-11-20.ndjson.gz", gz: true });
 */
export async function noteIfClean(dir: string, file: DayFile): Promise<boolean> {
  const policy = policyOf(dir);
  if (policy.keys.length === 0 && policy.patterns.length === 0) return false;
  const clean = await verdictOf(file, createMasker(policy));
  if (clean === true) createCleanDays(dir, policy).note(file);
  return clean === true;
}

/**
 * Notes each sealed day of `files` not looked at yet under the store's policy: clean, or
 * holding what it masks, so that no builder reads it again. The background index builder
 * calls it, so that later queries send the lines of clean days out without the masking's
 * look. A day that cannot be read is not noted.
 *
 * @example
 * await noteDays(dir, listDayFiles(dir));
 */
export async function noteDays(dir: string, files: readonly DayFile[]): Promise<void> {
  const policy = policyOf(dir);
  if (policy.keys.length === 0 && policy.patterns.length === 0) return;
  const known = createCleanDays(dir, policy);
  const masker = createMasker(policy);
  for (const file of files) {
    if (!isSealed(file) || known.looked(file)) continue;
    const clean = await verdictOf(file, masker);
    if (clean !== undefined) known.note(file, clean);
  }
}

/** True when no line of `file` is changed by `masker`, false when one is; undefined when the file cannot be read. */
async function verdictOf(file: DayFile, masker: Masker): Promise<boolean | undefined> {
  try {
    for await (const { buf, end } of lineBlocks(file)) {
      if (!anyPiece(buf, end, (text) => masker.mayHold(text))) continue;
      for (const line of buf.toString("utf8", 0, end).split("\n")) {
        const e = line === "" ? undefined : parseEventLine(line);
        if (e && masker.event(e) !== e) return false;
      }
    }
    return true;
  } catch {
    return undefined;
  }
}
