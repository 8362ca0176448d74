import { createReadStream, createWriteStream } from "node:fs";
import { constants as fsConstants } from "node:fs";
import { copyFile, open, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { isCopyOf } from "../store/layout.js";

const ATTEMPTS = 3;

/**
 * Compresses a plain day file to `YYYY-MM-DD.ndjson.gz` with no moment where the day
 * is missing: gzip to a hidden temp file (after the members of an existing `.gz`, which
 * a late writer may have made), fsync it, rename it into place, and only then remove
 * the original, provided it did not grow meanwhile (if it did, start over; readers
 * know the plain file for the copy while both exist). Returns the bytes of the original
 * removed, or 0 when another process got there first.
 */
export async function compressDay(path: string): Promise<number> {
  const dir = dirname(path);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    let before;
    try {
      before = await stat(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
      throw err;
    }
    if (isCopyOf(path, `${path}.gz`)) {
      // Another prune has already copied it and is about to remove it.
      return 0;
    }
    const tmp = join(dir, `.${basename(path)}.gz.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    try {
      await copyFile(`${path}.gz`, tmp, fsConstants.COPYFILE_EXCL).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "ENOENT") throw err;
      });
      await pipeline(createReadStream(path, { end: Math.max(0, before.size - 1) }), createGzip(), createWriteStream(tmp, { flags: "a" }));
      await fsyncPath(tmp);
      const after = await stat(path);
      if (after.size !== before.size || after.ino !== before.ino) continue;
      await rename(tmp, `${path}.gz`);
      await fsyncPath(dir);
      await unlink(path);
      return before.size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
      throw err;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }
  throw new Error(`${path}: still being written to; left uncompressed`);
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
