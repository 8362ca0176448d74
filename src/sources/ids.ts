/**
 * Event ids for database rows: a UUIDv7 whose 48 time bits are the row's time and whose
 * 74 other bits come from a hash of the database's name, the table, the row's key and
 * the kind of event, so the same row is the same event in every run, and on every host.
 */

/**
 * The id of the event `kind` of a row.
 *
 * @example
 * rowEventId(1761141900000, "space.db", "tasks", "task-abc123", "created"); // "019a0c1e-…"
 */
export function rowEventId(ms: number, db: string, table: string, key: string, kind: string): string {
  const h = process.getBuiltinModule("node:crypto").createHash("sha256").update(`${db}\u0000${table}\u0000${key}\u0000${kind}`).digest();
  const time = Math.max(0, Math.floor(ms)).toString(16).padStart(12, "0").slice(-12);
  const hex = h.toString("hex");
  const variant = ((parseInt(hex[3]!, 16) & 0x3) | 0x8).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${hex.slice(0, 3)}-${variant}${hex.slice(4, 7)}-${hex.slice(7, 19)}`;
}
