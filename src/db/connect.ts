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
  let pg: typeof import("pg");
  try {
    // require, as for better-sqlite3: the bundled CLI runs as a script, where import() of a package is not offered.
    pg = process.getBuiltinModule("node:module").createRequire(import.meta.url)("pg") as typeof import("pg");
  } catch {
    throw new UsageError("--db: the PostgreSQL client is not installed (npm install pg)");
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  // A server that goes away later is told by the query that meets it, not as an unhandled error.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw new UsageError(`--db ${shown}: ${whyNot(err as NodeJS.ErrnoException & { code?: string })}`);
  }
  return client as unknown as DbClient;
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
