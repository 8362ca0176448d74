/** The manual's page of `trace ship` (manual.ts holds the rest). */
import { DIR_FLAG, SPACE_TZ_FLAG } from "./manual-flags.js";
import type { Page } from "./page.js";

/** `trace ship --help`. */
export const SHIP_PAGE: Page = {
  name: "ship",
  summary: "ship this host's store (and its space-os sources) into a central PostgreSQL",
  usage: ["trace ship --to URL [--once] [--cursor-file F] [--batch N] [--host NAME]", "trace ship --to URL --status [--json]"],
  about: [
    "Follows the store as trace -f does and writes each new event into the database --to (or TRACE_SHIP_TO) names, creating or migrating its schema first (trace db --help): batches go through COPY into a temporary table, then into trace_events with ON CONFLICT DO NOTHING, so an event sent twice is held once. The position goes to a cursor file (default .ship-HASH.cursor in the store, one per database) only after its events were committed: a shipper killed at any point, a reboot or a restarted server loses nothing and doubles nothing. While the server is away, the batch is tried again with backoff (0.25 s doubling to 30 s): the store is the buffer.",
    "Each row keeps the stored line (trace --db … --json prints the bytes the day file holds), the store's name (its workspace's folder) and the host. Events are shipped as stored; they are masked when read, by the policy of the reader's store and the tombstones the database holds.",
    "--status prints how many events of this store are after its position (not shipped yet) and, for every store the database holds, its events, its newest event and when it last shipped.",
  ],
  groups: [
    {
      title: "Flags",
      flags: [
        ["--to URL", "the database: postgresql://user:password@host:5432/db (default: TRACE_SHIP_TO); its password is never printed"],
        ["--once", "ship what is there now, then exit (from cron, or before a shutdown)"],
        ["--status", "how far this store lags, and every store the database holds"],
        ["--cursor-file F", "the position file (default: .ship-HASH.cursor in the store)"],
        ["--batch N", "events per transaction (default 5000)"],
        ["--host NAME", "the host recorded with each event (default: this machine's name)"],
        ["--json", "with --status: one JSON object"],
        DIR_FLAG,
        ["--space PATH", "the space-os databases shipped with the day files (default: TRACE_SPACE, and the .space/ that holds the store)"],
        SPACE_TZ_FLAG,
        ["--no-sources", "ship the day files only"],
      ],
    },
  ],
  notes: [
    "TRACE_SHIP_TO=postgresql://trace@db.internal/trace trace ship &",
    "trace ship --to postgresql://trace@db.internal/trace --status",
    "Exit: 0 stopped (SIGTERM, Ctrl-C) or --once done, 1 a failure while running, 2 bad usage or a database that cannot be used (a bad URL, bad credentials, no such database).",
  ],
};
