/**
 * A PostgreSQL for the tests: a real server where one is installed (Debian's
 * `postgresql`, which .ci/run installs) — `initdb` in a temporary folder, a Unix socket,
 * run as the unprivileged `postgres` user when the tests run as root, stopped after —
 * else PGlite (PostgreSQL built to WebAssembly) served on the wire protocol by
 * pglite-socket. With CI=true a missing server is a failure, not PGlite.
 * TRACE_TEST_PG=pglite forces PGlite, so that its path is tried where a server exists.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A running database: its URL, what it is, and how to stop it. */
export interface TestDatabase {
  url: string;
  kind: "postgresql" | "pglite";
  /** Stops the server and starts it again on the same address, its data kept. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The folder of PostgreSQL's server programs, or undefined. */
function serverBin(): string | undefined {
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => existsSync(join(debian, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return join(debian, versions[0], "bin");
  }
  const found = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" }).stdout.trim();
  return found === "" ? undefined : join(found, "..");
}

/**
 * Starts a database for one test file.
 *
 * @example
 * const db = await startDatabase(); try { … db.url … } finally { await db.stop(); }
 */
export async function startDatabase(): Promise<TestDatabase> {
  const bin = process.env.TRACE_TEST_PG === "pglite" ? undefined : serverBin();
  if (bin !== undefined) return startPostgres(bin);
  if (process.env.TRACE_TEST_PG !== "pglite" && process.env.CI === "true") throw new Error("no PostgreSQL server here (initdb not found): .ci/run installs Debian's postgresql");
  return startPglite();
}

async function startPostgres(bin: string): Promise<TestDatabase> {
  const root = mkdtempSync(join(tmpdir(), "trace-pg-"));
  const asRoot = process.getuid?.() === 0;
  const run = (program: string, args: string[]): string => {
    const argv = asRoot ? ["runuser", "-u", "postgres", "--", join(bin, program), ...args] : [join(bin, program), ...args];
    return execFileSync(argv[0]!, argv.slice(1), { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  };
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }));
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }));
    chownSync(root, uid, gid);
  }
  const data = join(root, "data");
  run("initdb", ["-D", data, "-U", "trace", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
  run("pg_ctl", ["-D", data, "-l", join(root, "log"), "-w", "-o", `-k ${root} -c listen_addresses='' -c fsync=off`, "start"]);
  return {
    url: `postgresql://trace@localhost/postgres?host=${encodeURIComponent(root)}`,
    kind: "postgresql",
    restart: async () => void run("pg_ctl", ["-D", data, "-l", join(root, "log"), "-m", "fast", "-w", "restart"]),
    stop: async () => {
      try {
        run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

/**
 * PGlite on the wire, one connection at a time (others are refused, and a shipper tries
 * again): it runs every connection in its one session, whose statements would interleave.
 */
async function startPglite(): Promise<TestDatabase> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const db = await PGlite.create();
  let server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0 });
  await server.start();
  const port = Number(/:(\d+)$/.exec(server.getServerConn())?.[1]);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    kind: "pglite",
    // The wire server goes away and comes back; the database in this process stays, as a server's data does.
    restart: async () => {
      // stop() waits for its connections to close, and one whose client was killed mid-query
      // may never say so; the listener itself closes at once, so the port is free regardless.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([server.stop(), new Promise((r) => (timer = setTimeout(r, 2000)))]);
      clearTimeout(timer);
      server = new PGLiteSocketServer({ db, host: "127.0.0.1", port });
      await server.start();
    },
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
