/** Writing a small file whole or not at all: what the store's derived and state files all need. */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Writes `data` to `path` under a hidden temporary name beside it, then renames it into
 * place, so that a reader sees the old file or the new one, never part of one. With
 * `fsync`, the bytes are on disk before the rename. On failure the temporary is removed
 * and the error thrown.
 *
 * @example
 * writeWhole(join(dir, "trace.config.json"), JSON.stringify(config) + "\n");
 */
export function writeWhole(path: string, data: string | Uint8Array, options: { fsync?: boolean } = {}): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    const fd = openSync(temporary, "w", 0o644);
    try {
      writeFileSync(fd, data);
      if (options.fsync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (err) {
    rmSync(temporary, { force: true });
    throw err;
  }
}
