import { query, type BadReport, type IndexOption, type Question, type Reading } from "../../src/index.js";

/** A query as many tests state it: the question's filters under `filter`, the reading's fields beside them. */
export interface QueryCase {
  dir: string;
  dirs?: readonly string[];
  target?: string;
  filter?: Pick<Question, "id" | "agent" | "task" | "channel" | "primitive">;
  since?: string;
  until?: string;
  limit?: number;
  reverse?: boolean;
  utc?: boolean;
  now?: number;
  plain?: boolean;
  readAhead?: number;
  index?: IndexOption;
  sources?: Reading["sources"];
  onNote?: Reading["onNote"];
  onBad?: (report: BadReport) => void;
}

/**
 * A case as the library's question and reading.
 *
 * @example
 * query(...split({ dir, filter: { agent: "a" } }));
 */
export function split(c: QueryCase): [Question, Reading] {
  const { dir, dirs, target, filter, since, until, limit, reverse, utc, ...reading } = c;
  return [{ target, ...filter, since, until, limit, reverse, utc }, { ...reading, dir: dirs ?? dir }];
}

/** The stored lines a query yields, bad lines ignored. */
export async function queryLines(c: QueryCase): Promise<string[]> {
  const out: string[] = [];
  for await (const { line } of query(...split({ ...c, onBad: () => undefined }))) out.push(line);
  return out;
}

/** The query's NDJSON as `trace --json` prints it, bad lines ignored. */
export async function queryText(c: QueryCase): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of query(...split({ ...c, onBad: () => undefined })).ndjson()) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}
