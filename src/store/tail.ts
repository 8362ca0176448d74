import { open, stat } from "node:fs/promises";
import type { DayFile } from "../store/layout.js";

/** What a tailer knows of one day file: which file (inode), how far it read, the partial last line. */
interface FileState {
  ino: number;
  offset: number;
  partial: Buffer;
}

/** Reads what was appended to day files since the last look: whole lines only. */
export interface Tailer {
  /** Starts a file at `offset` (the size when the backlog was read). */
  start(path: string, ino: number, offset: number): void;
  /** Whole new lines of each file, in file order, files in the order given. */
  read(files: DayFile[]): Promise<{ path: string; line: string }[]>;
  /** Drops what it knows of files that no longer exist (deleted by retention). */
  keepOnly(existing: DayFile[]): void;
}

const MAX_READ = 4 << 20;

/**
 * A tailer like `tail -F` over several files: a new file is read from its start, a
 * file that shrank is read again from 0, a file replaced by another inode is reopened
 * from 0, a deleted file is dropped; a partial last line waits for its newline.
 *
 * @example
 * const t = createTailer((msg) => console.error(msg));
 * for (const { line } of await t.read(listDayFiles(dir))) console.log(line);
 */
export function createTailer(note: (message: string) => void): Tailer {
  const states = new Map<string, FileState>();
  const readFile = async (path: string): Promise<string[]> => {
    let info;
    try {
      info = await stat(path);
    } catch {
      states.delete(path);
      return [];
    }
    let state = states.get(path);
    if (!state) states.set(path, (state = { ino: info.ino, offset: 0, partial: Buffer.alloc(0) }));
    if (info.ino !== state.ino) {
      note(`${path}: replaced by a new file; reading it from the start`);
      Object.assign(state, { ino: info.ino, offset: 0, partial: Buffer.alloc(0) });
    } else if (info.size < state.offset) {
      note(`${path}: truncated; reading it again from the start`);
      Object.assign(state, { offset: 0, partial: Buffer.alloc(0) });
    }
    if (info.size === state.offset) return [];
    const handle = await open(path, "r");
    const lines: string[] = [];
    try {
      while (state.offset < info.size) {
        const want = Math.min(MAX_READ, info.size - state.offset);
        const chunk = Buffer.allocUnsafe(state.partial.length + want);
        state.partial.copy(chunk);
        const { bytesRead } = await handle.read(chunk, state.partial.length, want, state.offset);
        if (bytesRead === 0) break;
        state.offset += bytesRead;
        const filled = state.partial.length + bytesRead;
        const cut = chunk.lastIndexOf(0x0a, filled - 1) + 1;
        if (cut > 0) {
          for (const line of chunk.toString("utf8", 0, cut - 1).split("\n")) {
            const trimmed = line.endsWith("\r") ? line.slice(0, -1) : line;
            if (trimmed.length > 0) lines.push(trimmed);
          }
        }
        state.partial = Buffer.from(chunk.subarray(cut, filled));
      }
    } finally {
      await handle.close();
    }
    return lines;
  };
  return {
    start(path, ino, offset) {
      states.set(path, { ino, offset, partial: Buffer.alloc(0) });
    },
    keepOnly(existing) {
      const seen = new Set(existing.map((f) => f.path));
      for (const path of states.keys()) if (!seen.has(path)) states.delete(path);
    },
    async read(files) {
      const out: { path: string; line: string }[] = [];
      for (const file of files) if (!file.gz) for (const line of await readFile(file.path)) out.push({ path: file.path, line });
      return out;
    },
  };
}
