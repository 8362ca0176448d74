/** The manual's page of `trace db` (manual.ts holds the rest). */
import type { Page } from "./page.js";

/** `trace db --help`. */
export const DB_PAGE: Page = {
  name: "db",
  summary: "the central PostgreSQL that hosts ship their stores to: its schema",
  usage: ["trace db init [--db URL]"],
  about: [
    "init creates the trace schema in the PostgreSQL that --db (or TRACE_DB) names, or migrates an older one: the table trace_events (the spec's events table, with the store and host each event came from and its stored line) range-partitioned by day, its five indexes (agent, target, parent, time, primitive), and trace_schema, the versions applied. Running it again changes nothing; two hosts running it at once take turns. A schema newer than this trace is refused.",
    "The connection string is PostgreSQL's: postgresql://user:password@host:5432/db, a Unix socket as ?host=/run/postgresql. The client (pg) is an optional dependency, loaded only when a database is named.",
  ],
  groups: [{ title: "Flags", flags: [["--db URL", "the database (default: TRACE_DB); its password is never printed"]] }],
  notes: ["TRACE_DB=postgresql://trace@db.internal/trace trace db init", "Exit: 0 ok, 1 a failure while running, 2 bad usage or a database that cannot be reached (one line: a bad URL, a refused connection, bad credentials, no such database)."],
};
