/** A reading's cursor, apart from the reading's resolution: the doors that start lazily take it without loading the masks. */
import type { QueryCursor } from "../query/cursor.js";
import type { Reading } from "./reading.js";

/**
 * The cursor a reading asks to read after (`after`, named in errors by `cursorWhere`),
 * or undefined: a reading without one reads everything.
 *
 * @example
 * cursorOfReading({ after: saved }); // { after: saved, where: undefined }
 */
export function cursorOfReading(r: Reading): QueryCursor | undefined {
  return r.after !== undefined || r.cursorWhere !== undefined ? { after: r.after, where: r.cursorWhere } : undefined;
}
