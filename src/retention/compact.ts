import { closeSync, constants as fsConstants, fsyncSync, openSync, readSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { copyFile, open, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import { gzip, gzipSync } from "node:zlib";
import { copiedBytes, removeMarker, writeMarker } from "../store/copy-marker.js";
import { lockDay } from "../store/day-lock.js";

const ATTEMPTS = 3;

/**
 * Compresses a plain day file to `YYYY-MM-DD.ndjson.gz` with no moment where the day
 * is missing or read twice, and no event lost to a writer:
 * 1. gzip what the `.gz` does not hold yet to a hidden temporary file, after a copy of
 *    the `.gz`'s members (late writers may have made some), and fsync it;
 * 2. under the day's lock (this project's writers take it to write a day that has
 *    ended): add what was appended meanwhile as one more member, write the marker naming
 *    the plain file and the new `.gz`, rename the `.gz` into place, remove the plain
 *    file and the marker. Synchronous, so that a writer in the same process never waits
 *    on a lock held across an await. A plain file replaced meanwhile starts it over.
 * Returns the bytes of the original removed, or 0 when another process got there first.
 *
 * @example
 * await compressDay("/store/2026-11-20.ndjson");
 */
export async function compressDay(path: string): Promise<number> {
  const dir = dirname(path);
  const day = basename(path).slice(0, 10);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const before = statSync(path, { throwIfNoEntry: false });
    if (!before) return 0;
    // A compaction stopped half way leaves a marker: the `.gz` holds that much already.
    const from = copiedBytes(dir, day);
    const tmp = join(dir, `.${basename(path)}.gz.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    try {
      await copyFile(`${path}.gz`, tmp, fsConstants.COPYFILE_EXCL).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "ENOENT") throw err;
      });
      await (await open(tmp, "a")).close();
      if (before.size > from) await gzipAsMembers(path, from, before.size, tmp);
      await fsyncPath(tmp);
      const done = putInPlace(path, tmp, before);
      if (done !== undefined) return done;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
      throw err;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }
  throw new Error(`${path}: replaced while being compressed, ${ATTEMPTS} times; left uncompressed`);
}

/** Step 2 of `compressDay`: the bytes removed, 0 when another process finished first, undefined when the file was replaced. */
function putInPlace(path: string, tmp: string, before: { size: number; ino: number }): number | undefined {
  const dir = dirname(path);
  const day = basename(path).slice(0, 10);
  const release = lockDay(dir, day);
  try {
    const after = statSync(path, { throwIfNoEntry: false });
    if (!after) return 0;
    if (after.size < before.size || after.ino !== before.ino) return undefined;
    // Writers are held off now: what they appended since the copy is bounded, and joins it here.
    if (after.size > before.size) appendMember(tmp, readRange(path, before.size, after.size));
    const made = statSync(tmp);
    writeMarker(dir, day, { plain: { dev: after.dev, ino: after.ino, bytes: after.size }, gz: { ino: made.ino, size: made.size } });
    renameSync(tmp, `${path}.gz`);
    fsyncDir(dir);
    unlinkSync(path);
    removeMarker(dir, day);
    fsyncDir(dir);
    return before.size;
  } finally {
    release();
  }
}

/**
 * A gzip member holds about this much of the day, cut at a line's end: an index can
 * then name a member and a query inflate it alone, at a cost of about 1% in size.
 */
const MEMBER_BYTES = 64 << 10;
const READ_BYTES = 4 << 20;

/** Bytes [from, to) of `path` appended to `out` as gzip members of whole lines, about `MEMBER_BYTES` each. */
async function gzipAsMembers(path: string, from: number, to: number, out: string): Promise<void> {
  const deflate = promisify(gzip);
  const input = openSync(path, "r");
  const output = openSync(out, "a");
  try {
    let carry = Buffer.alloc(0);
    for (let at = from; ; ) {
      const chunk = Buffer.allocUnsafe(Math.min(READ_BYTES, to - at));
      const n = chunk.length > 0 ? readSync(input, chunk, 0, chunk.length, at) : 0;
      at += n;
      const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      // Members of at least MEMBER_BYTES, each cut after a newline; what is left waits for more, or ends the day.
      let start = 0;
      while (data.length - start >= MEMBER_BYTES) {
        const nl = data.indexOf(0x0a, start + MEMBER_BYTES - 1);
        if (nl === -1) break;
        writeSync(output, await deflate(data.subarray(start, nl + 1)));
        start = nl + 1;
      }
      carry = Buffer.from(data.subarray(start));
      if (n === 0 || at >= to) {
        if (carry.length > 0) writeSync(output, await deflate(carry));
        return;
      }
    }
  } finally {
    closeSync(input);
    closeSync(output);
  }
}

/** Bytes [from, to) of a file. */
function readRange(path: string, from: number, to: number): Buffer {
  const buf = Buffer.allocUnsafe(to - from);
  const fd = openSync(path, "r");
  try {
    for (let at = 0; at < buf.length; ) {
      const n = readSync(fd, buf, at, buf.length - at, from + at);
      if (n === 0) return buf.subarray(0, at);
      at += n;
    }
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** Appends `data` as one more gzip member to `path`, durably. */
function appendMember(path: string, data: Buffer): void {
  const fd = openSync(path, "a");
  try {
    writeSync(fd, gzipSync(data));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
