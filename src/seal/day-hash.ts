/**
 * A day's bytes hashed as they were written: a plain day's as they stand, a `.gz` day's
 * decompressed, so compaction keeps a seal true. `verify` hashes many days: they are
 * shared among worker threads, one per core, each running the same function as a seal.
 */
import { availableParallelism } from "node:os";
import type { DayFile } from "../store/layout.js";
import { PIECE_BYTES } from "./record.js";

/** A day's length, its SHA-256, and the short hash of each `PIECE_BYTES` (of its first `limit` bytes when hashed so). */
export interface DayHash {
  bytes: number;
  sha256: string;
  pieces: string[];
  /** All the bytes the day holds, hashed or not. */
  total: number;
}

/** What one hash is asked of: the day's files, how many bytes, the piece size. */
interface HashJob {
  files: { path: string; gz: boolean; start: number }[];
  limit: number;
  piece: number;
}

/** A hash, or why the day could not be read whole. */
type HashOutcome = { hash: DayHash } | { error: string };

/**
 * Hashes one job. Self-contained (it runs in worker threads from its source text): it
 * reaches Node only through `node`, which brings `fs`, `zlib` and `crypto`.
 */
function hashJob(job: HashJob, node: { fs: typeof import("node:fs"); zlib: typeof import("node:zlib"); crypto: typeof import("node:crypto") }): HashOutcome {
  try {
    const whole = node.crypto.createHash("sha256");
    let piece = node.crypto.createHash("sha256");
    let [inPiece, bytes, total] = [0, 0, 0];
    const pieces: string[] = [];
    const add = (all: Uint8Array): void => {
      total += all.length;
      const chunk = all.subarray(0, Math.max(0, Math.min(all.length, job.limit - bytes)));
      whole.update(chunk);
      bytes += chunk.length;
      for (let at = 0; at < chunk.length; ) {
        const take = Math.min(job.piece - inPiece, chunk.length - at);
        piece.update(chunk.subarray(at, at + take));
        [at, inPiece] = [at + take, inPiece + take];
        if (inPiece === job.piece) {
          pieces.push(piece.digest("hex").slice(0, 16));
          [piece, inPiece] = [node.crypto.createHash("sha256"), 0];
        }
      }
    };
    for (const file of job.files) {
      if (file.gz) {
        add(node.zlib.gunzipSync(node.fs.readFileSync(file.path)));
        continue;
      }
      const fd = node.fs.openSync(file.path, "r");
      try {
        const buf = Buffer.allocUnsafe(job.piece);
        for (let at = file.start, n = 0; (n = node.fs.readSync(fd, buf, 0, buf.length, at)) > 0; at += n) add(buf.subarray(0, n));
      } finally {
        node.fs.closeSync(fd);
      }
    }
    if (inPiece > 0) pieces.push(piece.digest("hex").slice(0, 16));
    return { hash: { bytes, sha256: whole.digest("hex"), pieces, total } };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

const jobOf = (files: readonly DayFile[], limit: number): HashJob => ({ files: files.map((f) => ({ path: f.path, gz: f.gz, start: f.start ?? 0 })), limit, piece: PIECE_BYTES });
const NODE = (): Parameters<typeof hashJob>[1] => ({ fs: process.getBuiltinModule("node:fs"), zlib: process.getBuiltinModule("node:zlib"), crypto: process.getBuiltinModule("node:crypto") });

/**
 * The hash of a day's bytes: its files in the store's order (a `.gz` decompressed, a
 * plain file from the byte its `.gz` does not already hold), its first `limit` bytes
 * hashed, all of them counted. Throws when one cannot be read (a damaged `.gz` too).
 *
 * @example
 * const { sha256 } = await hashDay([{ day: "2026-12-03", path, gz: false }]);
 */
export async function hashDay(files: readonly DayFile[], limit = Infinity): Promise<DayHash> {
  const outcome = hashJob(jobOf(files, limit), NODE());
  if ("error" in outcome) throw new Error(outcome.error);
  return outcome.hash;
}

/**
 * Many days hashed at once, shared among a worker thread per core (in this thread when
 * there are few): each outcome in the order asked, a hash or why the day could not be read.
 *
 * @example
 * const [a, b] = await hashDays([{ files: dayA }, { files: dayB, limit: 4096 }]);
 */
export async function hashDays(asked: readonly { files: readonly DayFile[]; limit?: number }[]): Promise<HashOutcome[]> {
  const jobs = asked.map((a) => jobOf(a.files, a.limit ?? Infinity));
  const threads = Math.min(availableParallelism(), jobs.length);
  if (threads < 2) return jobs.map((job) => hashJob(job, NODE()));
  const { Worker } = process.getBuiltinModule("node:worker_threads");
  const source = `const { parentPort } = require("node:worker_threads");
const hashJob = ${hashJob.toString()};
const node = { fs: require("node:fs"), zlib: require("node:zlib"), crypto: require("node:crypto") };
parentPort.on("message", ({ i, job }) => parentPort.postMessage({ i, outcome: hashJob(job, node) }));`;
  const out: HashOutcome[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: threads }, () =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(source, { eval: true });
        const give = (): void => {
          if (next >= jobs.length) return void worker.terminate().then(() => resolve());
          const i = next++;
          worker.postMessage({ i, job: jobs[i] });
        };
        worker.on("message", ({ i, outcome }: { i: number; outcome: HashOutcome }) => {
          out[i] = outcome;
          give();
        });
        worker.on("error", reject);
        give();
      }),
    ),
  );
  return out;
}
