/**
 * A connection to the central PostgreSQL (`--db`, `TRACE_DB`), through `pg`, an optional
 * dependency loaded only when a database is named. Every way a connection fails is one
 * line naming the database without its password: a bad URL, no `pg`, a refused or
 * unknown host, bad credentials, a database that is not there.
 */
import { UsageError } from "../errors.js";

/** What the layers above ask of a connection. */
export interface DbClient {
  query<R = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
  /** `COPY … FROM STDIN` (`sql`) with `rows` in COPY's text format. */
  copyIn(sql: string, rows: string): Promise<void>;
  /**
   * Whether `copyIn` may be used: not on PGlite, whose wire server has no COPY, nor with
   * `TRACE_DB_COPY=off`, which forces the array INSERT that stands in for it.
   */
  readonly canCopy: boolean;
  /** Calls `onNotify` on each `NOTIFY channel` (after `LISTEN`, on this connection). */
  listen(channel: string, onNotify: () => void): Promise<void>;
  end(): Promise<void>;
}

/**
 * The URL as it may be shown: its password replaced.
 *
 * @example
 * shownUrl("postgres://u:secret@db/trace"); // "postgres://u:***@db/trace"
 */
export function shownUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:@/]*:)[^@/]*@/i, "$1***@");
}

/**
 * Connects to `url`, or throws one line (a UsageError: exit 2) saying why not.
 *
 * @example
 * const db = await connect("postgresql://trace@localhost/trace"); … await db.end();
 */
export async function connect(url: string): Promise<DbClient> {
  const shown = shownUrl(url);
  if (!/^postgres(ql)?:\/\//i.test(url)) throw new UsageError(`--db ${JSON.stringify(shown)}: expected a postgresql:// URL (postgresql://user@host:5432/trace)`);
  try {
    new URL(url);
  } catch {
    throw new UsageError(`--db ${JSON.stringify(shown)}: not a URL`);
  }
  // require, as for better-sqlite3: the bundled CLI runs as a script, where import() of a package is not offered.
  const require = process.getBuiltinModule("node:module").createRequire(import.meta.url);
  let pg: typeof import("pg");
  let copies: typeof import("pg-copy-streams");
  try {
    pg = require("pg") as typeof import("pg");
    copies = require("pg-copy-streams") as typeof import("pg-copy-streams");
  } catch {
    throw new UsageError("--db: the PostgreSQL client is not installed (npm install pg pg-copy-streams)");
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  // A server that goes away later is told by the query that meets it, not as an unhandled error.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    const e = err as NodeJS.ErrnoException & { code?: string };
    throw Object.assign(new UsageError(`--db ${shown}: ${whyNot(e)}`), { transient: isTransient(e) });
  }
  const { rows } = await client.query<{ v: string }>("SELECT version() AS v");
  const canCopy = process.env.TRACE_DB_COPY !== "off" && !/PGlite/.test(rows[0]?.v ?? "");
  return {
    canCopy,
    query: async (sql, values) => {
      const r = await client.query(sql, values);
      return { rows: r.rows, rowCount: r.rowCount };
    },
    copyIn: async (sql, rows) => {
      // Loaded when a batch is copied, not with the module, which every question's reading imports (3.5 ms).
      const { Readable } = process.getBuiltinModule("node:stream");
      const { pipeline } = process.getBuiltinModule("node:stream/promises");
      const stream = client.query(copies.from(sql));
      await pipeline(Readable.from([rows]), stream);
    },
    listen: async (channel, onNotify) => {
      client.on("notification", (n) => void (n.channel === channel && onNotify()));
      await client.query(`LISTEN ${channel}`);
    },
    end: () => client.end(),
  };
}

/** Ways to fail that a later try may not meet: no server yet, one starting or shutting down. */
const TRANSIENT = new Set(["ECONNREFUSED", "ENOENT", "ETIMEDOUT", "ECONNRESET", "EPIPE", "57P01", "57P02", "57P03", "53300"]);

/**
 * True when a database error may pass if tried again (the server away, restarting, or
 * the connection lost), as opposed to a wrong URL, credentials or schema.
 *
 * @example
 * if (isTransient(err)) await sleep(backoff);
 */
export function isTransient(err: unknown): boolean {
  const e = err as { transient?: boolean; code?: string; message?: string };
  if (e.transient !== undefined) return e.transient;
  return TRANSIENT.has(e.code ?? "") || /Connection terminated|not queryable|connection.*(closed|ended)|ECONNRESET/i.test(e.message ?? "");
}

/** A failed connection in words. */
function whyNot(err: NodeJS.ErrnoException & { code?: string }): string {
  switch (err.code) {
    case "ECONNREFUSED":
      return "connection refused (is PostgreSQL running there?)";
    case "ENOENT":
      return "no server socket there (is PostgreSQL running?)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "unknown host";
    case "ETIMEDOUT":
      return "the connection timed out";
    case "28P01":
    case "28000":
      return `bad credentials: ${err.message}`;
    case "3D000":
      return `${err.message} (create it first: createdb)`;
    default:
      return err.message;
  }
}
