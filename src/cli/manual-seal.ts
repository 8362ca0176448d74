/** The manual's pages of `trace seal` and `trace verify` (manual.ts holds the rest). */
import type { Page } from "./page.js";

const DIR = ["--dir DIR", "the store folder (default: TRACE_DIR, else .space/trace in the nearest ancestor with a .space/, else ./.space/trace)"] as const;
const KEY = ["--key FILE", "an HMAC-SHA256 key of at least 16 bytes, kept outside the store (head -c 32 /dev/urandom > FILE): seals made with it cannot be made by someone who can only write the store"] as const;

/** `trace seal --help`. */
export const SEAL_PAGE: Page = {
  name: "seal",
  summary: "record the length and hashes of each ended day, chained, so that an edit, a truncation, a deletion or a reordering is found",
  usage: ["trace seal [--key FILE] [--json]"],
  about: [
    "Appends to seals.ndjson in the store one line per ended day later than the last one sealed: the day's length, the SHA-256 of its bytes (of a .gz day, decompressed: compaction keeps the seal true) and of each mebibyte of them, and the SHA-256 of the line before it, so that removing, changing or reordering a line breaks the chain. With --key each line also carries an HMAC of itself. Lines are appended, never rewritten; trace prune records a sealed day it deletes by the retention rule as retired. Each line also names the day's files as they stood: a query that may read a sealed day file now shorter, or rewritten in place, says so once on stderr. Today's open file is checkpointed: its whole lines so far, which verify reads again and seal refuses to seal over once they changed (exit 1).",
  ],
  groups: [{ title: "Flags", flags: [KEY, ["--json", "one JSON object per day sealed: day, bytes"], DIR] }],
  notes: ["trace seal --key ~/.config/trace/seal.key", "Exit codes: 0 ok, 1 a day could not be read, 2 bad usage (a key that cannot be read or is too short)."],
};

/** `trace verify --help`. */
export const VERIFY_PAGE: Page = {
  name: "verify",
  summary: "check every sealed day against its seal and the seal file against its chain",
  usage: ["trace verify [--key FILE] [--json]"],
  about: [
    "Reads every sealed day whole and tells, a line a day: ok; modified (with the first mebibyte that differs, or the day whose bytes it holds: days swapped); truncated; missing; retired (by the retention rule); extended (bytes appended after the seal, a late event: the sealed ones intact); added (an ended day older than the last seal, never sealed); unsealed (ended, after the last seal); out of chain (a seal line removed, changed or moved); forged (with --key: a line this key did not sign).",
    "Sealing proves that the bytes of a sealed day are the ones sealed, that no sealed day was removed without the retention rule saying so, and, with a key kept elsewhere, that nobody without it wrote the seals. It does not prove what happened before a day was sealed, nor anything against someone who holds the key; a retirement is the prune's word and is not signed.",
  ],
  groups: [{ title: "Flags", flags: [KEY, ["--json", "one JSON object per verdict: day, state, fails, detail, offset"], DIR] }],
  notes: ["trace verify || echo 'the history was changed'", "Exit codes: 0 every sealed day holds, 1 one does not, 2 bad usage."],
};
