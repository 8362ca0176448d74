/**
 * Day tables: each day file read once into a table of where each id's line stands, so
 * that a walk up a long chain of parents costs about one pass over its days instead of
 * one search per ancestor. A plain day's lines are read back by their offsets, a few
 * KiB around each; a `.gz` day's table keeps each line's id, parent and time.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { parseEventLine, type TraceEvent } from "../event/envelope.js";
import type { DayFile } from "../store/layout.js";
import { createBadLines, eachLine, parseAt, type BadReport } from "../store/lines.js";
import { lineBlocks } from "../store/read.js";
import { hashId } from "./peek.js";

/** What a walk needs of an event: a whole one, or a `.gz` day table's id, parent and time. */
export type Link = TraceEvent | Pick<TraceEvent, "id" | "parent_event_id" | "timestamp">;

/** One day file's ids: each line's place, by a hash of the id. */
interface DayTable {
  file: DayFile;
  /** Hash → the index of the last line with it; `same[i]` is the line before with the same hash (-1: none). */
  byHash: Map<number, number>;
  same: number[];
  /** A plain file's lines as byte offsets; a `.gz` day's as their parsed events' links. */
  starts: number[];
  ends: number[];
  links: Link[];
  fd?: number;
  /** The stretch of a plain file read last: a chain walks up through nearby lines, so one read serves hundreds. */
  window: { at: number; bytes: Buffer };
}

/** The tables of a walk: `find` an id on a day no later than `beforeDay`, then `close`. */
export interface DayTables {
  find(id: string, beforeDay: string): Promise<Link | undefined>;
  close(): void;
}

/**
 * Tables of the days a walk reaches, built when first needed (from `listFiles`, oldest
 * first), newer ones dropped as the walk moves to older days; damage told to `onBad`.
 *
 * @example
 * const tables = createDayTables(() => listDayFiles(dir));
 * const parent = await tables.find(id, "2026-11-30");
 * tables.close();
 */
export function createDayTables(listFiles: () => DayFile[], onBad?: (report: BadReport) => void): DayTables {
  // Listed when first needed: most walks end within the searched steps.
  let files: DayFile[] | undefined;
  const built = new Map<string, DayTable>();
  let lastDay = "";
  const drop = (table: DayTable): void => {
    if (table.fd !== undefined) closeSync(table.fd);
    built.delete(table.file.path);
  };
  return {
    async find(id, beforeDay) {
      files ??= listFiles().reverse();
      for (const file of files) {
        if (file.day > beforeDay) continue;
        let table = built.get(file.path);
        if (!table) built.set(file.path, (table = await buildTable(file, onBad)));
        const hit = lookUp(table, id);
        if (!hit) continue;
        // A parent is never on a later day: the tables of days after this one are done with.
        if (file.day !== lastDay) for (const t of [...built.values()]) if (t.file.day > file.day) drop(t);
        lastDay = file.day;
        return hit;
      }
      return undefined;
    },
    close() {
      for (const t of [...built.values()]) drop(t);
    },
  };
}

const ID_KEY = Buffer.from('{"id":"');

/** The id of the line `buf[s, e)` as its bytes hold it in the writer's form, or undefined (then the line is parsed). */
function idHashAt(buf: Buffer, s: number, e: number): number | undefined {
  if (e - s < ID_KEY.length + 1 || buf.compare(ID_KEY, 0, ID_KEY.length, s, s + ID_KEY.length) !== 0) return undefined;
  let h = 0;
  for (let at = s + ID_KEY.length; at < e; at++) {
    const c = buf[at]!;
    if (c === 0x22) return h;
    if (c === 0x5c || c >= 0x80) return undefined;
    h = (Math.imul(h, 31) + c) | 0;
  }
  return undefined;
}

/** Reads one day file into its table: one pass, parsing only lines not in the writer's form (and every line of a `.gz`). */
async function buildTable(file: DayFile, onBad: ((report: BadReport) => void) | undefined): Promise<DayTable> {
  const table: DayTable = { file, byHash: new Map(), same: [], starts: [], ends: [], links: [], window: { at: 0, bytes: Buffer.alloc(0) } };
  const bad = createBadLines(file);
  const add = (h: number): void => {
    table.same.push(table.byHash.get(h) ?? -1);
    table.byHash.set(h, table.same.length - 1);
  };
  for await (const { buf, end, base } of lineBlocks(file, 0, Infinity, undefined, bad.fail)) {
    eachLine(buf, end, (s, e) => {
      if (file.gz) {
        const hit = parseAt(buf, s, e);
        if (!hit) return bad.add(base + s);
        const { id, parent_event_id, timestamp } = hit.event;
        table.links.push({ id, parent_event_id, timestamp });
        return add(hashId(hit.event.id));
      }
      let h = idHashAt(buf, s, e);
      if (h === undefined) {
        const hit = parseAt(buf, s, e);
        if (!hit) return bad.add(base + s);
        h = hashId(hit.event.id);
      }
      table.starts.push(base + s);
      table.ends.push(base + e);
      add(h);
    });
  }
  const report = await bad.finish();
  if (report) onBad?.(report);
  if (!file.gz) table.fd = openSync(file.path, "r");
  return table;
}

/** The line of `id` in a day's table: the event itself for a plain file, its link for a `.gz`. */
function lookUp(table: DayTable, id: string): Link | undefined {
  for (let i = table.byHash.get(hashId(id)) ?? -1; i !== -1; i = table.same[i]!) {
    if (table.file.gz) {
      if (table.links[i]!.id === id) return table.links[i];
      continue;
    }
    const buf = lineOf(table, table.starts[i]!, table.ends[i]!);
    const length = buf.length;
    const link = linkAt(buf, length, id);
    if (link === null) continue;
    if (link) return link;
    const event = parseEventLine(buf.toString("utf8"));
    if (event?.id === id) return event;
  }
  return undefined;
}

/** Bytes read around a wanted line, most of them before it: parents were written earlier. */
const WINDOW_BEFORE = 60 << 10;
const WINDOW_AFTER = 4 << 10;

/** The bytes [start, end) of a plain day file, from the table's window or a new one. */
function lineOf(table: DayTable, start: number, end: number): Buffer {
  const w = table.window;
  if (start < w.at || end > w.at + w.bytes.length) {
    const at = Math.max(0, Math.min(start, end - WINDOW_BEFORE));
    const bytes = Buffer.allocUnsafe(end + WINDOW_AFTER - at);
    table.window = { at, bytes: bytes.subarray(0, readSync(table.fd!, bytes, 0, bytes.length, at)) };
  }
  return table.window.bytes.subarray(start - table.window.at, end - table.window.at);
}

const PARENT_KEY = Buffer.from('"parent_event_id":');
const ASCII = /^[\x20-\x7e]*$/;
const TIMESTAMP_KEY = Buffer.from('","timestamp":');

/**
 * The link of a line in the writer's form read from its bytes: null when its id is not
 * `id`, undefined when the line is in another form (then it is parsed). In that form
 * the first `"parent_event_id":` is the key: no earlier value can hold a bare quote.
 */
function linkAt(buf: Buffer, length: number, id: string): Link | null | undefined {
  const idEnd = ID_KEY.length + id.length;
  if (length < idEnd + TIMESTAMP_KEY.length || buf.compare(ID_KEY, 0, ID_KEY.length, 0, ID_KEY.length) !== 0) return undefined;
  // Bytes and characters agree only for an ASCII id.
  if (!ASCII.test(id)) return undefined;
  if (buf.toString("latin1", ID_KEY.length, idEnd) !== id) return buf[idEnd] === 0x22 && buf.subarray(ID_KEY.length, idEnd).indexOf(0x5c) === -1 ? null : undefined;
  if (buf.compare(TIMESTAMP_KEY, 0, TIMESTAMP_KEY.length, idEnd, idEnd + TIMESTAMP_KEY.length) !== 0) return undefined;
  let timestamp = 0;
  let at = idEnd + TIMESTAMP_KEY.length;
  for (let c = buf[at]!; c >= 0x30 && c <= 0x39 && at < length; c = buf[++at]!) timestamp = timestamp * 10 + (c - 0x30);
  if (buf[at] !== 0x2c || !Number.isSafeInteger(timestamp)) return undefined;
  const key = buf.subarray(0, length).indexOf(PARENT_KEY, at);
  if (key === -1) return undefined;
  const v = key + PARENT_KEY.length;
  if (buf.toString("latin1", v, v + 4) === "null") return { id, parent_event_id: null, timestamp };
  if (buf[v] !== 0x22) return undefined;
  for (let q = v + 1; q < length; q++) {
    const c = buf[q]!;
    if (c === 0x22) return { id, parent_event_id: buf.toString("latin1", v + 1, q), timestamp };
    if (c === 0x5c || c >= 0x80) return undefined;
  }
  return undefined;
}
