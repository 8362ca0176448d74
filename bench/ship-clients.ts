/**
 * The two maintained PostgreSQL clients on the shipping path, measured in one process:
 * `pg` with `pg-copy-streams` (what `trace ship` uses) and `postgres` (postgres.js), each
 * behind the same DbClient, so both run the same `writeBatch` — COPY into the temporary
 * table, the move under the lock, ON CONFLICT DO NOTHING — over the same events, into a
 * database of their own, taking turns round by round.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { connect, type DbClient } from "../src/db/connect.js";
import { migrate } from "../src/db/schema.js";
import { writeBatch } from "../src/db/write.js";
import { parseEventLine } from "../src/event/envelope.js";
import type { ReadEvent } from "../src/store/read.js";

type Sql = {
  unsafe(text: string, values?: unknown[]): Promise<Record<string, unknown>[] & { count: number }> & { writable(): Promise<NodeJS.WritableStream> };
  end(): Promise<void>;
};

/** postgres.js behind the DbClient the shipper writes through. */
function postgresJs(url: string): DbClient {
  const postgres = createRequire(import.meta.url)("postgres") as (url: string, options: object) => Sql;
  // postgres.js takes a socket folder as its host option, not as libpq's ?host= of the URL.
  const u = new URL(url);
  const socket = u.searchParams.get("host");
  u.search = "";
  const sql = postgres(u.toString(), { max: 1, onnotice: () => {}, ...(socket === null ? {} : { host: socket }) });
  return {
    canCopy: true,
    query: async <R>(text: string, values?: unknown[]) => {
      const r = await sql.unsafe(text, values ?? []);
      return { rows: [...r] as R[], rowCount: r.count };
    },
    copyIn: async (text, rows) => pipeline(Readable.from([rows]), await sql.unsafe(text).writable()),
    listen: async () => {},
    end: () => sql.end(),
  };
}

/** The first `n` events of the store's day files, as the shipper reads them. */
function eventsOf(dir: string, n: number): ReadEvent[] {
  const out: ReadEvent[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".ndjson")).sort()) {
    for (const line of readFileSync(join(dir, name), "utf8").split("\n")) {
      const event = line === "" ? undefined : parseEventLine(line);
      if (event) out.push({ event, line });
      if (out.length === n) return out;
    }
  }
  return out;
}

/** Events per second each client ships `n` events at, in batches of 5,000, median of `rounds`. */
export async function shipClients(url: string, dir: string, n: number, rounds: number): Promise<{ pg: number; postgresJs: number; events: number }> {
  const hits = eventsOf(dir, n);
  const psql = (sql: string): void => void execFileSync("psql", [url, "-qAtc", sql], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, PGOPTIONS: "-c client_min_messages=warning" } });
  const clients = { pg: (u: string) => connect(u), postgresJs: async (u: string) => postgresJs(u) };
  const rates: Record<keyof typeof clients, number[]> = { pg: [], postgresJs: [] };
  for (let r = 0; r < rounds; r++) {
    for (const name of Object.keys(clients) as (keyof typeof clients)[]) {
      const database = `ship_${name.toLowerCase()}`;
      psql(`DROP DATABASE IF EXISTS ${database}`);
      psql(`CREATE DATABASE ${database}`);
      const db = await clients[name](url.replace(/\/postgres\?/, `/${database}?`));
      try {
        await migrate(db);
        const t0 = performance.now();
        for (let at = 0; at < hits.length; at += 5000) await writeBatch(db, hits.slice(at, at + 5000), { store: "bench", host: "bench" });
        rates[name].push(hits.length / ((performance.now() - t0) / 1000));
      } finally {
        await db.end();
      }
      psql(`DROP DATABASE ${database}`);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { pg: median(rates.pg), postgresJs: median(rates.postgresJs), events: hits.length };
}
