/** Reading what was appended to day files since the last look, as `tail -F` does, each line once. */
import type { FileHandle } from "node:fs/promises";
import type { DayFile } from "./layout.js";

/** What a tailer knows of one day file: the file it holds open, how far it read, the partial last line. */
interface FileState {
  ino: number;
  handle: FileHandle | undefined;
  offset: number;
  partial: Buffer;
}

/** Reads what was appended to day files since the last look: whole lines only. */
export interface Tailer {
  /** Starts a file at `offset` (its size when the backlog was read). */
  start(path: string, ino: number, offset: number): void;
  /** Whole new lines of each file, in file order, files in the order given. */
  read(files: DayFile[]): Promise<({ path: string } & TailLine)[]>;
  /** Drops what it knows of files that no longer exist (deleted by retention). */
  keepOnly(existing: DayFile[]): void;
  /** Closes the files it holds open. */
  close(): Promise<void>;
}

const MAX_READ = 4 << 20;
const COMPARE = 1 << 20;

/**
 * A tailer like `tail -F` over several files, each line given once: a new file is read
 * from its start; a file that shrank, from 0 again; a file replaced by another inode is
 * compared with the one it replaced, kept open for this, and read on where it was when
 * it starts with the same bytes (a copy with lines added), else from 0; a deleted file
 * is dropped; a partial last line waits for its newline. A `.gz` day is read from the
 * gzip members appended to it (a late event for a compressed day); one replaced
 * (compaction made it anew from a day already followed) is taken from its end.
 *
 * @example
 * const t = createTailer((msg) => console.error(msg));
 * for (const { line } of await t.read(listDayFiles(dir))) console.log(line);
 */
export function createTailer(note: (message: string) => void): Tailer {
  // Loaded here, not at the module's top: the query path imports this module, and only a follow tails (2 ms).
  const { open, stat } = process.getBuiltinModule("node:fs/promises");
  const states = new Map<string, FileState>();
  const drop = async (path: string): Promise<void> => {
    await states.get(path)?.handle?.close().catch(() => undefined);
    states.delete(path);
  };
  const readFile = async (path: string, gz: boolean): Promise<TailLine[]> => {
    const info = await stat(path).catch(() => undefined);
    if (!info) {
      await drop(path);
      return [];
    }
    let state = states.get(path);
    // A new plain file is read from its start; a `.gz` appears only by compaction of a day already shown: from its end.
    if (!state) states.set(path, (state = { ino: info.ino, handle: undefined, offset: gz ? info.size : 0, partial: Buffer.alloc(0) }));
    // Held open from the first look: if it is replaced, the new file is compared with this one.
    if (info.ino === state.ino) state.handle ??= await open(path, "r");
    if (info.ino !== state.ino) await replaced(path, state, info.ino, info.size, gz);
    else if (info.size < state.offset) {
      note(`${path}: truncated; reading it again from the start`);
      Object.assign(state, { offset: 0, partial: Buffer.alloc(0) });
    }
    if (info.size === state.offset) return [];
    state.handle ??= await open(path, "r");
    return gz ? readMembers(state, info.size) : readLines(state, info.size);
  };
  const replaced = async (path: string, state: FileState, ino: number, size: number, gz: boolean): Promise<void> => {
    const next = await open(path, "r");
    const old = state.handle;
    const same = gz || (old !== undefined && size >= state.offset && (await samePrefix(old, next, state.offset)));
    await old?.close().catch(() => undefined);
    if (gz) Object.assign(state, { ino, handle: next, offset: size, partial: Buffer.alloc(0) });
    else if (same) Object.assign(state, { ino, handle: next });
    else {
      note(`${path}: replaced by a new file; reading it from the start`);
      Object.assign(state, { ino, handle: next, offset: 0, partial: Buffer.alloc(0) });
    }
  };
  return {
    start(path, ino, offset) {
      states.set(path, { ino, handle: undefined, offset, partial: Buffer.alloc(0) });
    },
    keepOnly(existing) {
      const seen = new Set(existing.map((f) => f.path));
      for (const path of states.keys()) if (!seen.has(path)) void drop(path);
    },
    async read(files) {
      const out: ({ path: string } & TailLine)[] = [];
      for (const file of files) for (const line of await readFile(file.path, file.gz)) out.push({ path: file.path, ...line });
      return out;
    },
    async close() {
      for (const path of [...states.keys()]) await drop(path);
    },
  };
}

/** One line read: its text, and its bytes when they are not UTF-8 (the text then holds U+FFFD): what `--json` writes. */
export interface TailLine {
  line: string;
  bytes?: Buffer;
}

/** The lines of `buf[0, end)` (whole lines), empty ones and a `\r` before the newline dropped. */
function splitLines(buf: Buffer, end: number): TailLine[] {
  const out: TailLine[] = [];
  for (let from = 0; from < end; ) {
    let nl = buf.indexOf(0x0a, from);
    if (nl === -1 || nl >= end) nl = end;
    let stop = nl;
    if (stop > from && buf[stop - 1] === 0x0d) stop--;
    if (stop > from) {
      const line = buf.toString("utf8", from, stop);
      out.push(line.includes("\uFFFD") ? { line, bytes: Buffer.from(buf.subarray(from, stop)) } : { line });
    }
    from = nl + 1;
  }
  return out;
}

/** The whole new lines of a plain file from the state's offset to `size`. */
async function readLines(state: FileState, size: number): Promise<TailLine[]> {
  const lines: TailLine[] = [];
  while (state.offset < size) {
    const want = Math.min(MAX_READ, size - state.offset);
    const chunk = Buffer.allocUnsafe(state.partial.length + want);
    state.partial.copy(chunk);
    const { bytesRead } = await state.handle!.read(chunk, state.partial.length, want, state.offset);
    if (bytesRead === 0) break;
    state.offset += bytesRead;
    const filled = state.partial.length + bytesRead;
    const cut = chunk.lastIndexOf(0x0a, filled - 1) + 1;
    if (cut > 0) lines.push(...splitLines(chunk, cut - 1));
    state.partial = Buffer.from(chunk.subarray(cut, filled));
  }
  return lines;
}

/** The lines of the gzip members appended to a `.gz` since the state's offset; a member still being written waits. */
async function readMembers(state: FileState, size: number): Promise<TailLine[]> {
  const bytes = Buffer.allocUnsafe(size - state.offset);
  const { bytesRead } = await state.handle!.read(bytes, 0, bytes.length, state.offset);
  let text: Buffer;
  try {
    text = process.getBuiltinModule("node:zlib").gunzipSync(bytes.subarray(0, bytesRead));
  } catch {
    return [];
  }
  state.offset += bytesRead;
  return splitLines(text, text.length);
}

/** True when two files hold the same first `length` bytes. */
async function samePrefix(a: FileHandle, b: FileHandle, length: number): Promise<boolean> {
  const [x, y] = [Buffer.allocUnsafe(COMPARE), Buffer.allocUnsafe(COMPARE)];
  for (let at = 0; at < length; at += COMPARE) {
    const want = Math.min(COMPARE, length - at);
    const [r1, r2] = await Promise.all([a.read(x, 0, want, at), b.read(y, 0, want, at)]);
    if (r1.bytesRead !== want || r2.bytesRead !== want || x.compare(y, 0, want, 0, want) !== 0) return false;
  }
  return true;
}
