/** Where a day's index lives, what makes it fresh, and writing it whole or not at all. */
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readSync, statSync, type Stats } from "node:fs";
import { UsageError } from "../errors.js";
import { dirname, join, sep } from "node:path";
import type { DayFile } from "../store/layout.js";
import { writeWhole } from "../store/whole-file.js";
import type { IndexedFile } from "./encoding.js";
import { hashBytes } from "./hash.js";

/** The hidden folder of a store that holds its indexes: derived files, deleted at no cost but speed. */
export const INDEX_FOLDER = ".index";

/** The index file of a day file. */
export function indexPathOf(file: DayFile): string {
  // Spliced rather than joined: this runs for every day of every query.
  const at = file.path.lastIndexOf(sep) + 1;
  return `${file.path.slice(0, at)}${INDEX_FOLDER}${sep}${file.path.slice(at)}.idx`;
}

/** The index folder of a store. */
export function indexFolderOf(dir: string): string {
  return join(dir, INDEX_FOLDER);
}

/** What an index records of the file it was built from. */
export function identityOf(file: DayFile, st: Stats): IndexedFile {
  return { name: file.path.slice(file.path.lastIndexOf(sep) + 1), gz: file.gz, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
}

/** True when the file is as the index saw it: same name, inode, size and modification time. */
export function sameFile(a: IndexedFile, b: IndexedFile): boolean {
  return a.name === b.name && a.gz === b.gz && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** How many bytes before the end of an open day's index an index checks are still there: a day rewritten, not grown, is found so. */
export const PREFIX_CHECK_BYTES = 4096;

/** The checksum of `fd`'s bytes before `size` (`PREFIX_CHECK_BYTES` of them at most), or undefined when they cannot all be read. */
export function prefixSum(fd: number, size: number): number | undefined {
  const from = Math.max(0, size - PREFIX_CHECK_BYTES);
  const buf = Buffer.allocUnsafe(size - from);
  if (readSync(fd, buf, 0, buf.length, from) !== buf.length) return undefined;
  return hashBytes(buf, 0, buf.length);
}

/**
 * True when the index of an open day, `indexed`, still speaks for the first bytes of the
 * file open as `fd`: same name and inode, no shorter, its last covered bytes unchanged.
 * An append keeps it; a rewrite, a truncation or another file does not.
 */
export function prefixHolds(indexed: IndexedFile, now: IndexedFile, fd: number): boolean {
  return indexed.prefix !== undefined && indexed.name === now.name && !now.gz && !indexed.gz && indexed.ino === now.ino && now.size >= indexed.size && prefixSum(fd, indexed.size) === indexed.prefix;
}

/** The day file's identity now, or undefined when it is gone. */
export function currentIdentity(file: DayFile, fd?: number): IndexedFile | undefined {
  const st = fd === undefined ? statSync(file.path, { throwIfNoEntry: false }) : fstatSync(fd);
  return st ? identityOf(file, st) : undefined;
}

/** Makes a store's index folder, never the store: a store removed meanwhile stays removed. One that is not a plain folder (a symbolic link) is refused. */
export function makeFolder(path: string): void {
  try {
    mkdirSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  if (!plainFolder(path)) throw new UsageError(`${path}: not a plain folder (a symbolic link?); trace writes indexes only inside the store`);
}

/** True when `path` is a folder itself, not a link to one (nor anything else); false when it is not there. */
export function plainFolder(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}

/**
 * A derived file of the index folder opened for reading: its descriptor and size, or
 * `odd` (closed already) when it is not a regular file in a plain folder, or undefined
 * when it is not there. Opened without blocking: a FIFO of that name must not hang a query.
 *
 * @example
 * const opened = openIndexFile(indexPathOf(file));
 */
export function openIndexFile(path: string): { fd: number; size: number; ino: number; mtimeMs: number } | { odd: string } | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  const st = fstatSync(fd);
  const odd = !st.isFile() ? "not a regular file" : !plainFolder(dirname(path)) ? "in an index folder that is not a plain folder (a symbolic link?)" : undefined;
  if (odd === undefined) return { fd, size: st.size, ino: st.ino, mtimeMs: st.mtimeMs };
  closeSync(fd);
  return { odd };
}

/** Writes an index under a temporary name and renames it into place: readers see the old one or the new one, whole. */
export function writeIndexFile(file: DayFile, bytes: Buffer): void {
  const path = indexPathOf(file);
  makeFolder(dirname(path));
  writeWhole(path, bytes);
}
