import { query, queryNdjson, type QueryOptions } from "../../src/index.js";

/** The stored lines a query yields, bad lines ignored. */
export async function queryLines(options: QueryOptions): Promise<string[]> {
  const out: string[] = [];
  for await (const { line } of query({ ...options, onBad: () => undefined })) out.push(line);
  return out;
}

/** The query's NDJSON as `trace --json` prints it, bad lines ignored. */
export async function queryText(options: QueryOptions): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of queryNdjson({ ...options, onBad: () => undefined })) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}
