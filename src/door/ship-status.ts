/** The library's door for `trace ship --status`: how far each store's shipping lags. */
import { hostname } from "node:os";
import { readCursorFile } from "../store/cursor.js";
import type { Reading } from "./reading.js";
import { shipCursorPath } from "./ship.js";

/** One store as the database knows it. */
export interface ShippedStore {
  store: string;
  host: string;
  /** Events it added. */
  events: number;
  /** Its newest event's time (ms), or undefined. */
  newest: number | undefined;
  /** When it last committed (ms). */
  shippedAt: number;
}

/** This host's lag, and every store the database holds. */
export interface ShipStatus {
  /** The store of this host: its name, the position file, and the events after the position (not shipped yet), the oldest's time. */
  local: { store: string; host: string; cursorFile: string; pending: number; oldestPending: number | undefined };
  stores: ShippedStore[];
}

/**
 * How far shipping the reading's store to `to` lags (the events after its position),
 * and what the database holds of every store shipped to it.
 *
 * @example
 * const { local, stores } = await shipStatus({ dir: ".space/trace" }, { to: url });
 */
export async function shipStatus(reading: Reading, options: { to: string; cursorFile?: string | undefined; host?: string | undefined }): Promise<ShipStatus> {
  const [{ resolveBoth }, { answer }, { connect }, { storeNames }, { eventsOf }] = await Promise.all([import("./resolve.js"), import("../query/query.js"), import("../db/connect.js"), import("../query/stores.js"), import("../engine/facade.js")]);
  const { read, asked } = await resolveBoth({}, { ...reading, db: undefined, redact: false });
  const dir = read.dirs[0]!;
  const cursorFile = options.cursorFile ?? shipCursorPath(dir, options.to);
  const cursor = { after: readCursorFile(cursorFile), where: `--cursor-file ${cursorFile}` };
  let pending = 0;
  let oldestPending: number | undefined;
  for await (const hits of answer(asked, read, cursor).batches) {
    for (const { event } of eventsOf(hits)) {
      pending++;
      oldestPending = Math.min(oldestPending ?? Infinity, event.timestamp);
    }
  }
  const db = await connect(options.to);
  try {
    const { rows } = await db.query<{ store: string; host: string; events: string; newest: string | null; at: string }>(
      "SELECT store, host, events, newest, (extract(epoch FROM shipped_at) * 1000)::bigint AS at FROM trace_stores ORDER BY store, host",
    ).catch((err: { code?: string }) => (err.code === "42P01" ? { rows: [] } : Promise.reject(err)));
    const stores = rows.map((r) => ({ store: r.store, host: r.host, events: Number(r.events), newest: r.newest === null ? undefined : Number(r.newest), shippedAt: Number(r.at) }));
    return { local: { store: storeNames([dir])[0]!, host: options.host ?? hostname(), cursorFile, pending, oldestPending }, stores };
  } finally {
    await db.end();
  }
}
