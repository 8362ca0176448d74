/**
 * The seal file of a store, `seals.ndjson`: one line per sealed or retired day (and per
 * checkpoint of the open day), appended,
 * never rewritten. Each line names the SHA-256 of the line before it (`prev`), so a line
 * removed, changed or moved breaks the chain at the next one; with a key, each line also
 * carries an HMAC-SHA256 of itself, which someone who can write the store but has not the
 * key cannot make.
 */
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../errors.js";

/** The seal file's name in the store folder. */
export const SEALS_FILE = "seals.ndjson";

/** The `prev` of the first line: no line before it. */
export const GENESIS = "0".repeat(64);

/** Bytes of a day hashed apart, so that a change can be placed within a mebibyte. */
export const PIECE_BYTES = 1 << 20;

/** A sealed day: its length and hashes, of its bytes as written (a `.gz` day's decompressed). */
export interface DaySeal {
  v: 1;
  day: string;
  bytes: number;
  sha256: string;
  /** The first 16 hex digits of the SHA-256 of each `PIECE_BYTES` of the day. */
  pieces: string[];
  /** Each file of the day as it stood when sealed: name, size, modification time (ms); for a reader's glance, not a proof. */
  files?: [string, number, number][];
  prev: string;
  sealed_at: number;
  mac?: string;
}

/** A day deleted by the retention rule (`trace prune`), recorded before it went. */
export interface Retirement {
  v: 1;
  retired: string;
  rule: string;
  prev: string;
  sealed_at: number;
  mac?: string;
}

/** The whole lines an open day (today's) held when `trace seal` last ran: what it held then, it must hold still. */
export interface Checkpoint {
  v: 1;
  checkpoint: string;
  bytes: number;
  sha256: string;
  pieces: string[];
  prev: string;
  sealed_at: number;
  mac?: string;
}

/** A line of the seal file. */
export type SealRecord = DaySeal | Retirement | Checkpoint;

/** A record as written before it is linked and signed. */
export type Unlinked<T extends SealRecord = SealRecord> = T extends SealRecord ? Omit<T, "prev" | "mac"> : never;

/** The day a line speaks of. */
export function dayOfRecord(r: SealRecord): string {
  return "day" in r ? r.day : "retired" in r ? r.retired : r.checkpoint;
}

/** A line as read: the record, its text, its line number, whether it links to the line before and its MAC's verdict. */
export interface ReadSeal {
  record: SealRecord;
  text: string;
  line: number;
  linked: boolean;
  /** `true` or `false` when a key was given; undefined without one. */
  signed?: boolean;
}

const sha256 = (text: string): string => process.getBuiltinModule("node:crypto").createHash("sha256").update(text).digest("hex");
const hmac = (key: Buffer, text: string): string => process.getBuiltinModule("node:crypto").createHmac("sha256", key).update(text).digest("hex");

/**
 * The key of `--key FILE`: its bytes, at least 16 of them. Kept outside the store, by whoever seals.
 *
 * @example
 * const key = readKey("/etc/trace/seal.key");
 */
export function readKey(path: string): Buffer {
  let key: Buffer;
  try {
    key = readFileSync(path);
  } catch (err) {
    throw new UsageError(`--key ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (key.length < 16) throw new UsageError(`--key ${path}: ${key.length} bytes; a key is at least 16 (head -c 32 /dev/urandom > FILE)`);
  return key;
}

/** The seal file's lines as they stand (a last empty one after the final newline); none when the store was never sealed. */
export function sealLines(dir: string): string[] {
  try {
    // Read as bytes, then decoded: one read, where reading as text takes 8 KiB at a time (every query glances at the seals).
    return readFileSync(join(dir, SEALS_FILE)).toString("utf8").split("\n");
  } catch {
    return [];
  }
}

/** The seal file's lines, each checked against the one before it (and against `key`). A line that is not a record is left out and breaks the chain at the next. */
export function readSeals(dir: string, key?: Buffer): ReadSeal[] {
  const out: ReadSeal[] = [];
  let prev = GENESIS;
  sealLines(dir).forEach((line, i) => {
    if (line === "") return;
    const record = parseRecord(line);
    if (record) {
      const bare = record.mac === undefined ? line : line.replace(/,"mac":"[0-9a-f]{64}"\}$/, "}");
      out.push({ record, text: line, line: i + 1, linked: record.prev === prev, ...(key ? { signed: record.mac !== undefined && bare !== line && hmac(key, bare) === record.mac } : {}) });
    }
    prev = sha256(line);
  });
  return out;
}

function parseRecord(line: string): SealRecord | undefined {
  try {
    const r = JSON.parse(line) as Partial<DaySeal & Retirement & Checkpoint>;
    if (r.v !== 1 || typeof r.prev !== "string" || typeof r.sealed_at !== "number") return undefined;
    const hashed = typeof r.bytes === "number" && typeof r.sha256 === "string" && Array.isArray(r.pieces);
    if (typeof r.day === "string" && hashed) return r as DaySeal;
    if (typeof r.checkpoint === "string" && hashed) return r as Checkpoint;
    if (typeof r.retired === "string" && typeof r.rule === "string") return r as Retirement;
  } catch {
    // not a record
  }
  return undefined;
}

/**
 * Appends records to the seal file, each linked to the line before (the file's last line,
 * whatever it is) and signed with `key` when given.
 *
 * @example
 * appendSeals(dir, [{ v: 1, retired: "2026-10-01", rule: "older than 30d", sealed_at: Date.now() }]);
 */
export function appendSeals(dir: string, records: readonly Unlinked[], key?: Buffer): void {
  if (records.length === 0) return;
  const path = join(dir, SEALS_FILE);
  let existing = "";
  try {
    existing = readFileSync(path, "utf8");
  } catch {
    // the first seal
  }
  const last = existing.split("\n").filter((l) => l !== "").at(-1);
  let prev = last === undefined ? GENESIS : sha256(last);
  const lines: string[] = [];
  for (const r of records) {
    const bare = JSON.stringify({ ...r, prev });
    const line = key ? `${bare.slice(0, -1)},"mac":"${hmac(key, bare)}"}` : bare;
    lines.push(line);
    prev = sha256(line);
  }
  // A torn last line (a crash mid-append) is ended first: the new lines stand on their own.
  appendFileSync(path, (existing !== "" && !existing.endsWith("\n") ? "\n" : "") + lines.join("\n") + "\n");
}
